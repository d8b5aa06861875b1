import type { Readable, Writable } from 'node:stream';
import { LineSplitter } from '../protocol/framing.js';
import type { Gate, LineHandler, LineSink } from '../server/node.js';
import { DeadlineTimer } from './deadline-timer.js';
import { Outlet } from './outlet.js';
import { readWhatWasTaken } from './stdio.js';

export interface HubOptions {
  readonly log: (line: string) => void;
  readonly maxLineBytes: number;
  /** Output one stream may leave unread; past it the stream is closed. */
  readonly maxUnreadBytes: number;
  /** Real milliseconds on the node's clock, for the one deadline timer; absent in --deterministic mode. */
  readonly clock?: () => number;
  /** When a stream closes, end what its clients hold and withdraw what they wait for. */
  readonly releaseOnDisconnect: boolean;
  /**
   * The node's commits may finish later (a cluster's leader commits to etcd): lines are held
   * until the commit that covers them has finished. See docs/cluster.md#commit-before-reply.
   */
  readonly commitsLater?: boolean;
  /** A commit failed: no line it covers may be written (the program stops). */
  readonly commitFailed?: (error: Error) => void;
}

export interface StreamOptions {
  /** How logs name the stream (`127.0.0.1:50312`, `stdin`). */
  readonly name: string;
  /** Present when the stream must open with `auth {token}`. */
  readonly gate?: Gate;
  /** At end of input: end the output once what is owed is written (a connection), or keep it (stdout). */
  readonly endOutputWithInput: boolean;
  /** Closes the whole stream (a socket's destroy). */
  readonly destroy: () => void;
  /** With --release-on-disconnect, its clients lose what they hold when it closes (a connection, not stdin). */
  readonly releasable: boolean;
}

/** How long a line for a client that no stream speaks for is kept, in a cluster. */
const PARK_MS = 10_000;
/** Lines kept so at most. */
const MAX_PARKED_LINES = 10_000;

/** One client stream: its lines in, its lines out, and the clients that last spoke on it. */
class Stream {
  readonly clients = new Set<string>();
  readonly splitter: LineSplitter;
  readonly outlet: Outlet;
  readonly sink: LineSink;
  /** Chunks that came while the splitter was paused, read in order when it resumes. */
  private early: Buffer[] = [];
  /** No more of its input is read (refused, over its bound, ended, or the node is stopping). */
  deaf = false;
  /** Its output is to end once the lines held for a commit are written. */
  hangingUp = false;
  /** Nothing more is written to it (its output ended, or it is being closed): lines for its clients are dropped. */
  mute = false;
  closed = false;

  constructor(
    readonly hub: Hub,
    readonly input: Readable,
    readonly output: Writable,
    readonly options: StreamOptions,
  ) {
    this.outlet = new Outlet(output, {
      full: () => {
        this.splitter.pause();
        input.pause();
      },
      drained: () => hub.drained(this),
      commit: () => hub.commit(),
      written: () => hub.written(),
    });
    this.sink = {
      push: (line) => hub.deliver(this, line),
      send: hub.send,
      heard: (src) => hub.route(src, this),
      gate: options.gate,
    };
    this.splitter = new LineSplitter(hub.options.maxLineBytes, {
      line: (text, lineNo) => hub.handle(this, text, lineNo),
      oversize: (lineNo, bytes) => hub.options.log(`${options.name}: line ${lineNo}: ${bytes} bytes is over --max-line-bytes ${hub.options.maxLineBytes}; skipped`),
    });
    this.outlet.held = hub.options.commitsLater === true;
  }

  readonly onData = (chunk: Buffer): void => {
    if (this.deaf) return;
    if (this.splitter.isPaused) this.early.push(chunk);
    else this.splitter.push(chunk);
    this.hub.flush();
  };

  /** Reads on after the output drained: held lines first, then chunks that came meanwhile. */
  resume(): void {
    if (this.deaf) return;
    this.splitter.resume();
    while (!this.splitter.isPaused && this.early.length > 0) this.splitter.push(this.early.shift()!);
    if (!this.splitter.isPaused) this.input.resume();
  }

  /** Stops reading, handling first every line already taken from the input. */
  readTaken(): void {
    this.input.off('data', this.onData);
    this.input.pause();
    // What the splitter holds came before the early chunks.
    this.splitter.drainHeld();
    for (const chunk of this.early) {
      this.splitter.push(chunk);
      this.splitter.drainHeld();
    }
    this.early = [];
    readWhatWasTaken(this.splitter, this.input);
  }
}

/**
 * Many client streams (tcp connections, and stdin/stdout beside them) served by one node.
 * A line owed to a client goes to the stream that client last spoke on; a stream whose
 * reader falls behind is not read until it catches up, and is closed when what it leaves
 * unread passes the bound, so it never holds the others up. See docs/service.md.
 */
