import { ServiceProcess, startService } from '../support/processes';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** Logs people and machines can read: JSON lines off a terminal, a request id on every line of a request. */
describe('Request ids and logs', () => {
  let database: TestDatabase;
  let service: ServiceProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await startService({ DATABASE_URL: database.url, MIGRATE_ON_START: 'false', DISPATCHER: 'false' });
  });
  afterAll(async () => {
    await service.stop();
    await database.drop();
  });

  it('keeps an incoming X-Request-Id, echoes it, puts it in the error body and on the access line', async () => {
    const response = await fetch(`${service.url}/api/servers/1`, {
      headers: { 'X-Request-Id': 'trace-abc-123', 'X-Api-Key': 'bmk_wrong' },
    });
    expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
    expect(await response.json()).toMatchObject({ statusCode: 401, requestId: 'trace-abc-123' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = service
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: string; message: string; requestId?: string; context?: string });
    expect(lines.find((l) => l.requestId === 'trace-abc-123')).toMatchObject({
      level: 'log',
      context: 'HTTP',
      message: expect.stringMatching(/^GET \/api\/servers\/1 401 [\d.]+ ms key=-$/),
    });
  });

  it('makes a request id when none comes, and writes JSON lines without colour codes', async () => {
    const response = await fetch(`${service.url}/health/live`);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(service.output()).not.toContain('\u001b['); // no colour codes
  });
});
