-- An Idempotency-Key (p_key, owned by the API key p_api_key) as the functions that write with one see it (allocate_servers,
-- replace_server): calls with one key take turns (an advisory lock, held until the caller's transaction ends), an
-- expired key is forgotten, and the request first sent with it, if any, is answered: its hash and what it wrote.
CREATE OR REPLACE FUNCTION "earlier_request"(p_api_key int, p_key text, p_now timestamp)
RETURNS TABLE (request_hash text, allocation_ids int[]) LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('idempotency:' || p_api_key || ':' || p_key, 0));
  DELETE FROM "IdempotencyKey" k WHERE k."apiKeyId" = p_api_key AND k."key" = p_key AND k."expiresAt" <= p_now;
  RETURN QUERY SELECT k."requestHash", k."allocationIds" FROM "IdempotencyKey" k WHERE k."apiKeyId" = p_api_key AND k."key" = p_key;
END $$;
