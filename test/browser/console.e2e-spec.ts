import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { DemoSeeder } from '@app/inventory';
import { launchChromium } from '../support/browser';
import { TestReceiver } from '../support/receiver';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

const ARTIFACTS = join(__dirname, '..', 'artifacts');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const SECRET = 'whsec_console_suite_0001';

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

/**
 * The staff console in headless Chromium, on the demo data, as staff use it: sign in with a key, read the fleet,
 * work the triage queue, read a server's story, a client's use and the event deliveries. Every page is checked for
 * accessibility (axe-core) and photographed into test/artifacts/.
 */
describe('The staff console, in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let key: string;
  const receiver = new TestReceiver(SECRET);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestApp({ DISPATCHER: 'true', DISPATCH_INTERVAL: '50ms' }, { listen: true });
    key = (await t.app.get(DemoSeeder).seedIfEmpty())!.apiKey;
    await receiver.start();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await receiver.stop();
    await t?.close();
  });

  const api = (method: 'get' | 'post' | 'put' | 'delete', path: string, body?: object) => {
    const call = t.http[method](path).set('X-Api-Key', key);
    return body ? call.send(body) : call;
  };
  const open = async (hash: string) => {
    await page.goto(`${t.url}/console/${hash}`);
    await page.locator('main h1').first().waitFor();
  };
  const shoot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `console-${name}.png`), fullPage: true });

  /** No serious or critical accessibility violation on the page as it is now. */
  async function expectAccessible(): Promise<void> {
    // Evaluated by the browser's debugging protocol: the console's Content-Security-Policy allows no inline script.
    if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE);
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
      return (await axe.run()).violations;
    });
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }

  async function signIn(apiKey: string): Promise<void> {
    await page.goto(`${t.url}/console/`);
    await page.getByLabel('API key').fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Fleet', level: 1 }).waitFor();
  }

  it('signs in with the demo key, and shows the fleet with the figures of GET /api/capacity', async () => {
    // A fleet at work: servers held, in Back to Baseline, isolated and quarantined.
    const { body: order } = await api('post', '/api/server/allocate/batch', {
      locationId: 18,
      instanceTypeId: 129,
      clientId: 12345,
      contractId: 'MY-CONTRACT-123',
      overflow: true,
      amount: 7,
    }).expect(200);
    await api('delete', `/api/client/12345/server/${order.servers[0].id}/allocate`).expect(200);
    await api('post', '/api/server/157537/isolate', { subState: 'brokenHardware', reason: 'PSU' }).expect(200);
    await api('post', '/api/server/157538/isolate', { subState: 'failedBaseline' }).expect(200);
    await api('post', '/api/server/158437/quarantine').expect(200);
    await page.goto(`${t.url}/console/`);
    await expectAccessible();
    await page.getByLabel('API key').fill('not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/UNAUTHORIZED \(HTTP 401\)[\s\S]*request id/);

    const started = Date.now();
    await signIn(key);
    const firstLoad = Date.now() - started;
    const { body: pools } = await api('get', '/api/capacity').set('RANGED-DATA', 'start=0,results=100').expect(200);
    for (const pool of pools) {
      const row = page.locator(`[data-pool="${pool.instanceTypeId}"]`);
      const figure = (name: string) => row.locator(`[data-figure="${name}"]`).innerText();
      for (const status of ['available', 'allocated', 'baselining', 'isolated', 'quarantined', 'retired'])
        expect([pool.instanceTypeId, status, Number(await figure(status))]).toEqual([
          pool.instanceTypeId,
          status,
          pool.servers[status],
        ]);
      expect(Number(await figure('reserved'))).toBe(pool.reserved);
      expect(Number(await figure('onDemandHeadroom'))).toBe(pool.onDemandHeadroom);
    }
    // The key is kept in the tab's session storage only.
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length,
      ),
    ).toBe(1);
    expect(page.url()).not.toContain(key);
    await shoot('fleet');
    await expectAccessible();
    process.stdout.write(`Console: signed in and the fleet drawn in ${firstLoad} ms\n`);
  });

  it('finds a server isolated through the API in the triage queue, and un-isolates it from the page', async () => {
    await api('post', '/api/server/157445/isolate', { subState: 'networkIssue', reason: 'Uplink flapping' }).expect(
      200,
    );
    await open('#/triage');
    const row = page.locator('[data-server="157445"]');
    await row.waitFor();
    await expect(row.innerText()).resolves.toContain('Uplink flapping');
    await shoot('triage');
    await expectAccessible();

    await row.getByRole('button', { name: 'Un-isolate' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.innerText()).resolves.toContain('Back to Baseline');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await waitFor(
      async () => (await api('get', '/api/servers/157445').expect(200)).body.status === 'baselining',
      10_000,
      'server 157445 in Back to Baseline',
    );
    await page.locator('[data-server="157445"]').waitFor({ state: 'detached' });
  });

  it('shows an action the API refuses with its code and request id', async () => {
    await api('post', '/api/server/157446/isolate', { subState: 'brokenHardware' }).expect(200);
    await open('#/triage?subState=brokenHardware');
    const row = page.locator('[data-server="157446"]');
    await row.waitFor();
    // Someone else moves it on while the page shows it.
    await api('delete', '/api/server/157446/isolate').expect(200);
    await row.getByRole('button', { name: 'Un-isolate' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    const alert = row.getByRole('alert');
    await expect(alert.innerText()).resolves.toMatch(/NOT_ISOLATED \(HTTP 409\)[\s\S]*request id [0-9a-f-]{36}/);
  });

  it("tells a server's whole story as a timeline", async () => {
    await open('#/servers/157445');
    const timeline = page.getByRole('list', { name: /History of server 157445/ });
    await expect(timeline.innerText()).resolves.toMatch(
      /unisolate isolated → baselining[\s\S]*isolate available → isolated/,
    );
    await expect(page.locator('[data-fact="status"]').innerText()).resolves.toBe('baselining');
    await shoot('server');
    await expectAccessible();
  });

  it("shows a client's commitments and use, and exports its allocations as CSV", async () => {
    await api('post', '/api/server/allocate', {
      locationId: 18,
      instanceTypeId: 129,
      clientId: 12345,
      contractId: 'MY-CONTRACT-123',
    }).expect(200);
    await open('#/clients?clientId=12345');
    await page.getByRole('heading', { name: /client 12345/ }).waitFor();
    await shoot('clients');
    await expectAccessible();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const csv = readFileSync((await (await download).path())!, 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toBe(
      'allocationId,serverId,locationId,instanceTypeId,quota,contractId,startedAt,endedAt,endedBy,billable',
    );
    expect(csv.length).toBeGreaterThan(1);
  });

  it('shows the delivery health and replays a dead letter', async () => {
    await api('put', '/api/hooks', {
      name: 'console-suite',
      url: receiver.url,
      eventTypes: ['server.quarantined'],
      secret: SECRET,
    }).expect(200);
    receiver.answer(400);
    await api('post', '/api/server/157447/quarantine').expect(200);
    await waitFor(
      async () => (await api('get', '/api/hooks/deliveries?state=dead').expect(200)).body.length > 0,
      15_000,
      'a dead letter',
    );
    await open('#/events?state=dead');
    const [dead] = (await api('get', '/api/hooks/deliveries?state=dead').expect(200)).body;
    const row = page.locator(`[data-delivery="${dead.id}"]`);
    await row.waitFor();
    await expect(page.locator('[data-fact="dead"]').innerText()).resolves.toBe('1');
    await shoot('events');
    await expectAccessible();
    await row.getByRole('button', { name: 'Replay' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await receiver.until((received) => received.some((r) => r.envelope.id === dead.eventId));
  });

  it('plans a maintenance of a rack with its guarantee check, starts it, watches its server, and ends it', async () => {
    await open('#/maintenances');
    await page.getByLabel('Location', { exact: true }).fill('18');
    await page.getByLabel(/^Rack/).fill('AMS1:02:002172:0409');
    await page.getByLabel('Reason').fill('PDU swap');
    await page.getByRole('button', { name: 'Plan' }).click();
    const check = page.getByRole('table', { name: 'Guarantee check' });
    await expect(check.innerText()).resolves.toMatch(/129/);
    await expect(page.getByRole('status').first().innerText()).resolves.toContain('Dry run: 1 servers would be taken');
    await shoot('maintenance-plan');
    await expectAccessible();
    await page.getByRole('button', { name: /^Start/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Maintenance \d+ started/ })
      .waitFor();
    expect((await api('get', '/api/servers/157449').expect(200)).body).toMatchObject({
      status: 'isolated',
      subState: 'maintenance',
    });

    const { body: open_ } = await api('get', '/api/maintenances?state=open').expect(200);
    await open(`#/maintenances/${open_[0].id}`);
    await expect(page.locator('[data-server="157449"]').innerText()).resolves.toMatch(
      /available\s+isolated \(maintenance\)\s+yes/,
    );
    await expectAccessible();
    await page.getByRole('button', { name: 'End it' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await page.locator('[data-fact="ended"]', { hasText: / by / }).waitFor();
    await shoot('maintenance');
    expect((await api('get', '/api/servers/157449').expect(200)).body.status).toBe('baselining');
  });

  it('offers a read-only key no action, and says what it may not see', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(await t.apiKey('inventory:read'));
    await api('post', '/api/server/157448/isolate', { subState: 'other' }).expect(200);
    await open('#/triage');
    const row = page.locator('[data-server="157448"]');
    await row.waitFor();
    expect(await row.getByRole('button').count()).toBe(0);
    await open('#/events');
    await expect(page.locator('main').innerText()).resolves.toContain(
      'may not read hooks and deliveries (scope admin)',
    );
  });
});
