import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite, messages } from '@electric-sql/pglite';
import { openDatabase, openPGliteInstance, pgliteDataPath, type Database } from '../services/db/client';
import { lockDataDirectory } from '../services/db/lock';
import { applyMigrations } from '../services/db/migrate';
import { embeddedOptions } from '../services/db/pglite-options';
import { seedDemoShop } from '../services/db/seed';
import { DatabaseWorkerError, openPGliteInThread } from '../services/db/pglite-thread';
import { createBooking } from '../services/booking/bookings';
import { loadConfig } from '../services/config';
import { SEED_NOW, SHOP_TZ, templateDumpPath } from './support/database';

/**
 * The embedded database of a data directory runs in a worker thread (services/db/pglite-thread.ts).
 * These tests drive that path end to end and hold it against a PGlite in the test's own
 * thread, the path the other tests use: same rows, same types, same Prisma errors.
 */

let dir: string;
let db: Database;
/** A PGlite in this thread with the same schema, to compare with. */
let inThread: Database;

async function openInThread(): Promise<Database> {
  if (fs.existsSync(templateDumpPath())) return openPGliteInstance(new PGlite(embeddedOptions({ loadDataDir: new Blob([fs.readFileSync(templateDumpPath())]) })), null);
  // The PostgreSQL pass builds no template dump.
  const memory = await openDatabase({ kind: 'pglite', dataDir: null, thread: 'main' });
  await applyMigrations(memory.raw);
  return memory;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-pgworker-'));
  [db, inThread] = await Promise.all([openDatabase({ kind: 'pglite', dataDir: dir }), openInThread()]);
});
afterAll(async () => {
  await Promise.all([db?.close(), inThread?.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The code and the driver adapter's reading of an error, which services and Prisma go by. */
async function prismaFailure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: string; meta?: { modelName?: string; driverAdapterError?: { cause?: unknown } } };
    return { code: e.code, modelName: e.meta?.modelName, cause: e.meta?.driverAdapterError?.cause };
  }
  throw new Error('expected the query to fail');
}

describe('embedded database in a worker thread', () => {
  it('is where a data directory opens by default, and AFTERCARE_EMBEDDED_THREAD=main keeps it in-thread', () => {
    expect(db.label).toContain('in a worker thread');
    expect(loadConfig({ DATABASE_URL: 'pglite:./db', AFTERCARE_EMBEDDED_THREAD: 'main' }, '/srv').database).toEqual({ kind: 'pglite', dataDir: '/srv/db', thread: 'main' });
    expect(loadConfig({ DATABASE_URL: 'pglite:./db' }, '/srv').database).toEqual({ kind: 'pglite', dataDir: '/srv/db' });
    expect(() => loadConfig({ DATABASE_URL: 'pglite:./db', AFTERCARE_EMBEDDED_THREAD: 'elsewhere' }, '/srv')).toThrow(/AFTERCARE_EMBEDDED_THREAD/);
  });

  it('migrates, seeds and takes a booking through Prisma', async () => {
    await applyMigrations(db.raw);
    await seedDemoShop(db.prisma, { timeZone: SHOP_TZ, now: SEED_NOW });
    const shop = await db.prisma.shop.findUniqueOrThrow({ where: { code: 'DEMO' } });
    const item = await db.prisma.serviceCatalogItem.findFirstOrThrow({ where: { shopId: shop.id, code: 'OIL-CHANGE' } });
    const customer = await db.prisma.customer.create({ data: { shopId: shop.id, name: '线程测试', mobile: '13900000001', vehicles: { create: { shopId: shop.id, plate: '沪W00001' } } }, include: { vehicles: true } });
    // Monday 30 November 2026, 10:00 in Shanghai.
    const startsAt = new Date('2026-11-30T02:00:00Z');
    const booking = await createBooking(db.prisma, { shopId: shop.id, customerId: customer.id, vehicleId: customer.vehicles[0].id, catalogItemIds: [item.id], startsAt, channel: 'test', now: SEED_NOW });
    expect(booking).toMatchObject({ status: 'CONFIRMED', startsAt, customerId: customer.id });
    const stored = await db.prisma.booking.findUniqueOrThrow({ where: { id: booking.id }, include: { lines: true } });
    expect(stored.lines.map((l) => l.catalogItemId)).toEqual([item.id]);
    expect(stored.startsAt).toEqual(startsAt);
    expect(await db.prisma.job.count({ where: { dedupeKey: `booking-reminder:${booking.id}` } })).toBe(1);
  });

  it('reads every kind of column as a PGlite in this thread does, through Prisma and raw SQL', async () => {
    const sql = `SELECT '2026-11-30 10:00:00.123+08'::timestamptz AS tstz, '2026-11-30 10:00:00'::timestamp AS ts, '2026-11-30'::date AS d,
      '10:30:00'::time AS t, 9007199254740993::int8 AS big, 42::int4 AS i, 1.50::numeric AS n, 2.5::float8 AS f, true AS b,
      '{"a":[1,"二"]}'::jsonb AS j, '\\xdeadbeef'::bytea AS bytes, ARRAY[1,2]::int4[] AS ints, ARRAY['x','y']::text[] AS texts,
      ARRAY['2026-11-30 10:00:00+00'::timestamptz] AS stamps, NULL::text AS nothing, '文字' AS words, $1::int4 AS param, $2::timestamptz AS when_`;
    const params = [7, new Date('2026-01-02T03:04:05.678Z')];
    const viaPrisma = await db.prisma.$queryRawUnsafe(sql, ...params);
    expect(viaPrisma).toEqual(await inThread.prisma.$queryRawUnsafe(sql, ...params));
    const viaRaw = await db.raw.query(sql, params);
    expect(viaRaw).toEqual(await inThread.raw.query(sql, params));
    expect(viaRaw[0]).toMatchObject({ big: 9007199254740993n, j: { a: [1, '二'] }, nothing: null, param: 7 });
  });

  it('rolls a transaction back in the worker when its callback throws, and holds the database until it ends', async () => {
    await db.raw.exec('CREATE TABLE thread_probe (id int PRIMARY KEY, note text)');
    await expect(
      db.raw.transaction(async (tx) => {
        await tx.query('INSERT INTO thread_probe VALUES ($1, $2)', [1, 'raw']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`INSERT INTO thread_probe VALUES (2, 'prisma')`);
        throw new Error('changed my mind again');
      }),
    ).rejects.toThrow('changed my mind again');
    expect(await db.raw.query('SELECT * FROM thread_probe')).toEqual([]);

    // A query from outside, sent while the transaction is open, runs only after COMMIT.
    let outside: Promise<Array<{ n: number }>> | undefined;
    await db.raw.transaction(async (tx) => {
      outside = db.raw.query<{ n: number }>('SELECT count(*)::int AS n FROM thread_probe');
      await new Promise((resolve) => setTimeout(resolve, 20));
      await tx.query('INSERT INTO thread_probe VALUES ($1, $2)', [3, 'kept']);
    });
    expect(await outside).toEqual([{ n: 1 }]);

    // Prisma's own rollback (an interactive transaction that fails inside) leaves nothing either.
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`INSERT INTO thread_probe VALUES (4, 'prisma')`);
        await tx.$executeRawUnsafe(`INSERT INTO thread_probe VALUES (3, 'duplicate')`);
      }),
    ).rejects.toMatchObject({ meta: { driverAdapterError: { cause: { originalCode: '23505' } } } });
    expect(await db.raw.query('SELECT id FROM thread_probe ORDER BY id')).toEqual([{ id: 3 }]);
  });

  it('keeps PostgreSQL error fields across the thread, so Prisma maps a unique violation as in-thread', async () => {
    const [shop] = await db.raw.query<{ id: string }>(`SELECT id FROM "Shop" WHERE code = 'DEMO'`);
    const otherShop = await inThread.prisma.shop.create({ data: { code: 'IN-THREAD', name: '对照', labourRateFen: 30_000 } });
    const duplicate = (d: Database, shopId: string) => d.prisma.customer.create({ data: { id: `dup-${shopId}`, shopId, name: '重复', mobile: '13900000002' } });
    await duplicate(db, shop.id);
    await duplicate(inThread, otherShop.id);
    const inWorker = await prismaFailure(duplicate(db, shop.id));
    expect(inWorker).toEqual(await prismaFailure(duplicate(inThread, otherShop.id)));
    expect(inWorker).toMatchObject({ code: 'P2002', modelName: 'Customer', cause: { originalCode: '23505', kind: 'UniqueConstraintViolation' } });

    const raw = await db.raw.query(`INSERT INTO "Customer" (id, "shopId", name, mobile, "updatedAt") VALUES ($1, $2, 'x', '1', now())`, [`dup-${shop.id}`, shop.id]).catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(messages.DatabaseError);
    expect(raw).toMatchObject({ code: '23505', constraint: 'Customer_pkey', table: 'Customer', severity: 'ERROR', detail: expect.stringContaining(`(id)=(dup-${shop.id})`) });
  });

  it('closes PGlite and the worker, releases the directory lock, and refuses later calls', async () => {
    await db.close();
    const lock = lockDataDirectory(dir);
    lock.release();
    await expect(db.raw.query('SELECT 1')).rejects.toBeInstanceOf(DatabaseWorkerError);
    // The directory PostgreSQL left is whole: it opens again (in this thread) with the booking in it.
    db = await openDatabase({ kind: 'pglite', dataDir: dir, thread: 'main' });
    expect(await db.prisma.booking.count()).toBe(1);
  });

  it('answers callers with an error, not silence, when the worker dies', async () => {
    await db.close();
    const thread = await openPGliteInThread(pgliteDataPath(dir));
    const slow = thread.query('SELECT pg_sleep(5)').catch((error: unknown) => error);
    await thread.kill();
    expect(await slow).toBeInstanceOf(DatabaseWorkerError);
    await expect(thread.query('SELECT 1')).rejects.toBeInstanceOf(DatabaseWorkerError);
    await expect(thread.transaction(async () => 1)).rejects.toBeInstanceOf(DatabaseWorkerError);
    db = await openDatabase({ kind: 'pglite', dataDir: dir });
    expect(await db.raw.query('SELECT count(*)::int AS n FROM "Booking"')).toEqual([{ n: 1 }]);
  });
});
