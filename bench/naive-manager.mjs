// The deep-queue peer: a manager with the same queue semantics (docs/protocol.md, the queue: priority,
// then arrival; backfill; the starvation guard) that keeps one array in queue order and,
// on every release, walks all of it granting whatever fits. Correct, simple, and O(queue)
// per release: the straightforward design the indexed queue replaces. Amounts are integer
// thousandths, as in the real ledger.

const SCALE = 1000;

export class NaiveManager {
  constructor({ capacity, maxBypass = 100 }) {
    this.capacity = new Map(capacity.map(([t, a]) => [t, Math.round(a * SCALE)]));
    this.free = new Map(this.capacity);
    this.maxBypass = maxBypass;
    this.queue = [];
    this.live = new Map();
    this.seq = 0;
    this.ids = 0;
  }

  fits(req, reserve) {
    for (const [t, u] of req.units) if (u > this.free.get(t) - (reserve?.get(t) ?? 0)) return false;
    return true;
  }

  grant(req) {
    for (const [t, u] of req.units) this.free.set(t, this.free.get(t) - u);
    const a = { id: `n${++this.ids}`, src: req.src, msgId: req.msgId, units: req.units };
    this.live.set(a.id, a);
    return a;
  }

  allocate(who, requirements, options) {
    const req = {
      src: who.src,
      msgId: who.msgId,
      seq: ++this.seq,
      priority: options?.priority ?? 0,
      units: requirements.map((r) => [r.type, Math.round(r.amount * SCALE)]),
      bypassed: 0,
      reserved: false,
    };
    const head = this.queue[0];
    const ahead = head === undefined || req.priority > head.priority;
    if (this.fits(req) && (ahead || !head.reserved || this.fits(req, new Map(head.units)))) {
      if (!ahead) this.passOver(head);
      return { kind: 'granted', allocation: this.grant(req) };
    }
    // Insert after every request of the same or higher priority.
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1].priority < req.priority) i--;
    this.queue.splice(i, 0, req);
    return { kind: 'queued', request: req };
  }

  passOver(head) {
    head.bypassed++;
    if (head.bypassed >= this.maxBypass) head.reserved = true;
  }

  release(id) {
    const a = this.live.get(id);
    this.live.delete(id);
    for (const [t, u] of a.units) this.free.set(t, this.free.get(t) + u);
    const events = [];
    // The walk: every waiting request, in order; the head may reserve what it needs.
    const kept = [];
    let head;
    for (const req of this.queue) {
      const reserve = head !== undefined && head.reserved ? new Map(head.units) : undefined;
      if (this.fits(req, reserve)) {
        events.push({ kind: 'granted', allocation: this.grant(req) });
        if (head !== undefined) this.passOver(head);
      } else {
        kept.push(req);
        head ??= req;
      }
    }
    if (events.length > 0) this.queue = kept;
    return { allocation: a, events };
  }
}
