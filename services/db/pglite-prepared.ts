import { messages, parse, protocol, type ParserOptions, type PGlite, type QueryOptions, type Results, type Transaction } from '@electric-sql/pglite';
import { KEEP_PLAN } from './plan-hint';
import type { PGliteLike } from './pglite-thread';

/**
 * Statements on the embedded database as named prepared statements, each sent in one call.
 *
 * PGlite's own `query` sends Parse, Describe, Bind, Describe, Execute and Sync as six calls
 * into WebAssembly and has PostgreSQL parse and plan the text every time. Planning was most
 * of a turn's database work: the turn's claim statement cost 1.3 ms of CPU that way and 0.3 ms
 * prepared (bench/README.md, "Results — 2026-11-28 afternoon"). Here a statement's text is
 * parsed and described once per process; every later run is Bind, Describe, Execute and Sync
 * in one call, and PostgreSQL reuses the plan once it has judged a generic plan as good as a
 * custom one (plan_cache_mode = auto: after five runs).
 *
 * Statements that write keep their plan, and reads whose text starts with KEEP_PLAN
 * (services/db/plan-hint.ts). Those are the turn's claim and commit, the booking's read and
 * write, registration's lookup: statements whose planning was most of their cost, and which find
 * their rows by key, so one plan serves every value. Other reads are planned for their values
 * every time: a plan made once for any values cannot know that a range of dates is two days,
 * and the bench's slot search went 1.4× → 2.7× slower against a 10,000-booking book with them.
 * A kept plan was made for the tables as they were, and PGlite runs no autovacuum that would
 * make PostgreSQL plan again, so a statement is prepared afresh once 5,000 rows have been
 * written since it was prepared, or after ten minutes.
 *
 * Parameters are serialised by the types PostgreSQL described for them, with PGlite's own
 * serialisers, and rows are parsed by PGlite's own parsers, so callers see exactly what
 * PGlite's `query` returns.
 */
const serialize = protocol.serialize;
type Parsers = PGlite['parsers'];

/** Prepared statements kept per process; the least recently used beyond this are closed. */
const MAX_STATEMENTS = 200;
/** Rows written (inserted, updated, deleted) since a statement was prepared before it is prepared again. */
const REPLAN_AFTER_ROWS = 5_000;
const REPLAN_AFTER_MS = 10 * 60_000;
const WRITES: ReadonlySet<string | undefined> = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY']);

/** Names are unique in the process, so two instances over one PGlite cannot collide. */
let nextName = 1;

interface Prepared {
  name: string;
  paramTypes: number[];
  preparedAt: number;
  /** `#rowsWritten` when it was prepared. */
  rowsWrittenAt: number;
  /** The text has an INSERT, UPDATE or DELETE (in a WITH, its rows are not reported). */
  writes: boolean;
  /** Run as the named statement with PostgreSQL's plan cache: every write, and reads marked KEEP_PLAN. */
  keepsPlan: boolean;
}

/** PostgreSQL refuses a cached plan whose columns changed under it (a migration ran), or lost the statement. */
function isStalePlan(error: unknown): boolean {
  if (!(error instanceof messages.DatabaseError)) return false;
  return (error.code === '0A000' && /cached plan/.test(error.message)) || error.code === '26000';
}

