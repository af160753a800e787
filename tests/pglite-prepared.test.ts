import fs from 'node:fs';
import { PGlite, messages, types } from '@electric-sql/pglite';
import { embeddedOptions } from '../services/db/pglite-options';
import { PreparedStatements, withPreparedStatements } from '../services/db/pglite-prepared';
import { templateDumpPath } from './support/database';

/**
 * Statements on the embedded database run as named prepared statements
 * (services/db/pglite-prepared.ts). Callers must not be able to tell: every result and every
 * error is held against PGlite's own `query` on the same database.
 */

let pglite: PGlite;
let prepared: PreparedStatements;

beforeAll(async () => {
  // Jest's module loader cannot run initdb's dynamic import: start from the suite's template when there is one.
  pglite = fs.existsSync(templateDumpPath()) ? new PGlite(embeddedOptions({ loadDataDir: new Blob([fs.readFileSync(templateDumpPath())]) })) : new PGlite(embeddedOptions());
  await pglite.waitReady;
  await pglite.exec(`
    CREATE TABLE item (id text PRIMARY KEY, qty int NOT NULL CHECK (qty >= 0), price numeric(12,2), tags text[], meta jsonb,
                       at timestamptz, day date, ok boolean, raw bytea, n bigint);
  `);
  prepared = new PreparedStatements(pglite);
});
afterAll(async () => {
  await pglite?.close();
});

const cases: Array<{ name: string; sql: string; params: unknown[] }> = [
  { name: 'insert with every type', sql: `INSERT INTO item VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`, params: ['a', 3, '12.50', ['x', 'y "z"'], { k: [1, 2], s: 'é' }, new Date('2026-11-28T01:02:03.456Z'), '2026-11-30', true, new Uint8Array([0, 255, 7]), 9007199254740993n] },
  { name: 'nulls', sql: `INSERT INTO item (id, qty, price, tags, meta, at, ok) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`, params: ['b', 0, null, null, null, undefined, null] },
  { name: 'json given as text', sql: `SELECT $1::jsonb AS j, $2::json AS k`, params: ['{"a":1}', [1, 'two']] },
  { name: 'array comparison', sql: `SELECT id FROM item WHERE id = ANY($1) ORDER BY id`, params: [['a', 'b', 'none']] },
  { name: 'update counts rows', sql: `UPDATE item SET qty = qty + $1 WHERE id <> $2`, params: [1, 'zzz'] },
  { name: 'no rows', sql: `SELECT * FROM item WHERE id = $1`, params: ['missing'] },
  { name: 'numbers and booleans as text', sql: `SELECT $1::text AS a, $2::text AS b, $3::int + 1 AS c`, params: [1.5, false, '41'] },
];

describe('prepared statements answer as PGlite does', () => {
  it.each(cases)('$name', async ({ sql, params }) => {
    // The same statement, twice through each path (the second run reuses the prepared statement).
    const own = await pglite.transaction(async (tx) => {
      const first = await tx.query(sql, params);
      await tx.rollback();
      return first;
    });
    const ours = [];
    for (let run = 0; run < 2; run++) {
      ours.push(
        await pglite.transaction(async (tx) => {
          const result = await prepared.queryInTransaction(tx, sql, params);
          await tx.rollback();
          return result;
        }),
      );
    }
    for (const result of ours) {
      expect(result.rows).toEqual(own.rows);
      expect(result.fields).toEqual(own.fields);
      expect(result.affectedRows).toBe(own.affectedRows);
    }
  });

  it('honours rowMode and per-query parsers', async () => {
    const options = { rowMode: 'array' as const, parsers: { [types.TIMESTAMPTZ]: (text: string) => `text:${text}` } };
    const sql = `SELECT $1::timestamptz AS at, 2 AS n`;
    const own = await pglite.query(sql, ['2026-11-28T00:00:00Z'], options);
    const ours = await prepared.query(sql, ['2026-11-28T00:00:00Z'], options);
    expect(ours.rows).toEqual(own.rows);
    expect(ours.rows[0]).toEqual(['text:2026-11-28 00:00:00+00', 2]);
  });

  it('takes declared parameter types', async () => {
    const ours = await prepared.query<{ t: string }>(`SELECT pg_typeof($1)::text AS t`, ['5'], { paramTypes: [types.INT4] });
    expect(ours.rows[0].t).toBe('integer');
    // The same text with other declared types is a different statement.
    const other = await prepared.query<{ t: string }>(`SELECT pg_typeof($1)::text AS t`, ['5'], { paramTypes: [types.TEXT] });
    expect(other.rows[0].t).toBe('text');
  });
});