export class Hub {
  private readonly streams = new Set<Stream>();
  private readonly routes = new Map<string, Stream>();
  /** Streams with lines gathered since the last flush. */
  private readonly dirty = new Set<Stream>();
  private readonly timer: DeadlineTimer;
  private readonly timerSink: LineSink;
  /** Set once stopping: ends the stop (at once, or when the last owed line is written). */
  private stopping: (() => void) | undefined;
  private current: Stream | undefined;
  /** Lines for clients not (yet) routed, oldest first (commitsLater: a cluster's leader). */
  private readonly parked = new Map<string, { at: number; lines: string[] }>();
  private parkedLines = 0;
  /** A commit is in flight (commitsLater): lines gathered wait for it. */
  private committing = false;
  /** Streams not read until the commit in flight finishes: they gathered too much meanwhile. */
  private readonly waitingForCommit = new Set<Stream>();
  /** Lines dropped because their client had no stream: logged once per burst, not per line. */
  private dropped = 0;

  constructor(
    private readonly node: LineHandler,
    readonly options: HubOptions,
  ) {
    this.timerSink = { push: () => {}, send: this.send };
    this.timer = new DeadlineTimer(node, options.clock, () => {
      node.fireDeadlines(this.timerSink);
      this.flush();
    });
    // A node restored from --state-dir may hold deadlines already due: they fire at once.
    this.timer.schedule();
  }

  /** Serves one more stream; `closed` must be called when it is gone for good. */
  attach(input: Readable, output: Writable, options: StreamOptions): { closed: () => void; ended: () => void } {
    const s = new Stream(this, input, output, options);
    this.streams.add(s);
    input.on('data', s.onData);
    return { closed: () => this.closed(s), ended: () => this.ended(s) };
  }

  /** The name of the stream whose line is being handled, for the node's log lines about it. */
  get reading(): string | undefined {
    return this.current?.options.name;
  }

  handle(s: Stream, text: string, lineNo: number): void {
    this.current = s;
    try {
      this.node.handleLine(text, lineNo, s.sink);
    } finally {
      this.current = undefined;
    }
    // A blank line is no message: it neither opens nor closes the gate.
    if (s.options.gate !== undefined && !s.options.gate.open && text.trim() !== '') {
      this.options.log(`${s.options.name}: closed: it did not present the token (--token-file)`);
      this.hangUp(s);
    } else if (s.outlet.blocked) {
      s.splitter.pause();
    } else if (this.committing && s.outlet.gatheredBytes > this.options.maxUnreadBytes) {
      // Reading on would only gather more behind the slow commit.
      s.splitter.pause();
      this.waitingForCommit.add(s);
    }
  }

  readonly send = (dest: string, line: string): void => {
    const s = this.routes.get(dest);
    if (s !== undefined && !s.mute) {
      this.deliver(s, line);
      return;
    }
    if (this.options.commitsLater === true && this.park(dest, line)) return;
    if (this.dropped++ === 0) {
      // Reported after the current burst, with its count.
      queueMicrotask(() => {
        this.options.log(`${this.dropped === 1 ? 'a line' : `${this.dropped} lines`} for a client with no open connection dropped (first for ${JSON.stringify(dest)})`);
        this.dropped = 0;
      });
    }
  };

  deliver(s: Stream, line: string): void {
    if (s.mute) return;
    s.outlet.push(line);
    this.dirty.add(s);
    if (s.outlet.unreadBytes > this.options.maxUnreadBytes) {
      this.options.log(`${s.options.name}: closed: more than ${this.options.maxUnreadBytes} bytes of replies unread (--max-unread-bytes)`);
      s.deaf = true;
      s.mute = true;
      s.outlet.close();
      s.options.destroy();
    }
  }

  /** `src` spoke on `s`: lines owed to it go there from now on. */
  route(src: string, s: Stream): void {
    const before = this.routes.get(src);
    if (before === s) return;
    before?.clients.delete(src);
    this.routes.set(src, s);
    s.clients.add(src);
    const parked = this.parked.get(src);
    if (parked !== undefined) {
      this.parked.delete(src);
      this.parkedLines -= parked.lines.length;
      for (const line of parked.lines) this.deliver(s, line);
    }
  }

  /**
   * Keeps a line for a client no stream speaks for yet: after a failover the new leader may
   * grant a request before the node its client is on has attached (docs/cluster.md).
   */
  private park(dest: string, line: string): boolean {
    const now = Date.now();
    for (const [d, p] of this.parked) {
      if (now - p.at < PARK_MS) break;
      this.parked.delete(d);
      this.parkedLines -= p.lines.length;
    }
    if (this.parkedLines >= MAX_PARKED_LINES) return false;
    const p = this.parked.get(dest);
    if (p === undefined) this.parked.set(dest, { at: now, lines: [line] });
    else p.lines.push(line);
    this.parkedLines++;
    return true;
  }

