import path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { messages, types, type ParserOptions, type QueryOptions, type Results, type Transaction } from '@electric-sql/pglite';

/**
 * PGlite in its own thread. PostgreSQL compiled to WebAssembly runs every query on the
 * thread that calls it: in the bot's thread, at a few dozen turns a second the event loop
 * spent most of its time inside PostgreSQL while the machine's other core idled. Here a
 * worker (pglite-worker.ts) owns the PGlite and this thread holds a `PGliteInThread`, which
 * offers what pglite-prisma-adapter and our RawSql use of a PGlite: query, exec and
 * transaction (with a tx that has query, exec, rollback and closed).
 *
 * Protocol: one message per call, `{ id, op, ... }`, answered by `{ id, ok, value | error }`.
 *  - Parsers are functions and cannot be posted: the caller's parser types travel as type
 *    ids, the worker leaves those columns as PostgreSQL text and this side parses them, the
 *    same function on the same text as PGlite would call.
 *  - Errors: a PostgreSQL error crosses as its fields and is rebuilt here as PGlite's own
 *    `messages.DatabaseError`, the class pglite-prisma-adapter tests with instanceof before
 *    it maps the code (23505 → Prisma's P2002, ...). Other errors keep name, message, stack,
 *    code, errno, syscall and path (the data-directory message reads those).
 *  - A transaction is `begin` (answered once BEGIN ran and PGlite's transaction lock is held,
 *    so everything else waits in the worker as it would in-thread), queries tagged with its
 *    id, and `end` with commit or not. When the callback here throws, `end` rolls back in the
 *    worker before the error reaches the caller.
 *    Statements inside a transaction (and its end) are answered on a second port while this
 *    thread waits in Atomics.wait, as PGlite in this thread would block it: the transaction
 *    holds the only connection, so it must not wait behind other turns' work here.
 *  - The worker dying (a WebAssembly abort, out of memory) rejects every pending and later
 *    call with DatabaseWorkerError instead of leaving callers waiting.
 */

export interface WorkerData {
  /** PGlite's data directory, null for a database in memory. */
  dataPath: string | null;
  /** Answers to `sync` requests go here, and `signal[0]` turns 1 when one is there. */
  syncPort: MessagePort;
  signal: Int32Array;
}

type Common = { id: number; tx?: number; sync?: boolean; rowMode?: 'array' | 'object'; paramTypes?: number[]; textTypes?: number[] };
export type Request =
  | (Common & { op: 'query'; sql: string; params: unknown[] })
  | (Common & { op: 'exec'; sql: string })
  | { id: number; op: 'begin' }
  | { id: number; op: 'rollback'; tx: number; sync?: boolean }
  | { id: number; op: 'end'; tx: number; commit: boolean; sync?: boolean }
  | { id: number; op: 'close' };

export type SerializedError =
  | { kind: 'database'; message: string; length: number; name: string; fields: Record<string, string> }
  | { kind: 'error'; name: string; message: string; stack?: string; code?: string; errno?: number; syscall?: string; path?: string };

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError };

/** The database thread is gone: nothing sent to it will be answered. */
export class DatabaseWorkerError extends Error {
  constructor(detail: string) {
    super(`the embedded database thread stopped: ${detail}`);
    this.name = 'DatabaseWorkerError';
  }
}

function rebuildError(error: SerializedError): Error {
  if (error.kind === 'database') {
    const rebuilt = new messages.DatabaseError(error.message, error.length, error.name as messages.MessageName);
    Object.assign(rebuilt, error.fields);
    return rebuilt;
  }
  const rebuilt = new Error(error.message) as NodeJS.ErrnoException;
  rebuilt.name = error.name;
  if (error.stack) rebuilt.stack = error.stack;
  if (error.code !== undefined) rebuilt.code = error.code;
  if (error.errno !== undefined) rebuilt.errno = error.errno;
  if (error.syscall !== undefined) rebuilt.syscall = error.syscall;
  if (error.path !== undefined) rebuilt.path = error.path;
  return rebuilt;
}

/**
 * json and jsonb columns cross the thread as text and are parsed here (PGlite's own parser for
 * them is JSON.parse): copying one string to this thread is far cheaper than copying the object
 * tree parsed from it, and a turn's conversation state is such a column.
 */
const JSON_TYPES = [types.JSON, types.JSONB];
const JSON_PARSERS: ParserOptions = { [types.JSON]: (text: string) => JSON.parse(text), [types.JSONB]: (text: string) => JSON.parse(text) };

