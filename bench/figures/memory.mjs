// Figure 4a, in-process: heap bytes per waiting request with 1,000,000 waiting.
// `node --expose-gc bench/figures/memory.mjs` prints {bytesPerRequest, count}.
//
// A ResourceManager (maxQueue raised to 1,000,000) whose pool is fully held takes the first
// 1,000,000 requests of the deep-queue workload (varied shapes, 1 to 4 types, priorities
// 0 to 2) from 16 clients; all of them wait. Requests are made one at a time and not kept
// by the caller, as the node does. The figure is (heapUsed after - heapUsed before) / count,
// each read after full collections (global.gc()); the index's typed arrays live outside
// the JS heap, so their growth (arrayBuffers) is reported beside it and counted in the total.
import { DEEP_CAPACITY, deepQueueStream } from '../workloads.mjs';
import { isMain } from '../lib.mjs';

export const COUNT = 1_000_000;

export async function memory() {
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
  const { ResourceManager } = await import('../../dist/index.js');
  let n = 0;
  const m = new ResourceManager({ capacity: DEEP_CAPACITY, clock: () => 0, newId: () => `a${++n}`, maxQueue: COUNT });
  const clients = Array.from({ length: 16 }, (_, i) => `c${i}`);
  const hold = m.allocate({ src: 'holder', msgId: 0, via: 'n1' }, DEEP_CAPACITY.map(([type, amount]) => ({ type, amount })));
  if (hold.kind !== 'granted') throw new Error('the holder was not granted');
  const stream = deepQueueStream(COUNT);
  globalThis.gc();
  globalThis.gc();
  const used = () => {
    const u = process.memoryUsage();
    return { heap: u.heapUsed, buffers: u.arrayBuffers };
  };
  const before = used();
  let msgId = 0;
  for (const r of stream) {
    const o = m.allocate({ src: clients[msgId & 15], msgId: ++msgId, via: 'n1' }, r.requirements, r.priority === 0 ? undefined : { priority: r.priority });
    if (o.kind !== 'queued') throw new Error('a request was granted');
  }
  globalThis.gc();
  globalThis.gc();
  const after = used();
  if (m.waiting !== COUNT) throw new Error(`${m.waiting} waiting`);
  return { heapBytes: (after.heap - before.heap) / COUNT, bufferBytes: (after.buffers - before.buffers) / COUNT, count: COUNT };
}

if (isMain(import.meta)) {
  process.stdout.write(`${JSON.stringify(await memory())}\n`);
}
