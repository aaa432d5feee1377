import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '@app/database';
import { startTestApp, TestApp } from '../support/test-app';

/** The staff console's files (apps/console, built into dist/console) as the service serves them, without a key. */
describe('Console files', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('leads /console to the page, which browsers look at again each time', async () => {
    expect((await t.http.get('/console').expect(301)).headers.location).toBe('/console/');
    const page = await t.http.get('/console/').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.text).toContain('<div id="root">');
  });

  it('serves the hashed assets as never changing, and answers a missing file in the error shape', async () => {
    const [asset] = readdirSync(join(PROJECT_ROOT, 'dist', 'console', 'assets'));
    const answer = await t.http.get(`/console/assets/${asset}`).expect(200);
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const missing = await t.http.get('/console/assets/nothing-here.js').expect(404);
    expect(missing.body).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });
});
