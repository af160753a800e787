/**
 * Where a turn is claimed and committed. A turn counts as handled only when its effects are
 * stored: the activity is claimed RUNNING with a lease (held in memory instead on an exclusive
 * database, see `leases`), the dialogs run (their bookings carry
 * the activity as an idempotency key), and one statement then saves the conversation state
 * and marks the activity DONE together with the replies it produced — only then are the
 * replies sent. A crash anywhere before that lets the channel's redelivery run the turn again
 * (after the lease); a redelivery after it gets the stored replies again, never a second effect.
 *
 * Plain SQL through the driver: this runs twice on every turn.
 */
import type { Activity } from 'botbuilder';
import type { RawSql, StatementPart } from '../services/db/client';
import { KEEP_PLAN } from '../services/db/plan-hint';
import type { ConversationState } from '../dialogs';

export class StateConflictError extends Error {
  constructor(readonly key: string) {
    super(`conversation state "${key}" was changed by another turn`);
    this.name = 'StateConflictError';
  }
}

/** Another process is running this very activity now: the channel should try again shortly. */
export class TurnInProgressError extends Error {
  constructor(readonly activityId: string) {
    super(`activity ${activityId} is being handled by another process`);
    this.name = 'TurnInProgressError';
  }
}

export type Claim =
  | { kind: 'fresh'; state: ConversationState | null; version: number | null }
  /** Handled before; `replies` are the ones not yet known to have been sent (empty once they were). */
  | { kind: 'done'; replies: Array<Partial<Activity>> }
  | { kind: 'busy' };

export interface TurnKey {
  channel: string;
  /** Null for activities without an id (nothing to de-duplicate). */
  activityId: string | null;
  /** The conversation whose state the turn reads and writes. */
  stateKey: string;
}

export const DEFAULT_TURN_LEASE_MS = 30_000;

/** How long "replies sent" marks wait to share one statement. */
const SENT_BATCH_MS = 250;
/** How many sent activities a process remembers for answering their redeliveries from memory. */
const SENT_REMEMBERED = 10_000;

/** One activity's key in the sent batch and memory. */
function sentId(channel: string, activityId: string): string {
  return `${channel}\u0000${activityId}`;
}

/** Leases an exclusive store holds before it drops the expired ones (a turn normally ends its own). */
const LEASES_KEPT = 10_000;

type ExistingRow = { status: string; replies: Array<Partial<Activity>> | null; sending: boolean | null } | null;
type StateRow = { data: ConversationState; version: number } | null;

/** The conversation state and its version, as a column (`$n` is the state key). */
const stateColumn = (keyParam: string) =>
  `(SELECT json_build_object('data', b."data", 'version', b."version") FROM "BotState" b WHERE b."key" = ${keyParam}) AS "state"`;

/** The activity's row as the claim reads it ($1 channel, $2 activity id). */
const EXISTING_COLUMN = `(SELECT json_build_object('status', p."status", 'replies', p."replies", 'sending', p."leaseUntil" > now()) FROM "ProcessedActivity" p
                WHERE p."channel" = $1 AND p."activityId" = $2) AS "existing"`;

/** A redelivery of an activity already DONE: busy while its process still sends the replies, else done. */
function alreadyDone(existing: ExistingRow): Claim | null {
  if (existing?.status !== 'DONE') return null;
  if (existing.replies && existing.sending) return { kind: 'busy' };
  return { kind: 'done', replies: existing.replies ?? [] };
}

/**
 * Marks the activity DONE with its replies when `onlyIf` holds: an update of the row its claim
 * wrote or, in an exclusive store (whose claim writes nothing), the activity's first row.
 */
function markDoneSql(exclusive: boolean, p: { channel: string; activityId: string; replies: string; leaseMs: string }, onlyIf: string): string {
  return exclusive
    ? `INSERT INTO "ProcessedActivity" ("channel", "activityId", "processedAt", "status", "leaseUntil", "replies")
         SELECT ${p.channel}, ${p.activityId}, now(), 'DONE', now() + ${p.leaseMs} * interval '1 millisecond', ${p.replies}::jsonb WHERE ${p.activityId} <> '' AND ${onlyIf}
         ON CONFLICT ("channel", "activityId") DO UPDATE SET "status" = 'DONE', "leaseUntil" = EXCLUDED."leaseUntil", "replies" = EXCLUDED."replies"`
    : `UPDATE "ProcessedActivity" SET "status" = 'DONE', "leaseUntil" = now() + ${p.leaseMs} * interval '1 millisecond', "replies" = ${p.replies}::jsonb
        WHERE "channel" = ${p.channel} AND "activityId" = ${p.activityId} AND ${onlyIf}`;
}

