-- When a contract is valid: from its start (inclusive) to its end (exclusive), or for good when it has
-- no end. Every SQL statement asks this function; the TypeScript form (libs/contracts/src/contract-validity.ts)
-- exists for rows read through Prisma, and test/db/contract-validity.spec.ts proves the two agree.
CREATE OR REPLACE FUNCTION "contract_valid_at"(starts_at timestamp, ends_at timestamp, at timestamp)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT starts_at <= at AND (ends_at IS NULL OR ends_at > at)
$$;
