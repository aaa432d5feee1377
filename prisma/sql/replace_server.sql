-- Replace a client's broken server in one transaction: the server is isolated (its allocation ends REPLACED) and
-- another Available server of the same pool is allocated to the same client, on the same quota and contract, linked to
-- the old allocation ("replacesId"). The client's count does not change, so the replacement may take any Available
-- server of the pool, the reserve included; when none is, nothing changes (NO_CAPACITY). Locks in the order every
-- writer follows (docs/allocation-engine.md): the broken server, the pool (lock_pools), the client; the spare is
-- taken with SKIP LOCKED, as allocations take theirs. The transitions are the lifecycle's
-- (libs/lifecycle): allocated -> isolated by `replace`, available -> allocated.
-- With an Idempotency-Key (p_key of the API key p_api_key), as allocate_servers: a repeat answers the replacement it
-- made (replayed), another request with the key is refused (IDEMPOTENCY_KEY_REUSED).
-- DESTRUCTIVE_LIMIT (p_destructive_limit, null when off) counts it as an allocation ended (destructive_limit.sql).
-- Answers {refusal, status?} or {old: {server, allocation}, new: {server, allocation}, replayed}.
CREATE OR REPLACE FUNCTION "replace_server"(p_client int, p_server int, p_sub_state "IsolationSubState", p_reason text, p_operation uuid,
  p_actor text, p_actor_key int, p_api_key int, p_key text, p_request_hash text, p_key_expires timestamp, p_now timestamp,
  p_destructive_limit int)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  earlier record;
  broken "Server";
  held "Allocation";
  spare int;
  ended "Allocation";
  started "Allocation";
  old_server "Server";
  new_server "Server";
  old_audit bigint;
  new_audit bigint;
