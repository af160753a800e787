import type { Database } from '../services/db/client';
import { TurnInProgressError } from './turn-store';

/**
 * Admission for customer turns in this process.
 *
 * Without it every incoming message starts at once: under twice the load the bot can serve,
 * turns pile onto the database pool, wait there longer than its connection timeout and fail
 * ("timeout exceeded when trying to connect"), and the customer reads the turn-error text.
 * Here at most `maxRunning` turns run at once — no more than the pool can serve without a
 * wait — and the rest wait in arrival order, in memory, before touching the database.
 *
 * Waiting is honest: when a newly arriving turn can expect to wait longer than a customer
 * thinks a chat answer takes, its customer is told once (per conversation, per overload
 * episode — not once per message) that the message arrived and the answer is coming; the
 * answer follows when the turn runs. Nothing is dropped below the hard cap `maxWaiting`.
 */
export interface TurnGateOptions {
  /** Turns running at once. */
  maxRunning: number;
  /** Expected wait (ms) of a newly arriving turn beyond which its customer is told it is busy. */
  busyAfterMs: number;
  /**
   * An arriving turn whose place in the queue (1 = next) is beyond this is told regardless
   * of the estimate; 0 tells every turn that has to wait at all.
   */
  busyAfterWaiting: number;
  /**
   * Turns waiting beyond which a new one is refused (TurnGateFullError; the HTTP route says
   * 503 with Retry-After and the channel delivers it again later). Each waiting turn holds
   * an open request, its activity and its turn context in memory; an unbounded queue turns a
   * long overload into an out-of-memory crash that loses every waiting message at once. At
   * this depth the wait is already minutes, far past the "within a minute" the busy reply
   * promises, so refusing (and letting the channel retry) is the more honest answer too.
   */
  maxWaiting: number;
}

/**
 * 3 s: below that a chat answer still feels immediate (the channel shows the bot typing);
 * 5,000 waiting: see `maxWaiting`. The soft count is off by default: the estimate decides.
 */
export const TURN_GATE_DEFAULTS: TurnGateOptions = { maxRunning: 4, busyAfterMs: 3000, busyAfterWaiting: Number.POSITIVE_INFINITY, maxWaiting: 5000 };

/**
 * Connections kept out of the customer turns' share of the PostgreSQL pool: one for the job
 * runner (its pass is sequential, proactive flows started by jobs included), one for the
 * outbound flush and other proactive sends, one for the REST API and /healthz. None of
 * them pass through the gate, so they never queue behind customers.
 */
export const POOL_RESERVE = 3;

/**
 * Embedded PGlite has one connection and runs queries one at a time whatever we do; a few
 * turns at once let one turn's own work (understanding, rendering, sending) overlap
 * another's query, and more only lengthen every turn's wait inside PGlite.
 */
export const EMBEDDED_MAX_RUNNING = 4;

/** How many customer turns the database can serve at once without any of them waiting for a connection. */
export function defaultMaxRunning(db: Pick<Database, 'engine' | 'concurrency'>): number {
  if (db.engine === 'pglite') return EMBEDDED_MAX_RUNNING;
  return Math.max(1, db.concurrency - POOL_RESERVE);
}

export class TurnGateFullError extends Error {
  override name = 'TurnGateFullError';
  constructor(readonly waiting: number) {
    super(`${waiting} turns are waiting already; deliver this one again later`);
  }
}

/** Seconds a refused channel is asked to wait before delivering again. */
export const RETRY_AFTER_SECONDS = 30;

/** Before any turn finished, a guess of how long one takes (ms); replaced by measurements at once. */
const INITIAL_TURN_MS = 500;
/** Weight of the latest turn in the moving average: recent enough to follow a slowing database. */
const AVERAGE_WEIGHT = 0.2;

interface Waiter {
  admit(): void;
}

export interface GateStats {
  running: number;
  waiting: number;
  /** Moving average of the turns' durations (ms), the basis of the expected wait. */
  averageTurnMs: number;
}

export class TurnGate {
  readonly options: TurnGateOptions;
  private running = 0;
  private readonly waiting: Waiter[] = [];
  /** Turn ids waiting or running: a channel's redelivery of one of them is not queued twice. */
  private readonly present = new Set<string>();
  /** Conversations told they wait, in this overload episode (it ends when nobody waits). */
  private readonly told = new Set<string>();
  private averageMs = INITIAL_TURN_MS;

  constructor(options: Partial<TurnGateOptions> = {}, private readonly clock: () => number = () => performance.now()) {
    this.options = { ...TURN_GATE_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
    if (!(this.options.maxRunning >= 1)) throw new Error(`maxRunning must be at least 1 (got ${this.options.maxRunning})`);
  }

  stats(): GateStats {
    return { running: this.running, waiting: this.waiting.length, averageTurnMs: this.averageMs };
  }

  /**
   * Runs `task` when a place is free, in arrival order. `onBusy` (the busy reply) runs first,
   * while the turn waits, when this turn is expected to wait long and its conversation has
   * not been told yet in this episode. Throws TurnInProgressError for a turn id already
   * here, TurnGateFullError beyond the hard cap.
   */
  async run<T>(conversation: string, turnId: string | null, onBusy: (() => Promise<unknown>) | null, task: () => Promise<T>): Promise<T> {
    if (turnId !== null && this.present.has(turnId)) throw new TurnInProgressError(turnId);
    let slot: Promise<void> | null = null;
    let busy = false;
    if (this.running < this.options.maxRunning && this.waiting.length === 0) this.running++;
    else {
      if (this.waiting.length >= this.options.maxWaiting) throw new TurnGateFullError(this.waiting.length);
      // A turn with nothing to say (a card press) leaves the conversation to be told by its next message.
      busy = onBusy !== null && this.expectsLongWait(this.waiting.length) && !this.told.has(conversation);
      if (busy) this.told.add(conversation);
      // The place is handed over by release() (running stays counted), so nobody can overtake.
      slot = new Promise<void>((admit) => this.waiting.push({ admit }));
    }
    if (turnId !== null) this.present.add(turnId);
    try {
      // The busy reply goes out while the turn waits, never after its answer.
      if (busy && onBusy) {
        try {
          await onBusy();
        } catch {
          // The busy reply could not go out (the caller logs why): the answer still follows.
        }
      }
      if (slot) await slot;
      const started = this.clock();
      try {
        return await task();
      } finally {
        this.averageMs += AVERAGE_WEIGHT * (this.clock() - started - this.averageMs);
      }
    } finally {
      if (turnId !== null) this.present.delete(turnId);
      this.release();
    }
  }

  private expectsLongWait(ahead: number): boolean {
    const place = ahead + 1;
    if (place > this.options.busyAfterWaiting) return true;
    return (place * this.averageMs) / this.options.maxRunning > this.options.busyAfterMs;
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next.admit();
    else this.running--;
    // Nobody waits any more: the overload episode is over, the next one tells again.
    if (this.waiting.length === 0) this.told.clear();
  }
}
