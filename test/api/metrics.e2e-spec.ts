import { createClient, createContract, createPool } from '../support/factories';
import { serverCommands } from '../support/server-commands-client';
import { startTestApp, TestApp } from '../support/test-app';

/** A Prometheus-style value of one series in the exposition text, 0 when absent. */
function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** GET /metrics after a few commands: each family, with the labels and counts those commands make. */
describe('Metrics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ METRICS_AUTH: 'none' });
  });
  afterAll(() => t.close());

  it('counts commands by result, times allocate, counts quota refusals, and reads servers per pool and the outbox', async () => {
    const api = serverCommands(t, await t.apiKey());
    const pool = await createPool(t.prisma, 3);
    const clientId = await createClient(t.prisma, 5);
    const contractId = await createContract(t.prisma, clientId, pool, 1);
    const where = { locationId: pool.locationId, instanceTypeId: pool.instanceTypeId, clientId, contractId };
    const { body } = await api.allocate(where).expect(200);
    await api.allocate(where).expect(409);
    await api.deallocate(clientId, body.server.id).expect(200);
    await api.deallocate(clientId, body.server.id).expect(200);
    await t.http.get('/api/servers').set('X-Api-Key', 'bmk_wrong').expect(401);
    // A body the command refuses is its result; a key without the scope never gave the command.
    await api.allocate({ ...where, clientId: 'five' }).expect(400);
    await serverCommands(t, await t.apiKey('inventory:read'))
      .deallocate(clientId, body.server.id)
      .expect(403);

    const { text, headers } = await t.http.get('/metrics').expect(200);
    expect(headers['content-type']).toContain('text/plain');
    expect(value(text, 'allocator_commands_total{command="allocate",result="ok"}')).toBe(1);
    expect(value(text, 'allocator_commands_total{command="allocate",result="QUOTA_EXCEEDED"}')).toBe(1);
    expect(value(text, 'allocator_commands_total{command="deallocate",result="ok"}')).toBe(1);
    expect(value(text, 'allocator_commands_total{command="deallocate",result="noop"}')).toBe(1);
    expect(value(text, 'allocator_commands_total{command="allocate",result="VALIDATION_FAILED"}')).toBe(1);
    expect(text).not.toContain('result="FORBIDDEN"');
    expect(value(text, 'allocator_quota_refusals_total{reason="QUOTA_EXCEEDED"}')).toBe(1);
    expect(value(text, 'allocator_allocate_duration_seconds_count{result="ok"}')).toBe(1);
    const labels = `location="${pool.locationId}",instance_type="${pool.instanceTypeId}"`;
    expect(value(text, `allocator_servers{${labels},status="available"}`)).toBe(2);
    expect(value(text, `allocator_servers{${labels},status="baselining"}`)).toBe(1);
    expect(value(text, 'allocator_http_requests_total{method="POST",route="/api/server/allocate",status="409"}')).toBe(
      1,
    );
    expect(
      value(text, 'allocator_http_requests_total{method="GET",route="unmatched",status="401"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^allocator_database_pool_connections\{state="idle"\} \d+/m);
    expect(text).toMatch(/^allocator_outbox_pending_deliveries \d+/m);
    expect(text).toMatch(/^allocator_outbox_oldest_pending_seconds \d+/m);
    expect(text).toMatch(/^allocator_process_cpu_seconds_total \d/m);
  });

  it('asks for a key with metrics:read when METRICS_AUTH=key', async () => {
    const guarded = await startTestApp({ METRICS_AUTH: 'key' });
    try {
      expect((await guarded.http.get('/metrics').expect(401)).body.code).toBe('UNAUTHORIZED');
      expect(
        (
          await guarded.http
            .get('/metrics')
            .set('X-Api-Key', await guarded.apiKey('inventory:read'))
            .expect(403)
        ).body.code,
      ).toBe('FORBIDDEN');
      await guarded.http
        .get('/metrics')
        .set('X-Api-Key', await guarded.apiKey('metrics:read'))
        .expect(200);
    } finally {
      await guarded.close();
    }
  });
});
