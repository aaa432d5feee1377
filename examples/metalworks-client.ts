import { createAllocatorClient, dataOf, SIGNATURE_HEADER, verifySignature } from '@app/client';

/** A hook delivery as MetalWorks' web server receives it. */
export interface Delivery {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * MetalWorks' side, written against the generated client (the README's ten lines; run by
 * test/client.e2e-spec.ts on the demo data). Returns what the last, refused, call says is allowed.
 */
export async function metalworksFlow(
  baseUrl: string,
  apiKey: string,
  hookSecret: string,
  nextDelivery: () => Promise<Delivery>,
) {
  const allocator = createAllocatorClient({ baseUrl, apiKey });
  const { server } = await dataOf(
    allocator.POST('/api/server/allocate', {
      body: { locationId: 18, instanceTypeId: 129, clientId: 12345, contractId: 'MY-CONTRACT-123' },
    }),
  );
  const path = { clientId: 12345, serverId: server.id };
  await dataOf(allocator.DELETE('/api/client/{clientId}/server/{serverId}/allocate', { params: { path } }));
  const { headers, body } = await nextDelivery(); // server.baseline.requested: wipe and health-check it
  if (!verifySignature(hookSecret, headers[SIGNATURE_HEADER.toLowerCase()] as string, body).valid)
    throw new Error('not signed by the allocator');
  const { baselineId } = JSON.parse(body).payload.baseline; // the run to name when it is done
  await dataOf(allocator.POST('/api/server/{serverId}/available', { params: { path }, body: { baselineId } }));
  await dataOf(
    allocator.POST('/api/server/{serverId}/isolate', {
      params: { path },
      body: { subState: 'brokenHardware', reason: 'IPMI boot failed' },
    }),
  );
  const { error } = await allocator.POST('/api/server/{serverId}/available', { params: { path } }); // refused: 409
  return error?.code === 'NOT_BASELINING' ? error.details.allowedCommands : error;
}
