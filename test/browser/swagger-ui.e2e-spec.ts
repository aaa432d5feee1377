import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { createClient, createContract, createPool, Pool } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const ARTIFACTS = join(__dirname, '..', 'artifacts');

/** Swagger UI driven as staff drive it, in headless Chromium (shipped by an npm package: no browser download). */
describe('Swagger UI, clicked', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let key: string;
  let pool: Pool;
  let clientId: number;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestApp({}, { listen: true });
    key = await t.apiKey();
    pool = await createPool(t.prisma, 3);
    clientId = await createClient(t.prisma, 5);
    await createContract(t.prisma, clientId, pool, 1);
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${t.url}/docs`);
    await page.waitForSelector('.swagger-ui .information-container');
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const operation = (tag: string, operationId: string) =>
    page.locator(`#operations-${tag.replace(/ /g, '_')}-${operationId}`);

  /** Opens an operation, presses Try it out (and, when given, writes the body), Execute, and answers the response's status and body. */
  async function execute(
    tag: string,
    operationId: string,
    body?: object,
  ): Promise<{ status: number; body: { [key: string]: unknown } }> {
    const block = operation(tag, operationId);
    if (!(await block.locator('.opblock-body').isVisible())) await block.locator('.opblock-summary').first().click();
    // Try it out once per operation: after it, the operation shows Execute (clicking waits for the button to render).
    if (!(await block.locator('button.execute').isVisible()))
      await block.getByRole('button', { name: 'Try it out' }).click();
    if (body) await block.locator('textarea.body-param__text').fill(JSON.stringify(body));
    const answered = page.waitForResponse(
      (response) => response.request().method() !== 'OPTIONS' && response.url().includes('/api/'),
    );
    await block.locator('button.execute').click();
    const response = await answered;
    await block.locator('.live-responses-table').waitFor();
    return { status: response.status(), body: await response.json() };
  }

  it('authorises with a key and lists the servers on the first Execute, with no filter pre-filled', async () => {
    await page.locator('button.authorize').first().click();
    await page.locator('.auth-container input').fill(key);
    await page.locator('.auth-btn-wrapper button.authorize').click();
    await page.locator('button.btn-done').click();
    const { status, body } = await execute('Inventory', 'listServers');
    expect(status).toBe(200);
    expect((body as unknown as { id: number }[]).map((s) => s.id)).toEqual(expect.arrayContaining(pool.serverIds));
    await page.screenshot({ path: join(ARTIFACTS, 'swagger-list-servers.png'), fullPage: false });
  });

  it('allocates twice in a row from the page, two different servers (no Idempotency-Key pre-filled), then shows a 409 with its code', async () => {
    const body = { locationId: pool.locationId, instanceTypeId: pool.instanceTypeId, clientId };
    const first = await execute('Server Commands', 'allocateServer', body);
    const second = await execute('Server Commands', 'allocateServer', body);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect((first.body.server as { id: number }).id).not.toBe((second.body.server as { id: number }).id);
    const refused = await execute('Server Commands', 'allocateServer', body);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'NO_CAPACITY' });
    expect(
      await operation('Server Commands', 'allocateServer').locator('.live-responses-table').textContent(),
    ).toContain('NO_CAPACITY');
    await operation('Server Commands', 'allocateServer')
      .locator('.live-responses-table')
      .screenshot({ path: join(ARTIFACTS, 'swagger-allocate-409.png') });
  });
});