  /** Every client that spoke on an open stream: the clients this node serves. */
  clients(): string[] {
    return [...this.routes.keys()];
  }

  /** Makes the node's state changes so far durable (--state-dir); a no-op without one. */
  commit(): void {
    void this.node.commit();
  }

  /** Writes what every stream gathered, and sets the timer for the next deadline. */
  flush(): void {
    if (this.committing) {
      // Written when the commit in flight ends, after the lines it covers.
      this.timer.schedule();
      return;
    }
    // Commit before reply: the batch's state changes are durable before any of its lines is written.
    const later = this.node.commit();
    if (!(later instanceof Promise)) {
      for (const s of this.dirty) s.outlet.flush();
      this.dirty.clear();
      this.finishHangUps();
    } else {
      this.commitThenWrite(later);
    }
    this.timer.schedule();
  }

  /** Writes the lines gathered so far once `commit` has finished; those gathered meanwhile wait for the next. */
  private commitThenWrite(commit: Promise<void>): void {
    const covered: [Stream, number][] = [];
    for (const s of this.dirty) covered.push([s, s.outlet.gathered]);
    this.dirty.clear();
    this.committing = true;
    commit.then(
      () => {
        this.committing = false;
        for (const [s, n] of covered) {
          s.outlet.release(n);
          if (s.outlet.gathered > 0) this.dirty.add(s);
        }
        for (const s of this.waitingForCommit) s.resume();
        this.waitingForCommit.clear();
        this.finishHangUps();
        this.flush();
      },
      (e: Error) => this.options.commitFailed?.(e),
    );
  }

  /** Ends the output of streams that were hung up while lines for them waited for a commit. */
  private finishHangUps(): void {
    for (const s of this.streams) {
      if (s.hangingUp && s.outlet.gathered === 0) {
        s.hangingUp = false;
        this.hangUp(s);
      }
    }
  }

  drained(s: Stream): void {
    if (this.stopping !== undefined) return;
    s.resume();
    this.flush();
  }

  written(): void {
    if (this.stopping !== undefined && this.unconfirmed() === 0) this.stopping();
  }

  /** The stream's input ended: its last line counts; a connection's output ends once written. */
  private ended(s: Stream): void {
    if (s.deaf) return;
    s.splitter.end();
    this.flush();
    if (s.options.endOutputWithInput) this.hangUp(s);
  }

  /** Reads no more of `s` and ends its output once what is owed so far is written. */
  private hangUp(s: Stream): void {
    s.deaf = true;
    s.splitter.pause();
    s.input.pause();
    if (s.outlet.held && (this.committing || s.outlet.gathered > 0)) {
      // Its last replies wait for their commit; the output ends after them.
      s.hangingUp = true;
      this.dirty.add(s);
      this.flush();
      return;
    }
    s.outlet.flush();
    s.mute = true;
    s.outlet.close();
    s.output.end();
  }

  /** `s` is gone: its clients' lines have nowhere to go; with --release-on-disconnect what they hold is freed. */
  private closed(s: Stream): void {
    if (s.closed) return;
    s.closed = true;
    s.deaf = true;
    s.mute = true;
    s.outlet.close();
    this.streams.delete(s);
    this.dirty.delete(s);
    const clients = [...s.clients];
    for (const src of clients) this.routes.delete(src);
    if (this.options.releaseOnDisconnect && s.options.releasable && clients.length > 0 && this.stopping === undefined) {
      const { ended, withdrawn } = this.node.disconnected(clients, this.timerSink);
      if (ended + withdrawn > 0) this.options.log(`${s.options.name}: closed: ended ${ended} held and withdrew ${withdrawn} waiting of ${clients.map((c) => JSON.stringify(c)).join(', ')} (--release-on-disconnect)`);
      this.flush();
    }
    if (this.stopping !== undefined) this.written();
  }

  /** Lines handed to open streams and not yet confirmed written. */
  private unconfirmed(): number {
    let n = 0;
    for (const s of this.streams) if (!s.closed) n += s.outlet.unconfirmed + (s.outlet.held ? s.outlet.gathered : 0);
    return n;
  }

  /**
   * Stops reading every stream, answers the lines already taken, and calls `done` once every
   * owed line is written, or after `graceMs` with how many were not.
   */
  stop(graceMs: number, done: (undelivered: number) => void): void {
    if (this.stopping !== undefined) {
      // A second stop: give up at once on whatever is still unwritten.
      this.stopping();
      return;
    }
    this.timer.stop();
    for (const s of this.streams) {
      if (!s.deaf) s.readTaken();
      s.deaf = true;
    }
    this.flush();
    let finished = false;
    const grace = setTimeout(() => finish(), graceMs);
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(grace);
      done(this.unconfirmed());
    };
    this.stopping = finish;
    if (this.unconfirmed() === 0) finish();
  }
}
