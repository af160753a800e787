import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase } from '../../services/db/client';
import { SEED_NOW, SHOP_TZ, templateDumpPath } from '../support/database';
import { applyMigrations } from '../../services/db/migrate';
import { embeddedOptions } from '../../services/db/pglite-options';
import { seedDemoShop } from '../../services/db/seed';
import { createPgDatabase, tempDir } from '../support/bot-process';
import type { FakeConnector } from '../support/fake-connector';
import type { TeamsUser } from '../support/teams-client';

/** The engine of this CI pass: PostgreSQL when TEST_DATABASE_URL is set, else embedded. */
export const ENGINE: 'postgres' | 'pglite' = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** A database a spawned bot process can use, and a way to count rows in it. */
export interface BotDatabase {
  url: string;
  /** PGlite: the data directory. */
  dir?: string;
  /** Row counts; for PGlite only while no bot process holds the directory. */
  count(table: string, where?: string): Promise<number>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  dispose(): Promise<void>;
}

/**
 * PGlite: a directory materialised from the run's seeded template dump (~2 s instead of
 * ~14 s for a bot creating and seeding a new directory). PostgreSQL: a new database on the
 * TEST_DATABASE_URL server (or `adminUrl`), migrated and seeded with `bin/aftercare db`.
 */
export async function createBotDatabase(label: string, options: { engine?: 'postgres' | 'pglite'; adminUrl?: string } = {}): Promise<BotDatabase> {
  const engine = options.engine ?? ENGINE;
  if (engine === 'postgres') {
    const adminUrl = options.adminUrl ?? process.env.TEST_DATABASE_URL!;
    const db = await createPgDatabase(adminUrl, `aftercare_${label.replace(/\W/g, '_')}`);
    const query = async <T>(sql: string, params: unknown[] = []) => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    };
    return {
      url: db.url,
      query,
      count: async (table, where) => Number((await query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"${where ? ` WHERE ${where}` : ''}`))[0].n),
      dispose: () => db.drop().catch(() => {}),
    };
  }
  const dir = tempDir(label);
  if (fs.existsSync(templateDumpPath())) {
    const pglite = new PGlite(path.join(dir, 'pgdata'), embeddedOptions({ loadDataDir: new Blob([fs.readFileSync(templateDumpPath())]) }));
    await pglite.waitReady;
    await pglite.close();
  } else {
    // The PostgreSQL pass builds no template dump, yet some tests are about the embedded bot
    // whatever the pass (and query the directory before a bot would migrate it): migrate and
    // seed the directory here, as the template would have been.
    const db = await openDatabase({ kind: 'pglite', dataDir: dir });
    try {
      await applyMigrations(db.raw);
      await seedDemoShop(db.prisma, { timeZone: SHOP_TZ, now: SEED_NOW });
    } finally {
      await db.close();
    }
  }
  const query = async <T>(sql: string, params: unknown[] = []) => {
    const db = await openDatabase({ kind: 'pglite', dataDir: dir });
    try {
      return await db.raw.query<T>(sql, params);
    } finally {
      await db.close();
    }
  };
  return {
    url: `pglite:${dir}`,
    dir,
    query,
    count: async (table, where) => Number((await query<{ n: string | number }>(`SELECT count(*) AS n FROM "${table}"${where ? ` WHERE ${where}` : ''}`))[0].n),
    dispose: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export function expectContains(text: string, part: string | RegExp): void {
  if (typeof part === 'string' ? !text.includes(part) : !part.test(text)) throw new Error(`expected the bot to say ${String(part)}, it said:\n${text}`);
}

/**
 * Registers a new customer and books, following whatever the dialog asks (a slot that
 * was taken meanwhile gets the first alternative offered). Returns the booking reference.
 */
export async function registerAndBook(user: TeamsUser, opts: { when: string; plate: string; mobile: string; name: string; vin?: string }): Promise<string> {
  let reply = await user.say(`${opts.when}给${opts.plate}做常规保养`);
  expectContains(reply, '手机号');
  reply = await user.say(opts.mobile);
  expectContains(reply, '怎么称呼');
  reply = await user.say(opts.name);
  expectContains(reply, '车架号');
  reply = await user.say(opts.vin ?? '跳过');
  expectContains(reply, '里程');
  reply = await user.say('跳过');
  expectContains(reply, '建档完成');
  return confirmBooking(user, reply);
}

/** From a read-back (or an alternatives card), presses on until the booking is made. */
export async function confirmBooking(user: TeamsUser, reply: string): Promise<string> {
  for (let step = 0; step < 8; step++) {
    const done = /预约成功！预约号 (\w+)/.exec(reply);
    if (done) return done[1];
    const card = user.lastCard();
    const actions = (card?.body.attachments?.[0]?.content?.actions ?? []) as Array<{ title: string; data: { choice?: string } }>;
    if (actions.some((a) => a.title === '确认')) {
      reply = (await user.press('确认')).reply;
    } else if (actions.length) {
      // Alternatives: the first offered time.
      reply = (await user.press(actions[0].title)).reply;
    } else {
      throw new Error(`cannot continue the booking from:\n${reply}`);
    }
  }
  throw new Error(`booking did not complete:\n${reply}`);
}

/** mulberry32: a small seeded PRNG, so a failing fuzz run can be replayed with its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i], i);
      }
    }),
  );
  return results;
}

/**
 * A connector in front of the fake one that swallows the next N requests (never answers
 * them, so the bot's request times out) and forwards the rest.
 */
export interface HangingProxy {
  url: string;
  hangNext(count: number): void;
  hung(): number;
  close(): Promise<void>;
}

export async function startHangingProxy(target: FakeConnector): Promise<HangingProxy> {
  let toHang = 0;
  let hung = 0;
  const held: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (toHang > 0) {
        toHang--;
        hung++;
        held.push(res);
        return;
      }
      try {
        const upstream = await fetch(`${target.url}${req.url}`, { method: req.method, headers: { 'content-type': 'application/json' }, body: chunks.length ? Buffer.concat(chunks) : undefined });
        res.writeHead(upstream.status, { 'content-type': 'application/json' });
        res.end(await upstream.text());
      } catch {
        res.writeHead(502);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hangNext: (n) => {
      toHang = n;
    },
    hung: () => hung,
    close: () =>
      new Promise((resolve) => {
        for (const r of held) r.destroy();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** The same view of the calls as the fake connector, under another URL (for TeamsUser). */
export function viaUrl(connector: FakeConnector, url: string): FakeConnector {
  return { ...connector, url, calls: connector.calls };
}

export async function health(url: string): Promise<{ status: number; body: { status?: string; database?: { ok: boolean; engine?: string } } }> {
  const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(15_000) });
  return { status: res.status, body: (await res.json()) as never };
}

export function timed<T>(label: string, timings: Record<string, number>, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  return fn().finally(() => {
    timings[label] = Date.now() - started;
  });
}