export class TurnStore {
  private readonly sentBatch = new Map<string, { channel: string; activityId: string }>();
  private sentFlush: Promise<void> | null = null;
  private sentTimer: NodeJS.Timeout | null = null;
  /** Activities whose replies this process sent, newest last (bounded). */
  private readonly sentHere = new Set<string>();

  /**
   * Exclusive: this is the only process on its database (the embedded one, whose directory lock
   * says so). A turn's lease is then held here, in memory, instead of written as a RUNNING row:
   * the claim is a read and the commit writes the row DONE. What the row protected against,
   * another process running the activity meanwhile, cannot happen; a crash loses the memory as
   * it voided the rows (`expireLeases` at start-up). It saved the claim's write on every turn,
   * the embedded database's most frequent statement (bench/README.md, "Results — 2026-11-28 evening").
   */
  private readonly leases = new Map<string, number>();

  constructor(
    private readonly sql: Pick<RawSql, 'query'>,
    private readonly leaseMs = DEFAULT_TURN_LEASE_MS,
    private readonly exclusive = false,
  ) {}

  /**
   * Claims the activity and reads the conversation state, in one round trip; `riders` (other
   * statements of the turn: the identity upsert, a card's claim) go along in the same
   * statement, and their values come back in `riders`, in order.
   */
  async claim(key: TurnKey, riders: ReadonlyArray<(firstParam: number) => StatementPart> = []): Promise<Claim & { riders?: unknown[] }> {
    const ride = (first: number) => {
      const ctes: string[] = [];
      const columns: string[] = [];
      const params: unknown[] = [];
      riders.forEach((rider, i) => {
        const part = rider(first + params.length);
        ctes.push(part.ctes);
        columns.push(`, ${part.expr} AS "rider${i}"`);
        params.push(...part.params);
      });
      return { ctes: ctes.filter(Boolean).join(', '), column: columns.join(''), params };
    };
    const riderValues = (row: Record<string, unknown> | undefined) => riders.map((_, i) => row?.[`rider${i}`]);
    if (!key.activityId) {
      const r = ride(2);
      const rows = await this.sql.query<{ state: StateRow }>(
        `${r.ctes ? `WITH ${r.ctes} ` : ''}SELECT ${stateColumn('$1')}${r.column}`,
        [key.stateKey, ...r.params],
      );
      const state = rows[0]?.state;
      return { kind: 'fresh', state: state?.data ?? null, version: state?.version ?? null, riders: riderValues(rows[0]) };
    }
    if (this.exclusive) return this.claimHere(key, key.activityId, ride, riderValues);
    const r = ride(5);
    const rows = await this.sql.query<{ claimed: number; existing: ExistingRow; state: StateRow }>(
      `WITH claim AS (
         INSERT INTO "ProcessedActivity" ("channel", "activityId", "processedAt", "status", "leaseUntil")
         VALUES ($1, $2, now(), 'RUNNING', now() + $4 * interval '1 millisecond')
         ON CONFLICT ("channel", "activityId") DO UPDATE
           SET "leaseUntil" = EXCLUDED."leaseUntil", "processedAt" = now()
           WHERE "ProcessedActivity"."status" = 'RUNNING' AND "ProcessedActivity"."leaseUntil" < now()
         RETURNING 1
       )${r.ctes ? `, ${r.ctes}` : ''}
       SELECT (SELECT count(*)::int FROM claim) AS "claimed", ${EXISTING_COLUMN}, ${stateColumn('$3')}${r.column}`,
      [key.channel, key.activityId, key.stateKey, this.leaseMs, ...r.params],
    );
    const row = rows[0];
    if (row.claimed === 1) return { kind: 'fresh', state: row.state?.data ?? null, version: row.state?.version ?? null, riders: riderValues(row) };
    // Not claimed and not done: another process holds its lease.
    return alreadyDone(row.existing) ?? { kind: 'busy' };
  }