describe('errors', () => {
  it('keeps the database error fields, and the statement is usable afterwards', async () => {
    const sql = `INSERT INTO item (id, qty) VALUES ($1, $2)`;
    await prepared.query(sql, ['dup', 1]);
    const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a database error'); }, (e: unknown) => e as messages.DatabaseError);
    const own = await failure(pglite.query(sql, ['dup', 1]));
    const ours = await failure(prepared.query(sql, ['dup', 1]));
    expect(ours).toBeInstanceOf(messages.DatabaseError);
    expect(ours).toMatchObject({ code: '23505', constraint: own.constraint, detail: own.detail, table: 'item', query: sql });
    expect(ours.message).toBe(own.message);
    const check = await failure(prepared.query(sql, ['neg', -1]));
    expect(check).toMatchObject({ code: '23514', constraint: 'item_qty_check' });
    expect((await prepared.query(sql, ['fine', 2])).affectedRows).toBe(1);
  });

  it('a syntax error is reported and not kept', async () => {
    await expect(prepared.query(`SELEC 1`)).rejects.toMatchObject({ code: '42601', query: 'SELEC 1' });
    await expect(prepared.query(`SELEC 1`)).rejects.toMatchObject({ code: '42601' });
    expect((await prepared.query<{ one: number }>(`SELECT 1 AS one`)).rows).toEqual([{ one: 1 }]);
  });

  it('an error inside a transaction aborts it as before, and the transaction rolls back', async () => {
    await expect(
      pglite.transaction(async (tx) => {
        await prepared.queryInTransaction(tx, `INSERT INTO item (id, qty) VALUES ($1, $2)`, ['in-tx', 1]);
        await prepared.queryInTransaction(tx, `INSERT INTO item (id, qty) VALUES ($1, $2)`, ['in-tx', 1]);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect((await prepared.query(`SELECT id FROM item WHERE id = $1`, ['in-tx'])).rows).toEqual([]);
  });
});

describe('the prepared statements themselves', () => {
  it('a table changed under a prepared statement is re-prepared, not an error', async () => {
    await pglite.exec(`CREATE TABLE shape (id int PRIMARY KEY, a text)`);
    await prepared.query(`INSERT INTO shape VALUES ($1, $2)`, [1, 'one']);
    const sql = `SELECT * FROM shape WHERE id = $1`;
    expect((await prepared.query(sql, [1])).rows).toEqual([{ id: 1, a: 'one' }]);
    await pglite.exec(`ALTER TABLE shape ADD COLUMN b text DEFAULT 'new'`);
    expect((await prepared.query(sql, [1])).rows).toEqual([{ id: 1, a: 'one', b: 'new' }]);
  });

  it('keeps at most 200 and closes those it drops', async () => {
    const own = new PreparedStatements(pglite);
    const count = async () => (await pglite.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'aftercare_%'`)).rows[0].n;
    const before = await count();
    for (let i = 0; i < 260; i++) expect((await own.query<{ v: number }>(`SELECT ${i} AS v`)).rows[0].v).toBe(i);
    // Statements of `prepared` (the suite's other instance) are counted in `before`; both share the names' prefix.
    expect((await count()) - before).toBeLessThanOrEqual(201);
    expect((await own.query<{ v: number }>(`SELECT 0 AS v`)).rows[0].v).toBe(0);
  });

  it('withPreparedStatements offers query, exec and transaction over them', async () => {
    const db = withPreparedStatements(pglite);
    await db.exec(`CREATE TABLE wrapped (id int PRIMARY KEY)`);
    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO wrapped VALUES ($1)`, [1]);
      expect(tx.closed).toBe(false);
    });
    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO wrapped VALUES ($1)`, [2]);
      await tx.rollback();
    });
    expect((await db.query<{ id: number }>(`SELECT id FROM wrapped ORDER BY id`)).rows).toEqual([{ id: 1 }]);
  });
});