/**
 * The parsers this side applies and the type ids the worker leaves as text, worked out once per
 * caller's parser set (pglite-prisma-adapter passes the same object with every query), as the
 * worker merges its own (services/db/pglite-prepared.ts).
 */
const callerTypes = new WeakMap<ParserOptions, { parsers: ParserOptions; textTypes: number[] }>();
function textColumns(callerParsers: ParserOptions | undefined): { parsers: ParserOptions; textTypes: number[] } {
  if (!callerParsers) return { parsers: JSON_PARSERS, textTypes: JSON_TYPES };
  let known = callerTypes.get(callerParsers);
  if (!known) {
    known = { parsers: { ...JSON_PARSERS, ...callerParsers }, textTypes: [...new Set([...JSON_TYPES, ...Object.keys(callerParsers).map(Number)])] };
    callerTypes.set(callerParsers, known);
  }
  return known;
}

/** Applies the caller's parsers (or JSON's) to the columns the worker left as text. */
function parseText(result: Results, callerParsers: ParserOptions | undefined, rowMode: QueryOptions['rowMode']): Results {
  const { parsers } = textColumns(callerParsers);
  // PGlite calls a parser with the type id too (its ParserOptions type shows one argument).
  type Parse = (text: string, typeId: number) => unknown;
  const columns = result.fields
    .map((field, index) => ({ index, name: field.name, type: field.dataTypeID, parse: parsers[field.dataTypeID] as Parse | undefined }))
    .filter((c) => c.parse);
  if (!columns.length) return result;
  for (const row of result.rows as Array<Record<string | number, unknown>>) {
    for (const { index, name, type, parse } of columns) {
      const key = rowMode === 'array' ? index : name;
      const text = row[key];
      if (text !== null && text !== undefined) row[key] = parse!(text as string, type);
    }
  }
  return result;
}

