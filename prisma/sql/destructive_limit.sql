-- DESTRUCTIVE_LIMIT: how many allocations one API key may end per minute (de-allocate, compensate and isolate of an
-- allocated server, replace), a guard against a runaway script (like Ironic's caps on concurrent cleanings). Counted
-- per key and calendar minute in the database, so that several service processes share the count; the upsert takes
-- the row's lock and reads its latest count, so two calls at once never both take the last slot.
CREATE OR REPLACE FUNCTION "take_destructive_slot"(p_api_key int, p_limit int, p_now timestamp) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  this_minute timestamp := date_trunc('minute', p_now);
  taken int;
BEGIN
  DELETE FROM "EndedAllocationCount" c WHERE c."apiKeyId" = p_api_key AND c."minute" < this_minute;
  INSERT INTO "EndedAllocationCount" AS c ("apiKeyId", "minute", "ended") VALUES (p_api_key, this_minute, 1)
  ON CONFLICT ("apiKeyId", "minute") DO UPDATE SET "ended" = c."ended" + 1 WHERE c."ended" < p_limit
  RETURNING c."ended" INTO taken;
  RETURN taken IS NOT NULL;
END $$;
