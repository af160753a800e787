/**
 * The embedded database's own thread: it owns one PGlite (PostgreSQL in WebAssembly) and
 * answers the requests of services/db/pglite-thread.ts. Every query PGlite runs blocks the
 * thread it runs on; here that is this worker, not the bot's event loop.
 *
 * Loaded through tsx by pglite-thread.ts; nothing else imports it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, messages, type QueryOptions, type Results, type Transaction } from '@electric-sql/pglite';
import { embeddedOptions } from './pglite-options';
import { PreparedStatements } from './pglite-prepared';
import type { Reply, Request, SerializedError, WorkerData } from './pglite-thread';

const port = parentPort!;
const { dataPath, syncPort, signal } = workerData as WorkerData;

const DATABASE_ERROR_FIELDS = [
  'severity', 'code', 'detail', 'hint', 'position', 'internalPosition', 'internalQuery', 'where', 'schema', 'table',
  'column', 'dataType', 'constraint', 'file', 'line', 'routine', 'query',
] as const;

/** Everything an error carries that the other thread needs to rebuild it (functions and buffers stay here). */
function serializeError(error: unknown): SerializedError {
  if (error instanceof messages.DatabaseError) {
    const fields: Record<string, string> = {};
    for (const key of DATABASE_ERROR_FIELDS) {
      const value = (error as unknown as Record<string, unknown>)[key];
      if (typeof value === 'string') fields[key] = value;
    }
    return { kind: 'database', message: error.message, length: error.length, name: error.name, fields };
  }
  if (error instanceof Error) {
    const e = error as NodeJS.ErrnoException;
    return { kind: 'error', name: e.name, message: e.message, stack: e.stack, code: typeof e.code === 'string' ? e.code : undefined, errno: e.errno, syscall: e.syscall, path: e.path };
  }
  return { kind: 'error', name: 'Error', message: String(error) };
}

/**
 * The caller's parsers are functions, which cannot cross threads: columns of those types
 * come back as PostgreSQL's text and the caller's thread applies its parsers to them.
 */
const keepText = (text: string) => text;
const textParsers = new Map<string, Record<number, (text: string) => string>>();
function queryOptions(request: { rowMode?: 'array' | 'object'; paramTypes?: number[]; textTypes?: number[] }): QueryOptions {
  const options: QueryOptions = {};
  if (request.rowMode) options.rowMode = request.rowMode;
  if (request.paramTypes) options.paramTypes = request.paramTypes;
  if (request.textTypes?.length) {
    const key = request.textTypes.join(',');
    let parsers = textParsers.get(key);
    if (!parsers) {
      parsers = Object.fromEntries(request.textTypes.map((oid) => [oid, keepText]));
      textParsers.set(key, parsers);
    }
    options.parsers = parsers;
  }
  return options;
}

/** Results without the Blob PGlite attaches for COPY (which we never use). */
function plain(result: Results): Results {
  const { blob: _blob, ...rest } = result;
  return rest;
}

interface OpenTransaction {
  tx: Transaction;
  /** A ROLLBACK the caller asked for, which must finish before the transaction is ended. */
  rollingBack?: Promise<void>;
  finish(commit: boolean): void;
  done: Promise<unknown>;
}

const pglite = dataPath ? new PGlite(dataPath, embeddedOptions()) : new PGlite(embeddedOptions());
const prepared = new PreparedStatements(pglite);
const transactions = new Map<number, OpenTransaction>();
let nextTransaction = 1;

function reply(message: Reply, sync = false): void {
  if (!sync) {
    port.postMessage(message);
    return;
  }
  // The caller's thread is blocked in Atomics.wait: wake it once the answer is on its port.
  syncPort.postMessage(message);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}

function openTransaction(txId: number): OpenTransaction {
  const open = transactions.get(txId);
  if (!open) throw new Error(`transaction ${txId} is not open`);
  return open;
}

/** Opens a transaction and answers once BEGIN ran and this caller holds PGlite's transaction lock. */
function begin(id: number): void {
  const txId = nextTransaction++;
  let started = false;
  const done = pglite.transaction(
    (tx) =>
      new Promise<void>((resolve, reject) => {
        started = true;
        transactions.set(txId, { tx, done, finish: (commit) => (commit ? resolve() : reject(new Error('rolled back by the caller'))) });
        reply({ id, ok: true, value: txId });
      }),
  );
  // BEGIN itself failed: the caller is still waiting for the transaction to open.
  done.catch((error) => {
    if (!started) reply({ id, ok: false, error: serializeError(error) });
  });
}

async function end(txId: number, commit: boolean): Promise<void> {
  const open = openTransaction(txId);
  transactions.delete(txId);
  await open.rollingBack?.catch(() => {});
  open.finish(commit);
  if (commit) {
    await open.done;
  } else {
    // The caller rethrows its own error; here the rejection only says that ROLLBACK ran.
    await open.done.catch(() => {});
  }
}

async function handle(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'query': {
      const options = queryOptions(request);
      if (request.tx === undefined) return plain(await prepared.query(request.sql, request.params, options));
      return plain(await prepared.queryInTransaction(openTransaction(request.tx).tx, request.sql, request.params, options));
    }
    case 'exec': {
      const target = request.tx === undefined ? pglite : openTransaction(request.tx).tx;
      return (await target.exec(request.sql, queryOptions(request))).map(plain);
    }
    case 'rollback': {
      const open = openTransaction(request.tx);
      open.rollingBack = open.tx.rollback();
      return open.rollingBack;
    }
    case 'end':
      return end(request.tx, request.commit);
    case 'close':
      await pglite.close();
      return undefined;
  }
}

port.on('message', (request: Request) => {
  if (request.op === 'begin') {
    begin(request.id);
    return;
  }
  const sync = 'sync' in request && request.sync === true;
  handle(request).then(
    (value) => reply({ id: request.id, ok: true, value }, sync),
    (error) => reply({ id: request.id, ok: false, error: serializeError(error) }, sync),
  );
});

// Call 0 is the opening: the caller waits for PostgreSQL's start-up (or its failure).
pglite.waitReady.then(
  () => reply({ id: 0, ok: true, value: undefined }),
  (error) => reply({ id: 0, ok: false, error: serializeError(error) }),
);