  /** The claim of an exclusive store: the lease in memory, the activity's row and the state read. */
  private async claimHere(
    key: TurnKey,
    activityId: string,
    ride: (first: number) => { ctes: string; column: string; params: unknown[] },
    riderValues: (row: Record<string, unknown> | undefined) => unknown[],
  ): Promise<Claim & { riders?: unknown[] }> {
    const id = sentId(key.channel, activityId);
    const now = Date.now();
    const held = this.leases.get(id);
    if (held !== undefined && held > now) return { kind: 'busy' };
    // Taken before the read: a second delivery arriving meanwhile finds it held.
    this.leases.set(id, now + this.leaseMs);
    if (this.leases.size > LEASES_KEPT) for (const [k, until] of this.leases) if (until <= now) this.leases.delete(k);
    try {
      const r = ride(4);
      const rows = await this.sql.query<{ existing: ExistingRow; state: StateRow }>(
        `${r.ctes ? `WITH ${r.ctes} ` : KEEP_PLAN}SELECT ${EXISTING_COLUMN}, ${stateColumn('$3')}${r.column}`,
        [key.channel, activityId, key.stateKey, ...r.params],
      );
      const row = rows[0];
      // A RUNNING row is a lease of a process that is gone (written before the store was exclusive).
      const done = alreadyDone(row.existing);
      if (done) {
        this.leases.delete(id);
        return done;
      }
      return { kind: 'fresh', state: row.state?.data ?? null, version: row.state?.version ?? null, riders: riderValues(row) };
    } catch (error) {
      this.leases.delete(id);
      throw error;
    }
  }

  /**
   * Saves the state (only if nobody else changed it since `version` was read) and marks the
   * activity DONE with its replies — both or neither.
   */
  async commit(key: TurnKey, state: ConversationState | null | undefined, version: number | null, replies: Array<Partial<Activity>>): Promise<void> {
    // A turn that changed no conversation state (an advisor command, a refusal) only closes its activity.
    if (state === undefined) {
      if (key.activityId) await this.markDone(key, replies);
      return;
    }
    const rows = await this.sql.query<{ version: number | null }>(
      `WITH saved AS (
         INSERT INTO "BotState" ("key", "data", "version", "updatedAt") VALUES ($1, $2::jsonb, 1, now())
         ON CONFLICT ("key") DO UPDATE SET "data" = EXCLUDED."data", "version" = "BotState"."version" + 1, "updatedAt" = now()
           WHERE "BotState"."version" = $3
         RETURNING "version"
       ),
       done AS (
         ${markDoneSql(this.exclusive, { channel: '$4', activityId: '$5', replies: '$6', leaseMs: '$7' }, 'EXISTS (SELECT 1 FROM saved)')}
         RETURNING 1
       )
       SELECT (SELECT "version" FROM saved) AS "version", (SELECT count(*) FROM done) AS "done"`,
      [key.stateKey, JSON.stringify(state ?? {}), version, key.channel, key.activityId ?? '', JSON.stringify(replies), this.leaseMs],
    );
    if (rows[0]?.version == null) throw new StateConflictError(key.stateKey);
    if (key.activityId) this.leases.delete(sentId(key.channel, key.activityId));
  }

  private async markDone(key: TurnKey, replies: Array<Partial<Activity>>): Promise<void> {
    await this.sql.query(markDoneSql(this.exclusive, { channel: '$1', activityId: '$2', replies: '$3', leaseMs: '$4' }, 'true'), [
      key.channel,
      key.activityId,
      JSON.stringify(replies),
      this.leaseMs,
    ]);
    this.leases.delete(sentId(key.channel, key.activityId!));
  }

