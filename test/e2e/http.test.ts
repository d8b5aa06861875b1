import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parsePrometheus, startHttpNode, type HttpNode } from './http-node.js';
import { Client, listening, sleep } from './listening.js';
import { BIN, envelope } from './spawn.js';

const work = mkdtempSync(join(tmpdir(), 'http-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let node: HttpNode | undefined;
afterEach(async () => {
  await node?.stop();
  node = undefined;
});

const gpu = (amount: number): unknown[] => [{ type: 'gpu', amount }];

describe('GET /metrics', () => {
  it('counts a scripted sequence exactly, in the Prometheus text format', async () => {
    node = await startHttpNode(['--deterministic', '--quota', 'team-a=gpu:1']);
    await node.send('c1', { type: 'allocate', msg_id: 1, requirements: gpu(2) });
    await node.send('c2', { type: 'allocate', msg_id: 1, requirements: gpu(1), tenant: 'team-a' });
    await node.send('c5', { type: 'allocate', msg_id: 1, requirements: gpu(5) });
    await node.send('c3', { type: 'allocate', msg_id: 1, requirements: [{ type: 'cpu', amount: 4 }] });
    await node.send('c0', { type: 'tick', msg_id: 1, ms: 2500 });
    // The release grants c2's waiting request, 2.5 s after it was queued.
    await node.send('c1', { type: 'release', msg_id: 2, allocation_id: 'alloc-1', job_status: 'completed' }, 2);
    await node.send('c3', { type: 'release', msg_id: 2, allocation_id: 'alloc-2' });
    await node.send('c3', { type: 'frobnicate', msg_id: 3 });
    await node.send('c3', { type: 'release', msg_id: 4, allocation_id: 'alloc-9' });

    const res = await fetch(`${node.base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = parsePrometheus(await res.text());
    expect(m.get('resource_node_capacity{resource="gpu"}')).toBe(2);
    expect(m.get('resource_node_capacity{resource="cpu"}')).toBe(8);
    expect(m.get('resource_node_allocated{resource="gpu"}')).toBe(1);
    expect(m.get('resource_node_allocated{resource="cpu"}')).toBe(0);
    expect(m.get('resource_node_free{resource="gpu"}')).toBe(1);
    expect(m.get('resource_node_free{resource="memory"}')).toBe(16);
    expect(m.get('resource_node_waiting_requests{reason="infeasible"}')).toBe(1);
    expect(m.get('resource_node_waiting_requests{reason="resources"}')).toBe(0);
    expect(m.get('resource_node_grants_total')).toBe(3);
    expect(m.get('resource_node_releases_total{job_status="completed"}')).toBe(1);
    expect(m.get('resource_node_releases_total{job_status="none"}')).toBe(1);
    expect(m.get('resource_node_preemptions_total')).toBe(0);
    expect(m.get('resource_node_messages_total{type="allocate"}')).toBe(4);
    expect(m.get('resource_node_messages_total{type="release"}')).toBe(3);
    expect(m.get('resource_node_messages_total{type="tick"}')).toBe(1);
    expect(m.get('resource_node_messages_total{type="other"}')).toBe(1);
    expect(m.get('resource_node_errors_total{code="10"}')).toBe(1);
    expect(m.get('resource_node_errors_total{code="20"}')).toBe(1);
    expect(m.get('resource_node_errors_total{code="22"}')).toBe(0);
    expect(m.get('resource_node_wait_seconds_count')).toBe(3);
    expect(m.get('resource_node_wait_seconds_sum')).toBe(2.5);
    expect(m.get('resource_node_wait_seconds_bucket{le="0.001"}')).toBe(2);
    expect(m.get('resource_node_wait_seconds_bucket{le="1"}')).toBe(2);
    expect(m.get('resource_node_wait_seconds_bucket{le="5"}')).toBe(3);
    expect(m.get('resource_node_wait_seconds_bucket{le="+Inf"}')).toBe(3);
    expect(m.get('resource_node_tenant_held{tenant="team-a",resource="gpu"}')).toBe(1);
    expect(m.get('resource_node_tenant_held{tenant="team-a",resource="cpu"}')).toBe(0);
    // No allocation or request id is ever a label.
    expect([...m.keys()].some((k) => k.includes('alloc-'))).toBe(false);
  });

  it('keeps message types to the known ones and "other"', async () => {
    node = await startHttpNode([]);
    for (let i = 0; i < 5; i++) await node.send('c', { type: `made_up_${i}`, msg_id: i });
    const m = parsePrometheus(await (await fetch(`${node.base}/metrics`)).text());
    expect(m.get('resource_node_messages_total{type="other"}')).toBe(5);
    expect([...m.keys()].some((k) => k.includes('made_up'))).toBe(false);
  });
});

describe('with --listen', () => {
  it('counts the releases of a closed connection under job_status "disconnected"', async () => {
    const node = await listening(['--http', '127.0.0.1:0', '--release-on-disconnect']);
    try {
      let base: string | undefined;
      while (base === undefined) {
        base = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(node.stderr())?.[1];
        if (base === undefined) await sleep(10);
      }
      const c = await Client.open(node.port);
      expect((await c.ask('c1', { type: 'allocate', msg_id: 1, requirements: gpu(1) })).type).toBe('allocated');
      c.close();
      let m = new Map<string, number>();
      for (let i = 0; i < 100 && m.get('resource_node_releases_total{job_status="disconnected"}') !== 1; i++) {
        if (i > 0) await sleep(20);
        m = parsePrometheus(await (await fetch(`${base}/metrics`)).text());
      }
      expect(m.get('resource_node_releases_total{job_status="disconnected"}')).toBe(1);
      expect(m.get('resource_node_allocated{resource="gpu"}')).toBe(0);
    } finally {
      node.child.kill('SIGTERM');
      await node.exit;
    }
  });
});

describe('GET /status', () => {
  it('is the status_ok body, without in_reply_to', async () => {
    node = await startHttpNode(['--deterministic', '--capacity', 'cpu=4,gpu=1']);
    await node.send('c1', { type: 'allocate', msg_id: 1, requirements: gpu(1) });
    await node.send('c2', { type: 'allocate', msg_id: 1, requirements: gpu(1) });
    const [reply] = await node.send('c3', { type: 'status', msg_id: 7 });
    const { in_reply_to, ...body } = reply!;
    expect(in_reply_to).toBe(7);
    const res = await fetch(`${node.base}/status`);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual(body);
    expect(body.queued).toBe(1);
  });
});

describe('with --token-file', () => {
  it('wants the bearer token on every endpoint; the dashboard takes ?token= once and keeps it in a cookie', async () => {
    const file = join(work, 'token');
    writeFileSync(file, 's3cret-token\n');
    node = await startHttpNode(['--token-file', file]);
    const { base } = node;
    for (const path of ['/metrics', '/status', '/', '/events']) {
      expect((await fetch(`${base}${path}`)).status, `${path} without a token`).toBe(401);
      expect((await fetch(`${base}${path}`, { headers: { authorization: 'Bearer wrong' } })).status, `${path} with a wrong token`).toBe(401);
      expect((await fetch(`${base}${path}`, { headers: { authorization: 's3cret-token' } })).status, `${path} without "Bearer"`).toBe(401);
    }
    const ok = await fetch(`${base}/status`, { headers: { authorization: 'Bearer s3cret-token' } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { type: string }).type).toBe('status_ok');
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer s3cret-token' } })).status).toBe(200);
    expect((await fetch(`${base}/?token=wrong`, { redirect: 'manual' })).status).toBe(401);
    // A token in the address works only on the page, and only to be swapped for a cookie.
    expect((await fetch(`${base}/metrics?token=s3cret-token`)).status).toBe(401);
    const opened = await fetch(`${base}/?token=s3cret-token`, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/');
    const cookie = opened.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    const page = await fetch(`${base}/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>resource-node</title>');
  });

  it('refuses to start on an empty token file', () => {
    const file = join(work, 'empty');
    writeFileSync(file, '\n');
    const r = spawnSync(process.execPath, [BIN, '--http', '127.0.0.1:0', '--token-file', file], { input: '', encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--token-file .*: the file is empty/);
  });
});

describe('GET /events', () => {
  it('sends the history and the state at once, then an update after a change', async () => {
    node = await startHttpNode(['--deterministic']);
    const controller = new AbortController();
    const res = await fetch(`${node.base}/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const nextUpdate = async (): Promise<{ allocations: { total: number }; grants: number }> => {
      for (;;) {
        const end = text.indexOf('\n\n');
        if (end >= 0) {
          const event = text.slice(0, end);
          text = text.slice(end + 2);
          const m = /^event: update\ndata: (.*)$/s.exec(event);
          if (m !== null) return JSON.parse(m[1]!);
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        text += value;
      }
    };
    expect((await nextUpdate()).allocations.total).toBe(0);
    await node.send('c1', { type: 'allocate', msg_id: 1, requirements: gpu(1) });
    const after = await nextUpdate();
    expect(after.allocations.total).toBe(1);
    expect(after.grants).toBe(1);
    controller.abort();
  });
});

describe('bounds', () => {
  it('serves at most 16 dashboards at once: one more is answered 503', async () => {
    node = await startHttpNode([]);
    const controllers = Array.from({ length: 16 }, () => new AbortController());
    const open = await Promise.all(controllers.map((c) => fetch(`${node!.base}/events`, { signal: c.signal })));
    expect(open.map((r) => r.status)).toEqual(Array(16).fill(200));
    const refused = await fetch(`${node.base}/events`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    for (const c of controllers) c.abort();
  });
});

describe('loading', () => {
  it('loads prom-client only with --http', () => {
    const input = `${envelope('c', { type: 'status', msg_id: 1 })}\n`;
    const loads = (args: string[]): boolean => {
      const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env: { ...process.env, NODE_DEBUG: 'module' } });
      expect(r.status).toBe(0);
      return r.stderr.includes('prom-client');
    };
    expect(loads([])).toBe(false);
    expect(loads(['--http', '127.0.0.1:0'])).toBe(true);
  });

  it('keeps the HTTP edge out of the program\'s bundle, in dist/http.js beside it', () => {
    const dist = new URL('../../dist/', import.meta.url).pathname;
    expect(readFileSync(`${dist}resource-node.js`, 'utf8')).not.toContain('resource_node_capacity');
    expect(readFileSync(`${dist}http.js`, 'utf8')).toContain('resource_node_capacity');
  });
});

describe('flags', () => {
  it('says what is wrong with --http', () => {
    for (const [value, text] of [
      ['9464', /--http: expected HOST:PORT such as 127.0.0.1:9464/],
      ['localhost:99999', /port must be at most 65535/],
    ] as const) {
      const r = spawnSync(process.execPath, [BIN, '--http', value], { input: '', encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(text);
    }
  });
});
