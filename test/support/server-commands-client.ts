import { TestApp } from './test-app';

export interface AllocateBody {
  locationId: unknown;
  instanceTypeId: unknown;
  clientId: unknown;
  contractId?: unknown;
  overflow?: unknown;
  [field: string]: unknown;
}

/** The seed-003 routes, called over HTTP with a key, exactly as MetalWorks calls them. */
export function serverCommands(t: TestApp, key: string) {
  const auth = <T extends { set(name: string, value: string): T }>(call: T) => call.set('X-Api-Key', key);
  return {
    allocate: (body: AllocateBody, idempotencyKey?: string) => {
      const call = auth(t.http.post('/api/server/allocate')).send(body);
      return idempotencyKey ? call.set('Idempotency-Key', idempotencyKey) : call;
    },
    allocateBatch: (body: AllocateBody & { amount: unknown; spread?: unknown }, idempotencyKey?: string) => {
      const call = auth(t.http.post('/api/server/allocate/batch')).send(body);
      return idempotencyKey ? call.set('Idempotency-Key', idempotencyKey) : call;
    },
    checkQuota: (body: AllocateBody & { amount?: unknown }) => auth(t.http.post('/api/quota/check')).send(body),
    deallocate: (clientId: number, serverId: number) =>
      auth(t.http.delete(`/api/client/${clientId}/server/${serverId}/allocate`)),
    compensate: (clientId: number, serverId: number) =>
      auth(t.http.delete(`/api/client/${clientId}/server/${serverId}/allocate/compensate`)),
    isolate: (serverId: number, body: object) => auth(t.http.post(`/api/server/${serverId}/isolate`)).send(body),
    unisolate: (serverId: number) => auth(t.http.delete(`/api/server/${serverId}/isolate`)),
    available: (serverId: number, baselineId?: string) => {
      const call = auth(t.http.post(`/api/server/${serverId}/available`));
      return baselineId === undefined ? call : call.send({ baselineId });
    },
    quarantine: (serverId: number) => auth(t.http.post(`/api/server/${serverId}/quarantine`)),
    unquarantine: (serverId: number) => auth(t.http.delete(`/api/server/${serverId}/quarantine`)),
    retire: (serverId: number, body: object) => auth(t.http.post(`/api/servers/${serverId}/retire`)).send(body),
    replace: (clientId: number, serverId: number, body: object, idempotencyKey?: string) => {
      const call = auth(t.http.post(`/api/client/${clientId}/server/${serverId}/replace`)).send(body);
      return idempotencyKey ? call.set('Idempotency-Key', idempotencyKey) : call;
    },
  };
}

export type ServerCommandsClient = ReturnType<typeof serverCommands>;

/**
 * Everything a command could have written about a server, to prove that a refused one wrote nothing. When a waiting
 * Back to Baseline run is dispatched is the pacer's (on its own clock), never a command's: left out.
 */
export async function footprint(t: TestApp, serverId: number) {
  const [{ baselineDispatchedAt: _dispatchedByThePacer, ...server }, events, outbox, allocations] = await Promise.all([
    t.prisma.server.findUniqueOrThrow({ where: { id: serverId } }),
    t.prisma.serverEvent.count({ where: { serverId } }),
    t.prisma.outboxEvent.count({ where: { serverId } }),
    t.prisma.allocation.findMany({ where: { serverId }, orderBy: { id: 'asc' } }),
  ]);
  return { server, events, outbox, allocations };
}