BEGIN
  IF p_key IS NOT NULL THEN
    SELECT * INTO earlier FROM "earlier_request"(p_api_key, p_key, p_now);
    IF FOUND AND earlier.request_hash <> p_request_hash THEN
      RETURN jsonb_build_object('refusal', 'IDEMPOTENCY_KEY_REUSED');
    ELSIF FOUND THEN
      SELECT * INTO started FROM "Allocation" a WHERE a."id" = earlier.allocation_ids[1];
      SELECT * INTO ended FROM "Allocation" a WHERE a."id" = started."replacesId";
      RETURN jsonb_build_object('replayed', true,
        'old', jsonb_build_object('server', (SELECT to_jsonb(s) FROM "Server" s WHERE s."id" = ended."serverId"), 'allocation', to_jsonb(ended)),
        'new', jsonb_build_object('server', (SELECT to_jsonb(s) FROM "Server" s WHERE s."id" = started."serverId"), 'allocation', to_jsonb(started)));
    END IF;
  END IF;

  IF NOT EXISTS (SELECT 1 FROM "Client" c WHERE c."id" = p_client) THEN
    RETURN jsonb_build_object('refusal', 'CLIENT_NOT_FOUND');
  END IF;
  SELECT * INTO broken FROM "Server" s WHERE s."id" = p_server FOR UPDATE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('refusal', 'SERVER_NOT_FOUND');
  END IF;
  PERFORM "lock_pools"(ARRAY[broken."instanceTypeId"]);
  PERFORM 1 FROM "Client" c WHERE c."id" = p_client FOR NO KEY UPDATE;
  IF broken."status" <> 'allocated' THEN
    RETURN jsonb_build_object('refusal', 'NOT_ALLOCATED', 'status', broken."status");
  END IF;
  SELECT * INTO held FROM "Allocation" a WHERE a."id" = broken."currentAllocationId";
  IF held."clientId" <> p_client THEN
    RETURN jsonb_build_object('refusal', 'NOT_HELD_BY_CLIENT');
  END IF;

  SELECT s."id" INTO spare FROM "Server" s
  WHERE s."locationId" = broken."locationId" AND s."instanceTypeId" = broken."instanceTypeId" AND s."status" = 'available'
  ORDER BY s."id" LIMIT 1 FOR UPDATE SKIP LOCKED;
  IF spare IS NULL THEN
    RETURN jsonb_build_object('refusal', 'NO_CAPACITY',
      'available', (SELECT pf."available" FROM "PoolFigures" pf WHERE pf."instanceTypeId" = broken."instanceTypeId"),
      'reserved', (SELECT k."reserved" FROM "pool_commitments"(broken."instanceTypeId", p_now) k));
  END IF;

  IF p_destructive_limit IS NOT NULL AND p_actor_key IS NOT NULL AND NOT "take_destructive_slot"(p_actor_key, p_destructive_limit, p_now) THEN
    RETURN jsonb_build_object('refusal', 'TOO_MANY_REQUESTS');
  END IF;

  -- The old allocation ends before the new one starts, so that the counters never count both.
  UPDATE "Allocation" a SET "endedAt" = p_now, "endedBy" = 'REPLACED' WHERE a."id" = held."id" RETURNING * INTO ended;
  UPDATE "Server" s SET "status" = 'isolated', "subState" = p_sub_state, "isolationReason" = p_reason, "currentAllocationId" = NULL,
    "baselineStartedAt" = NULL, "version" = s."version" + 1, "updatedAt" = p_now
  WHERE s."id" = p_server RETURNING * INTO old_server;
  INSERT INTO "Allocation" ("serverId", "clientId", "locationId", "instanceTypeId", "quota", "contractId", "startedAt", "replacesId")
  VALUES (spare, p_client, held."locationId", held."instanceTypeId", held."quota", held."contractId", p_now, held."id") RETURNING * INTO started;
  UPDATE "Server" s SET "status" = 'allocated', "currentAllocationId" = started."id", "version" = s."version" + 1, "updatedAt" = p_now
  WHERE s."id" = spare RETURNING * INTO new_server;

  INSERT INTO "ServerEvent" ("serverId", "actor", "actorKeyId", "command", "fromStatus", "toStatus", "subState", "reason", "operationUuid", "allocationId", "occurredAt")
  VALUES (p_server, p_actor, p_actor_key, 'replace', 'allocated', 'isolated', p_sub_state, p_reason, p_operation, ended."id", p_now) RETURNING "id" INTO old_audit;
  INSERT INTO "ServerEvent" ("serverId", "actor", "actorKeyId", "command", "fromStatus", "toStatus", "reason", "operationUuid", "allocationId", "occurredAt")
  VALUES (spare, p_actor, p_actor_key, 'replace', 'available', 'allocated', 'replaces server ' || p_server, p_operation, started."id", p_now) RETURNING "id" INTO new_audit;
  INSERT INTO "OutboxEvent" ("id", "type", "serverId", "serverEventId", "payload", "occurredAt") VALUES
    (gen_random_uuid(), 'server.isolated', p_server, old_audit,
      "server_event_payload"(old_server, 'replace', 'allocated', p_actor, p_reason, p_operation, ended)
        || jsonb_build_object('replacedBy', jsonb_build_object('serverId', spare, 'allocationId', started."id")), p_now),
    (gen_random_uuid(), 'server.allocated', spare, new_audit,
      "server_event_payload"(new_server, 'replace', 'available', p_actor, 'replaces server ' || p_server, p_operation, started)
        || jsonb_build_object('replaces', jsonb_build_object('serverId', p_server, 'allocationId', ended."id")), p_now);

  IF p_key IS NOT NULL THEN
    INSERT INTO "IdempotencyKey" ("apiKeyId", "key", "requestHash", "allocationIds", "createdAt", "expiresAt")
    VALUES (p_api_key, p_key, p_request_hash, ARRAY[started."id"], p_now, p_key_expires);
  END IF;
  RETURN jsonb_build_object('replayed', false,
    'old', jsonb_build_object('server', to_jsonb(old_server), 'allocation', to_jsonb(ended)),
    'new', jsonb_build_object('server', to_jsonb(new_server), 'allocation', to_jsonb(started)));
END $$;
