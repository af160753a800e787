import { PGlite, type PGliteOptions } from '@electric-sql/pglite';

/**
 * How every embedded database is started. PGlite keeps initdb's shared_buffers of 128 MB, and
 * that buffer pool lives in the WebAssembly memory it allocates at start, all of it resident:
 * a bot on the embedded database took 550 MB at rest, more than twice the same bot on a
 * PostgreSQL server. A dealership's database is tens of megabytes and the pages a turn reads
 * are few, so 16 MB keeps them cached (`npm run bench`'s embedded CPU per turn did not move)
 * and the process at rest is about 120 MB smaller. PGlite serves one backend, so the
 * per-connection shared memory is sized for a handful, not initdb's 100.
 */
export const EMBEDDED_START_PARAMS: readonly string[] = [
  ...PGlite.defaultStartParams,
  '-c', 'shared_buffers=16MB',
  '-c', 'max_connections=8',
];

export function embeddedOptions(extra: PGliteOptions = {}): PGliteOptions {
  return { startParams: [...EMBEDDED_START_PARAMS], ...extra };
}