/** Statements are kept by text and declared parameter types: the same text with other types is another statement. */
function statementKey(sql: string, paramTypes: number[] | undefined): string {
  return paramTypes?.length ? `${paramTypes.join(',')}\u0000${sql}` : sql;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export class PreparedStatements {
  readonly #pglite: PGlite;
  readonly #statements = new Map<string, Prepared>();
  /** Names evicted from the cache, closed before the next statement outside a transaction. */
  #toClose: string[] = [];
  /** Rows written through these statements since this instance started. */
  #rowsWritten = 0;
  #mergedParsers = new WeakMap<ParserOptions, Parsers>();

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  /** A statement outside any transaction: waits, like PGlite's `query`, for an open one to end. */
  query<T>(sql: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    return this.#pglite._runExclusiveTransaction(() => this.#pglite._runExclusiveQuery(() => this.#run<T>(sql, params, options, false)));
  }

  /** A statement inside the transaction whose callback is running (`tx` is PGlite's). */
  queryInTransaction<T>(tx: Transaction, sql: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    if (tx.closed) return Promise.reject(new Error('Transaction is closed'));
    return this.#pglite._runExclusiveQuery(() => this.#run<T>(sql, params, options, true));
  }

  async #run<T>(sql: string, params: unknown[], options: QueryOptions | undefined, inTransaction: boolean): Promise<Results<T>> {
    try {
      if (!inTransaction && this.#toClose.length) await this.#closeEvicted();
      let statement = await this.#prepare(sql, options?.paramTypes);
      let replies: messages.BackendMessage[];
      try {
        replies = await this.#execute(statement, sql, params);
      } catch (error) {
        if (!isStalePlan(error)) throw error;
        // Outside a transaction the failed run left nothing behind: prepare afresh, run once more.
        // Inside one, the transaction is aborted and only its caller may decide what comes next.
        this.#forget(sql, options?.paramTypes, statement);
        if (inTransaction) throw error;
        statement = await this.#prepare(sql, options?.paramTypes);
        replies = await this.#execute(statement, sql, params);
      }
      if (!inTransaction) await this.#pglite.syncToFs();
      const result = parse.parseResults(replies, this.#parsers(options?.parsers), options?.rowMode ? { rowMode: options.rowMode } : undefined)[0] as Results<T> & { command?: string };
      // A write inside WITH … SELECT reports its SELECT's rows: count it as one.
      if (WRITES.has(result.command)) this.#rowsWritten += result.affectedRows ?? 0;
      else if (statement.writes) this.#rowsWritten += 1;
      return result;
    } catch (error) {
      // What PGlite's `query` attaches, so logs and error mapping read the same.
      if (error instanceof messages.DatabaseError) Object.assign(error, { query: sql, params, queryOptions: options });
      throw error;
    }
  }

  /**
   * PGlite's parsers with the caller's over them, merged once per caller's set: parseResults
   * merges them itself on every call when given `parsers`, a copy of 318 entries that cost
   * 130 µs a statement (more than parsing its rows).
   */
  #parsers(callerParsers: ParserOptions | undefined): Parsers {
    if (!callerParsers) return this.#pglite.parsers;
    let merged = this.#mergedParsers.get(callerParsers);
    if (!merged) {
      merged = { ...this.#pglite.parsers, ...callerParsers };
      this.#mergedParsers.set(callerParsers, merged);
    }
    return merged;
  }

  async #prepare(sql: string, paramTypes: number[] | undefined): Promise<Prepared> {
    const key = statementKey(sql, paramTypes);
    let known = this.#statements.get(key);
    if (known && (this.#rowsWritten - known.rowsWrittenAt > REPLAN_AFTER_ROWS || Date.now() - known.preparedAt > REPLAN_AFTER_MS)) {
      this.#statements.delete(key);
      this.#toClose.push(known.name);
      known = undefined;
    }
    if (known) {
      // Most recently used last: eviction takes from the front.
      this.#statements.delete(key);
      this.#statements.set(key, known);
      return known;
    }
    const name = `aftercare_${nextName++}`;
    const replies = await this.#pglite.execProtocolStream(
      concat([serialize.parse({ name, text: sql, types: paramTypes }), serialize.describe({ type: 'S', name }), serialize.sync()]),
      { syncToFs: false },
    );
    const writes = /\b(INSERT|UPDATE|DELETE)\b/i.test(sql);
    const prepared = { name, paramTypes: parse.parseDescribeStatementResults(replies), preparedAt: Date.now(), rowsWrittenAt: this.#rowsWritten, writes, keepsPlan: writes || sql.startsWith(KEEP_PLAN) };
    this.#statements.set(key, prepared);
    if (this.#statements.size > MAX_STATEMENTS) {
      const [oldestKey, oldest] = this.#statements.entries().next().value as [string, Prepared];
      this.#statements.delete(oldestKey);
      this.#toClose.push(oldest.name);
    }
    return prepared;
  }

  #execute(statement: Prepared, sql: string, params: unknown[]): Promise<messages.BackendMessage[]> {
    const serializers = this.#pglite.serializers;
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = serializers[statement.paramTypes[i]];
      return serializer ? serializer(value) : String(value);
    });
    // A statement that does not keep its plan is parsed again and planned for its values every time
    // (as the unnamed statement, with the types described when it was first seen); see the class comment.
    const head = statement.keepsPlan
      ? [serialize.bind({ statement: statement.name, values })]
      : [serialize.parse({ text: sql, types: statement.paramTypes }), serialize.bind({ values })];
    return this.#pglite.execProtocolStream(concat([...head, serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]), { syncToFs: false });
  }

  #forget(sql: string, paramTypes: number[] | undefined, statement: Prepared): void {
    const key = statementKey(sql, paramTypes);
    if (this.#statements.get(key) === statement) this.#statements.delete(key);
    this.#toClose.push(statement.name);
  }

  async #closeEvicted(): Promise<void> {
    const names = this.#toClose;
    this.#toClose = [];
    await this.#pglite.execProtocolStream(concat([...names.map((name) => serialize.close({ type: 'S', name })), serialize.sync()]), {
      syncToFs: false,
      throwOnError: false,
    });
  }
}

/**
 * A PGlite whose `query`, in and out of transactions, runs through prepared statements; the
 * rest is PGlite's. For a PGlite in this thread (tests); the worker uses PreparedStatements.
 */
export function withPreparedStatements(pglite: PGlite): PGliteLike {
  const prepared = new PreparedStatements(pglite);
  return {
    get waitReady() {
      return pglite.waitReady;
    },
    query: (sql, params, options) => prepared.query(sql, params, options),
    exec: (sql, options) => pglite.exec(sql, options),
    transaction: (callback) =>
      pglite.transaction((tx) =>
        callback({
          ...tx,
          query: (sql: string, params?: unknown[], options?: QueryOptions) => prepared.queryInTransaction(tx, sql, params, options),
          exec: (sql: string, options?: QueryOptions) => tx.exec(sql, options),
          rollback: () => tx.rollback(),
          get closed() {
            return tx.closed;
          },
        } as Transaction),
      ),
    close: () => pglite.close(),
  };
}