/** What of QueryOptions can cross; callbacks other than parsers are refused rather than ignored. */
function wireOptions(options: QueryOptions | undefined): Pick<Common, 'rowMode' | 'paramTypes' | 'textTypes'> {
  if (!options) return { textTypes: JSON_TYPES };
  if (options.serializers || options.blob || options.onNotice) {
    throw new Error('the embedded database thread takes rowMode, paramTypes and parsers only (no serializers, blob or onNotice)');
  }
  return {
    rowMode: options.rowMode,
    paramTypes: options.paramTypes,
    textTypes: textColumns(options.parsers).textTypes,
  };
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** The subset of PGlite's interface that pglite-prisma-adapter 0.7.2 and RawSql call. */
export type PGliteLike = {
  readonly waitReady: Promise<void>;
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(sql: string, options?: QueryOptions): Promise<Results[]>;
  transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

export class PGliteInThread implements PGliteLike {
  readonly waitReady: Promise<void>;
  #worker: Worker;
  #syncPort: MessagePort;
  #signal = new Int32Array(new SharedArrayBuffer(4));
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #failure: DatabaseWorkerError | null = null;
  #closed = false;

  /** Starts the worker; `waitReady` settles when PostgreSQL has started there (or failed to). */
  constructor(dataPath: string | null) {
    const { port1, port2 } = new MessageChannel();
    this.#syncPort = port1;
    const data: WorkerData = { dataPath, syncPort: port2, signal: this.#signal };
    // The sources are TypeScript run by tsx (bin/aftercare); a worker starts with a fresh
    // module loader, so it registers tsx before loading its entry point.
    const entry = path.join(__dirname, 'pglite-worker.ts');
    const bootstrap = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(entry)});`;
    this.#worker = new Worker(bootstrap, { eval: true, workerData: data, transferList: [port2] });
    this.waitReady = new Promise<void>((resolve, reject) => this.#pending.set(0, { resolve: () => resolve(), reject }));
    this.#worker.on('message', (reply: Reply) => this.#settle(reply));
    this.#worker.on('error', (error) => this.#fail(new DatabaseWorkerError(error.message)));
    this.#worker.on('messageerror', (error) => this.#fail(new DatabaseWorkerError(`unreadable message: ${error.message}`)));
    this.#worker.on('exit', (code) => this.#fail(new DatabaseWorkerError(this.#closed ? 'closed' : `exit code ${code}`)));
  }

  get closed(): boolean {
    return this.#closed;
  }

  #settle(reply: Reply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    // An idle embedded database must not keep the process alive, just as in-thread.
    if (this.#pending.size === 0) this.#worker.unref();
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(rebuildError(reply.error));
  }

  #fail(error: DatabaseWorkerError): void {
    this.#failure ??= error;
    for (const pending of this.#pending.values()) pending.reject(this.#failure);
    this.#pending.clear();
  }

  #call<T>(request: Request): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(request.id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.ref();
      this.#worker.postMessage(request);
    });
  }

  /**
   * Statements inside a transaction wait for their answer with this thread blocked, as they
   * would with PGlite in this thread. Answered through the event loop instead, each one
   * waited behind every other turn's work while the transaction held the only connection
   * idle: under load the database sat still and throughput fell below the in-thread one.
   */
  #callSync<T>(request: Request & { sync?: boolean }): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    Atomics.store(this.#signal, 0, 0);
    this.#worker.postMessage({ ...request, sync: true });
    for (;;) {
      Atomics.wait(this.#signal, 0, 0, 50);
      const received = receiveMessageOnPort(this.#syncPort);
      if (received) {
        const reply = received.message as Reply;
        return reply.ok ? Promise.resolve(reply.value as T) : Promise.reject(rebuildError(reply.error));
      }
      // A thread that has gone has threadId -1 before its 'exit' event can reach this blocked loop.
      if (this.#worker.threadId === -1) {
        this.#fail(new DatabaseWorkerError('exited during a transaction'));
        return Promise.reject(this.#failure);
      }
    }
  }

  async #query<T>(sql: string, params: unknown[] | undefined, options: QueryOptions | undefined, tx?: number): Promise<Results<T>> {
    const request: Request = { id: this.#nextId++, op: 'query', sql, params: params ?? [], tx, ...wireOptions(options) };
    const result = await (tx === undefined ? this.#call<Results<T>>(request) : this.#callSync<Results<T>>(request));
    return parseText(result as Results, options?.parsers, options?.rowMode) as Results<T>;
  }

  async #exec(sql: string, options: QueryOptions | undefined, tx?: number): Promise<Results[]> {
    const request: Request = { id: this.#nextId++, op: 'exec', sql, tx, ...wireOptions(options) };
    const results = await (tx === undefined ? this.#call<Results[]>(request) : this.#callSync<Results[]>(request));
    return results.map((result) => parseText(result, options?.parsers, options?.rowMode));
  }

  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    return this.#query<T>(sql, params, options);
  }

  exec(sql: string, options?: QueryOptions): Promise<Results[]> {
    return this.#exec(sql, options);
  }

  async transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T> {
    const txId = await this.#call<number>({ id: this.#nextId++, op: 'begin' });
    let closed = false;
    const checkOpen = () => {
      if (closed) throw new Error('Transaction is closed');
    };
    const tx = {
      query: async <R>(sql: string, params?: unknown[], options?: QueryOptions) => {
        checkOpen();
        return this.#query<R>(sql, params, options, txId);
      },
      exec: async (sql: string, options?: QueryOptions) => {
        checkOpen();
        return this.#exec(sql, options, txId);
      },
      rollback: async () => {
        checkOpen();
        await this.#callSync<void>({ id: this.#nextId++, op: 'rollback', tx: txId });
        closed = true;
      },
      sql: () => Promise.reject(new Error('tagged-template queries are not offered by the embedded database thread')),
      listen: () => Promise.reject(new Error('LISTEN is not offered by the embedded database thread')),
      get closed() {
        return closed;
      },
    } as unknown as Transaction;
    let result: T;
    try {
      result = await callback(tx);
    } catch (error) {
      closed = true;
      await this.#callSync<void>({ id: this.#nextId++, op: 'end', tx: txId, commit: false }).catch(() => {});
      throw error;
    }
    closed = true;
    await this.#callSync<void>({ id: this.#nextId++, op: 'end', tx: txId, commit: true });
    return result;
  }

  /**
   * Ends the thread at once without closing PostgreSQL: what a crash leaves, for a shutdown
   * that cannot wait. Pending and later calls reject with DatabaseWorkerError.
   */
  async kill(): Promise<void> {
    this.#closed = true;
    this.#fail(new DatabaseWorkerError('killed'));
    await this.#worker.terminate();
  }

  /** Closes PGlite in the worker, then ends the worker. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#failure) {
      // Nothing left to close in a thread that is gone; its failure reached the callers.
      this.#closed = true;
      await this.#worker.terminate();
      return;
    }
    try {
      await this.#call<void>({ id: this.#nextId++, op: 'close' });
    } finally {
      this.#closed = true;
      await this.#worker.terminate();
    }
  }
}

/** Starts PGlite on `dataPath` (null: in memory) in a worker thread and waits until it is ready. */
export async function openPGliteInThread(dataPath: string | null): Promise<PGliteInThread> {
  const db = new PGliteInThread(dataPath);
  try {
    await db.waitReady;
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  return db;
}