  /**
   * The replies reached the channel: a later redelivery needs nothing more. Marks from turns
   * that end within a few milliseconds of each other go to the database as one statement: this
   * is bookkeeping after the customer has the answer, and a round trip per turn of it cost as
   * much as the turn's own claim.
   */
  repliesSent(key: TurnKey): Promise<void> {
    if (!key.activityId) return Promise.resolve();
    const id = sentId(key.channel, key.activityId);
    this.sentBatch.set(id, { channel: key.channel, activityId: key.activityId });
    // Remembered past the flush too: a redelivery whose claim read the row before the flush
    // committed (another connection) must still be answered as done, not refused as running.
    this.sentHere.delete(id);
    this.sentHere.add(id);
    if (this.sentHere.size > SENT_REMEMBERED) this.sentHere.delete(this.sentHere.values().next().value!);
    this.sentFlush ??= new Promise<void>((resolve, reject) => {
      this.sentTimer = setTimeout(() => {
        this.sentTimer = null;
        this.flushSent().then(resolve, reject);
      }, SENT_BATCH_MS);
      this.sentTimer.unref();
    });
    return this.sentFlush;
  }

  /**
   * Its replies were sent by this process (the mark may not be in the database yet, or not yet
   * visible to a concurrent claim): a redelivery is answered with nothing to repeat, not refused
   * as still running.
   */
  sentPending(key: TurnKey): boolean {
    return key.activityId !== null && this.sentHere.has(sentId(key.channel, key.activityId));
  }

  /** Writes the pending "replies sent" marks now (at shutdown; the timer does it otherwise). */
  async flushSent(): Promise<void> {
    if (this.sentTimer) clearTimeout(this.sentTimer);
    this.sentTimer = null;
    this.sentFlush = null;
    const batch = [...this.sentBatch.values()];
    if (batch.length === 0) return;
    try {
      await this.sql.query(
        `UPDATE "ProcessedActivity" p SET "replies" = NULL, "leaseUntil" = NULL
           FROM json_to_recordset($1::json) AS k("channel" text, "activityId" text)
          WHERE p."channel" = k."channel" AND p."activityId" = k."activityId"`,
        [JSON.stringify(batch)],
      );
    } finally {
      for (const k of batch) this.sentBatch.delete(sentId(k.channel, k.activityId));
    }
  }

  /** The turn failed: let a redelivery of this activity run it at once. */
  async release(key: TurnKey): Promise<void> {
    if (!key.activityId) return;
    this.leases.delete(sentId(key.channel, key.activityId));
    if (this.exclusive) return;
    await this.sql.query(`DELETE FROM "ProcessedActivity" WHERE "channel" = $1 AND "activityId" = $2 AND "status" = 'RUNNING'`, [key.channel, key.activityId]);
  }

  /** At start-up of the only process on a database (embedded): leases left by a crash are void. */
  async expireLeases(): Promise<void> {
    await this.sql.query(`UPDATE "ProcessedActivity" SET "leaseUntil" = now() WHERE "leaseUntil" > now()`);
  }

  /**
   * A card decides once: true for the first activity that presses it — and again for that same
   * activity when its turn is retried after a conflict, so the retry is not refused by its own claim.
   */
  async claimCard(channel: string, cardId: string, byActivity: string): Promise<boolean> {
    const part = cardClaimPart(channel, cardId, byActivity)(1);
    const rows = await this.sql.query<{ by: string | null }>(`WITH ${part.ctes} SELECT ${part.expr} AS "by"`, part.params);
    return rows[0]?.by === byActivity;
  }
}

/**
 * A card's claim as a part of a larger statement (the turn's claim carries it); its value is
 * the activity that pressed the card first — `claimCard` is true when that is this one.
 */
export function cardClaimPart(channel: string, cardId: string, byActivity: string) {
  return (first: number): StatementPart => {
    const [c, id, by] = [`$${first}`, `$${first + 1}`, `$${first + 2}`];
    return {
      ctes: `card_claim AS (
         INSERT INTO "ProcessedActivity" ("channel", "activityId", "processedAt", "status", "replies")
         VALUES (${c}, ${id}, now(), 'DONE', jsonb_build_object('by', ${by}::text))
         ON CONFLICT DO NOTHING RETURNING ${by}::text AS "by"
       )`,
      expr: `coalesce((SELECT "by" FROM card_claim), (SELECT "replies"->>'by' FROM "ProcessedActivity" WHERE "channel" = ${c} AND "activityId" = ${id}))`,
      params: [channel, cardId, byActivity],
    };
  };
}
