import { TransactionClient } from '@app/database';

/**
 * The server an allocation takes: the Available one of the pool with the lowest id, locked.
 * SKIP LOCKED passes over servers another command holds at this moment (being isolated, say),
 * so allocations never queue behind them; the (locationId, instanceTypeId, status, id) index serves it.
 */
export async function lockAvailableServer(tx: TransactionClient, locationId: number, instanceTypeId: number): Promise<number | undefined> {
  const rows = await tx.$queryRaw<{ id: number }[]>`
    SELECT "id" FROM "Server"
    WHERE "locationId" = ${locationId} AND "instanceTypeId" = ${instanceTypeId} AND "status" = 'available'
    ORDER BY "id"
    LIMIT 1
    FOR UPDATE SKIP LOCKED`;
  return rows[0]?.id;
}
