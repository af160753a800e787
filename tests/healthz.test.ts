import pg from 'pg';
import { useTestApp } from './support/app';

/**
 * /healthz answers 200 only when the database accepts a committed write, and otherwise says
 * what to do about it without naming an address. Writes are made to fail the way they fail
 * in production: PostgreSQL refusing writes (default_transaction_read_only, as on a standby
 * or a database set read-only), and a lock that holds the write past the time limit.
 */
const ENGINE: 'postgres' | 'pglite' = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
const onPostgres = ENGINE === 'postgres' ? it : it.skip;

type Health = { status: string; database: { ok: boolean; engine: string; reason?: string } };

describe(`/healthz (${ENGINE})`, () => {
  const t = useTestApp();

  async function health(): Promise<{ status: number; body: Health; text: string }> {
    const res = await fetch(`${t.url}/healthz`);
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text) as Health, text };
  }

  /** Polls until the answer has the wanted status (a pool may hand out one connection that is going away). */
  async function healthUntil(status: number, tries = 10): Promise<{ status: number; body: Health; text: string }> {
    let last = await health();
    for (let i = 1; i < tries && last.status !== status; i++) {
      await new Promise((r) => setTimeout(r, 200));
      last = await health();
    }
    return last;
  }

  /** Addresses, names and paths a 503 body must not give away. */
  function secretsOf(): string[] {
    if (!t.db.url) return ['pgdata', 'pglite:'];
    const u = new URL(t.db.url);
    return [u.host, u.hostname, u.pathname.slice(1), 'postgresql://', u.port].filter((s) => s.length > 0);
  }

  /** Every new transaction is read-only, as on a standby or after ALTER DATABASE … read only. */
  async function setReadOnly(on: boolean): Promise<void> {
    if (!t.db.url) {
      // PGlite has one session, so the session setting is the whole database's.
      await t.db.raw.exec(`SET default_transaction_read_only = ${on ? 'on' : 'off'}`);
      return;
    }
    const name = new URL(t.db.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(on ? `ALTER DATABASE "${name}" SET default_transaction_read_only = on` : `ALTER DATABASE "${name}" RESET default_transaction_read_only`);
      // The setting applies to new sessions: end the bot's, its pool reconnects.
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    } finally {
      await admin.end();
    }
  }

  it('answers 200 after committing a heartbeat row', async () => {
    const before = Date.now();
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', database: { ok: true, engine: ENGINE } });
    const rows = await t.db.raw.query<{ instance: string; beatAt: Date }>('SELECT "instance", "beatAt" FROM "Heartbeat"');
    expect(rows).toHaveLength(1);
    expect(rows[0].instance).toMatch(new RegExp(`:${new URL(t.url).port}$`));
    expect(new Date(rows[0].beatAt).getTime()).toBeGreaterThanOrEqual(before - 5_000);
    // Rewritten, not appended.
    await health();
    expect(await t.db.raw.query('SELECT 1 FROM "Heartbeat"')).toHaveLength(1);
  });

  it('answers 503 with a reason a person can act on while the database refuses writes, and 200 once it accepts them again', async () => {
    await setReadOnly(true);
    try {
      const down = await healthUntil(503);
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ status: 'degraded', database: { ok: false, engine: ENGINE } });
      expect(down.body.database.reason).toMatch(/^database is not accepting writes: it is read-only/);
      for (const secret of secretsOf()) expect(down.text).not.toContain(secret);
      // Reads still work: a SELECT-only check would have said "ok" here.
      expect(await t.db.prisma.shop.count()).toBeGreaterThan(0);
    } finally {
      await setReadOnly(false);
    }
    expect((await healthUntil(200)).status).toBe(200);
  });

  onPostgres('answers 503 within its time limit when the write is blocked by a lock', async () => {
    const other = new pg.Client({ connectionString: t.db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('LOCK TABLE "Heartbeat" IN ACCESS EXCLUSIVE MODE');
      // The lock is released only after the answer: a 503 here came from the time limit.
      const down = await health();
      expect(down.status).toBe(503);
      expect(down.body.database.reason).toMatch(/did not complete a write within 3 s: it is overloaded or a table is locked/);
      await other.query('ROLLBACK');
    } finally {
      await other.end();
    }
    expect((await healthUntil(200)).status).toBe(200);
  });
});
