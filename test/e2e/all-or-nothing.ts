import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { BIN } from './spawn.js';

// The all-or-nothing client of docs/contention.md ("All or nothing across nodes"), over real
// node processes: reserve on every node, confirm all only if every one was reserved, else give
// back what was taken (abort a reservation, cancel a reserve still waiting).

export interface Msg {
  readonly src: string;
  readonly dest: string;
  readonly body: Record<string, unknown>;
}

/** One node process, spoken to by several clients (`src`), each message to it matched to its reply. */
export class NodeProcess {
  readonly child: ChildProcessByStdio<Writable, Readable, null>;
  /** Everything the node wrote, in order. */
  readonly out: Msg[] = [];
  private buffered = '';
  private msgId = 0;
  private readonly listeners: ((m: Msg) => void)[] = [];

  constructor(
    readonly name: string,
    args: string[],
  ) {
    this.child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      const lines = this.buffered.split('\n');
      this.buffered = lines.pop()!;
      for (const l of lines) {
        if (l === '') continue;
        const m = JSON.parse(l) as Msg;
        this.out.push(m);
        for (const f of [...this.listeners]) f(m);
      }
    });
  }

  /** Sends `body` from `src` with a fresh msg_id; resolves with the reply to it (10 s at most). */
  request(src: string, body: Record<string, unknown>): Promise<Msg & { msgId: number }> {
    const msgId = ++this.msgId;
    const reply = this.next((m) => m.dest === src && m.body.in_reply_to === msgId);
    this.child.stdin.write(`${JSON.stringify({ src, dest: this.name, body: { ...body, msg_id: msgId } })}\n`);
    return reply.then((m) => ({ ...m, msgId }));
  }

  /** The first message written so far that satisfies `match`. */
  find(match: (m: Msg) => boolean): Msg | undefined {
    return this.out.find(match);
  }

  private next(match: (m: Msg) => boolean): Promise<Msg> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no reply in 10 s; last: ${JSON.stringify(this.out.slice(-3))}`)), 10_000);
      const f = (m: Msg) => {
        if (!match(m)) return;
        clearTimeout(timer);
        this.listeners.splice(this.listeners.indexOf(f), 1);
        resolve(m);
      };
      this.listeners.push(f);
    });
  }

  /** Ends input; resolves with the exit status once the node has written all it owes. */
  end(): Promise<number | null> {
    this.child.stdin.end();
    return new Promise((resolve) => this.child.on('close', resolve));
  }
}

/** What the client took: an allocation id per node, or nothing anywhere. */
export type Outcome = { readonly taken: true; readonly allocations: readonly string[] } | { readonly taken: false; readonly why: string };

/**
 * Takes `requirements` on every node or on none, as client `src`. `afterReserve` runs between
 * the two phases (tests use it to race the client).
 */
export async function allOrNothing(
  nodes: readonly NodeProcess[],
  src: string,
  requirements: readonly { type: string; amount: number }[],
  options: { holdMs: number; afterReserve?: () => Promise<void> },
): Promise<Outcome> {
  // Phase 1: a reserve on every node at once; each answers reserved (held now), queued (not now) or an error.
  const answers = await Promise.all(nodes.map((n) => n.request(src, { type: 'reserve', requirements, hold_ms: options.holdMs })));
  await options.afterReserve?.();
  if (answers.every((a) => a.body.type === 'reserved')) {
    // Phase 2: confirm every reservation. A hold that ran out (or was aborted) meanwhile is 22:
    // then release what the others confirmed, so nothing stays taken.
    const confirms = await Promise.all(nodes.map((n, i) => n.request(src, { type: 'confirm', reservation_id: answers[i]!.body.reservation_id })));
    if (confirms.every((c) => c.body.type === 'confirmed')) return { taken: true, allocations: confirms.map((c) => String(c.body.allocation_id)) };
    await Promise.all(nodes.map((n, i) => (confirms[i]!.body.type === 'confirmed' ? n.request(src, { type: 'release', allocation_id: confirms[i]!.body.allocation_id }) : undefined)));
    return { taken: false, why: 'a hold was lost before its confirm' };
  }
  // Not every node reserved: give back everything this attempt holds or waits for.
  await Promise.all(nodes.map((n, i) => giveBack(n, src, answers[i]!)));
  const blocked = nodes.filter((_, i) => answers[i]!.body.type !== 'reserved').map((n) => n.name);
  return { taken: false, why: `not reserved on ${blocked.join(', ')}` };
}

/** Undoes a reserve's answer: aborts a reservation; cancels a reserve still waiting, aborting it if it was reserved first. */
async function giveBack(n: NodeProcess, src: string, answer: Msg & { msgId: number }): Promise<void> {
  if (answer.body.type === 'reserved') {
    await n.request(src, { type: 'abort', reservation_id: answer.body.reservation_id });
    return;
  }
  if (answer.body.type !== 'queued') return;
  const cancel = await n.request(src, { type: 'cancel', request_msg_id: answer.msgId });
  if (cancel.body.type === 'cancelled') return;
  // 22: the reserve was reserved before the cancel arrived. That `reserved` came before this
  // reply on the same stream, so it is already here.
  const late = n.find((m) => m.dest === src && m.body.type === 'reserved' && m.body.in_reply_to === answer.msgId)!;
  await n.request(src, { type: 'abort', reservation_id: late.body.reservation_id });
}
