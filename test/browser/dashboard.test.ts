import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startHttpNode, type HttpNode } from '../e2e/http-node.js';

/** Debian's chromium; puppeteer-core downloads no browser of its own. */
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CI = process.env.RESOURCE_NODE_CI === '1';
const missing = !existsSync(CHROMIUM);
const OUTPUT = new URL('../../test-output/', import.meta.url).pathname;

if (missing && !CI) console.warn(`browser test skipped: ${CHROMIUM} not found (apt-get install chromium to run it; RESOURCE_NODE_CI=1 makes this a failure)`);

describe('the dashboard in a real browser', () => {
  it.runIf(missing && CI)('needs chromium under RESOURCE_NODE_CI=1', () => {
    expect.fail(`${CHROMIUM} is missing, and RESOURCE_NODE_CI=1 says the browser test must run`);
  });

  let node: HttpNode | undefined;
  let close: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await close?.();
    await node?.stop();
  });

  it.skipIf(missing)('shows allocations, the queue and its reasons change live', async () => {
    const { default: puppeteer } = await import('puppeteer-core');
    node = await startHttpNode(['--deterministic', '--capacity', 'cpu=8,gpu=4', '--quota', 'team-a=gpu:2']);
    const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    close = () => browser.close();
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    await page.goto(`${node.base}/`);
    const text = (selector: string): Promise<string> => page.$eval(selector, (e) => e.textContent ?? '');
    // Expressions as text: the tests are type-checked without the DOM's types.
    const until = (selector: string, want: string): Promise<unknown> =>
      page.waitForFunction(`document.querySelector(${JSON.stringify(selector)})?.textContent === ${JSON.stringify(want)}`, { timeout: 5000 });
    await until('#stat-allocations', '0');
    expect(await text('#conn')).toMatch(/^live/);

    await node.send('c1', { type: 'allocate', msg_id: 1, requirements: [{ type: 'gpu', amount: 2 }], tenant: 'team-a' });
    await node.send('c2', { type: 'allocate', msg_id: 1, requirements: [{ type: 'gpu', amount: 2 }, { type: 'cpu', amount: 4 }] });
    await node.send('c3', { type: 'allocate', msg_id: 1, requirements: [{ type: 'gpu', amount: 1 }], tenant: 'team-a' });
    await node.send('c4', { type: 'allocate', msg_id: 1, requirements: [{ type: 'gpu', amount: 1 }] });
    await until('#stat-allocations', '2');
    await until('#stat-waiting', '2');
    expect(await text('[data-type="gpu"] .allocated')).toBe('4');
    const queue = await text('#queue-table');
    expect(queue).toContain('Quota');
    expect(queue).toContain('Resources');
    expect(await text('#allocations-table')).toContain('alloc-2');
    expect(await text('#tenants-table')).toContain('team-a');

    await node.send('c2', { type: 'release', msg_id: 2, allocation_id: 'alloc-2', job_status: 'completed' }, 2);
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
