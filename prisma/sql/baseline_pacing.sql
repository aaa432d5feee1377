-- Back to Baseline pacing: at most p_max_in_flight runs per location are under way in MetalWorks at once (a guard
-- against a mass de-allocation wiping a site at once, like Ironic's cap on concurrent cleanings). A run is requested
-- when its server enters baselining (baselineStartedAt) and waits until this function dispatches it
-- (baselineDispatchedAt): its server.baseline.requested is delivered only then (the dispatcher's claim), and the
-- watchdog measures from then. Every service process calls it on a timer; the advisory lock lets one at a time count
-- and dispatch, so the processes share the cap through the database.
CREATE OR REPLACE FUNCTION "dispatch_baselines"(p_max_in_flight int, p_now timestamp) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  dispatched int;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtextextended('baseline-pacing', 0)) THEN
    RETURN 0;
  END IF;
  WITH running AS (
    SELECT s."locationId", count(*)::int AS n FROM "Server" s
    WHERE s."status" = 'baselining' AND s."baselineDispatchedAt" IS NOT NULL GROUP BY s."locationId"
  ), waiting AS (
    SELECT s."id", s."locationId", row_number() OVER (PARTITION BY s."locationId" ORDER BY s."baselineStartedAt", s."id") AS turn
    FROM "Server" s WHERE s."status" = 'baselining' AND s."baselineDispatchedAt" IS NULL
  ), due AS (
    SELECT w."id" FROM waiting w LEFT JOIN running r ON r."locationId" = w."locationId" WHERE w.turn <= p_max_in_flight - coalesce(r.n, 0)
  )
  UPDATE "Server" s SET "baselineDispatchedAt" = p_now
  FROM due WHERE s."id" = due."id" AND s."status" = 'baselining' AND s."baselineDispatchedAt" IS NULL;
  GET DIAGNOSTICS dispatched = ROW_COUNT;
  RETURN dispatched;
END $$;

-- Per location, the runs under way and those waiting for a slot (the capacity report and the metrics).
CREATE OR REPLACE VIEW "BaselineRuns" AS
  SELECT s."locationId", count(*) FILTER (WHERE s."baselineDispatchedAt" IS NOT NULL)::int AS "running",
    count(*) FILTER (WHERE s."baselineDispatchedAt" IS NULL)::int AS "waiting", min(s."baselineStartedAt") FILTER (WHERE s."baselineDispatchedAt" IS NULL) AS "oldestWaitingSince"
  FROM "Server" s WHERE s."status" = 'baselining' GROUP BY s."locationId";
