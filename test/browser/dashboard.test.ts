import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client, listening, sleep, type Listening } from '../e2e/listening.js';

/** Debian's chromium; puppeteer-core downloads no browser of its own. */
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CI = process.env.RESOURCE_NODE_CI === '1';
const missing = !existsSync(CHROMIUM);
const OUTPUT = new URL('../../test-output/', import.meta.url).pathname;
const TOKEN = 'dashboard-test-token';

if (missing && !CI) console.warn(`browser test skipped: ${CHROMIUM} not found (apt-get install chromium to run it; RESOURCE_NODE_CI=1 makes this a failure)`);

/** The dashboard's address, once the node has printed it. */
async function httpBase(node: Listening): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const m = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(node.stderr());
    if (m !== null) return m[1]!;
    await sleep(10);
  }
  throw new Error(`no http address on stderr: ${node.stderr()}`);
}

describe('the dashboard in a real browser', () => {
  it.runIf(missing && CI)('needs chromium under RESOURCE_NODE_CI=1', () => {
    expect.fail(`${CHROMIUM} is missing, and RESOURCE_NODE_CI=1 says the browser test must run`);
  });

  const work = mkdtempSync(join(tmpdir(), 'dashboard-test-'));
  let node: Listening | undefined;
  const clients: Client[] = [];
  let close: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await close?.();
    for (const c of clients) c.close();
    if (node !== undefined && node.child.exitCode === null) {
      node.child.kill('SIGTERM');
      await node.exit;
    }
    rmSync(work, { recursive: true, force: true });
  });

  it.skipIf(missing)('shows allocations, the queue and its reasons change live, driven over TCP', async () => {
    const { default: puppeteer } = await import('puppeteer-core');
    const tokenFile = join(work, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    node = await listening(['--http', '127.0.0.1:0', '--token-file', tokenFile, '--deterministic', '--capacity', 'cpu=8,gpu=4', '--quota', 'team-a=gpu:2']);
    const base = await httpBase(node);
    const connect = async (): Promise<Client> => {
      const c = await Client.open(node!.port);
      clients.push(c);
      expect((await c.ask('auth', { type: 'auth', msg_id: 0, token: TOKEN })).type).toBe('auth_ok');
      return c;
    };
    const [a, b] = [await connect(), await connect()];

    const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    close = () => browser.close();
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    // The token once in the address: the node swaps it for a cookie and drops it from the address.
    await page.goto(`${base}/?token=${TOKEN}`);
    expect(page.url()).toBe(`${base}/`);
    const text = (selector: string): Promise<string> => page.$eval(selector, (e) => e.textContent ?? '');
    // Expressions as text: the tests are type-checked without the DOM's types.
    const until = (selector: string, want: string): Promise<unknown> =>
      page.waitForFunction(`document.querySelector(${JSON.stringify(selector)})?.textContent === ${JSON.stringify(want)}`, { timeout: 5000 });
    await until('#stat-allocations', '0');
    expect(await text('#conn')).toMatch(/^live/);

    expect((await a.ask('c1', { type: 'allocate', msg_id: 1, requirements: [{ type: 'gpu', amount: 2 }], tenant: 'team-a' })).type).toBe('allocated');
    expect((await b.ask('c2', { type: 'allocate', msg_id: 1, requirements: [{ type: 'gpu', amount: 2 }, { type: 'cpu', amount: 4 }] })).type).toBe('allocated');
    expect((await a.ask('c3', { type: 'allocate', msg_id: 1, requirements: [{ type: 'gpu', amount: 1 }], tenant: 'team-a' })).type).toBe('queued');
    expect((await b.ask('c4', { type: 'allocate', msg_id: 1, requirements: [{ type: 'gpu', amount: 1 }] })).type).toBe('queued');
    await until('#stat-allocations', '2');
    await until('#stat-waiting', '2');
    expect(await text('[data-type="gpu"] .allocated')).toBe('4');
    const queue = await text('#queue-table');
    expect(queue).toContain('Quota');
    expect(queue).toContain('Resources');
    expect(await text('#allocations-table')).toContain('alloc-2');
    expect(await text('#tenants-table')).toContain('team-a');

    // c2's release grants c4's request, on the connection c4 spoke on.
    expect((await b.ask('c2', { type: 'release', msg_id: 2, allocation_id: 'alloc-2', job_status: 'completed' })).type).toBe('released');
    expect((await b.take(1))[0]!.body.type).toBe('allocated');
    await until('#stat-waiting', '1');
    await until('#stat-grants', '3');
    expect(await text('[data-type="gpu"] .allocated')).toBe('3');
    expect(await text('#stat-releases')).toBe('1');
    // One sample a second feeds the charts over time.
    await page.waitForFunction("document.querySelectorAll('#util path').length === 2", { timeout: 5000 });
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: `${OUTPUT}dashboard.png`, fullPage: true });
    expect(existsSync(`${OUTPUT}dashboard.png`)).toBe(true);
  });
});
