/**
 * When a contract is valid: from its start (inclusive) to its end (exclusive), or for good without an end.
 * The SQL function `contract_valid_at` (prisma/sql/contract_validity.sql) is the form every query asks; this
 * one serves rows already read through Prisma. test/db/contract-validity.spec.ts proves they agree.
 */
export function isContractValidAt(contract: { startsAt: Date; endsAt: Date | null }, at: Date): boolean {
  return contract.startsAt <= at && (contract.endsAt === null || contract.endsAt > at);
}
