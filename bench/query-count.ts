/**
 * Diagnostic: database round trips and wall time per turn of one booking conversation,
 * one customer at a time (no load), in process. Counts every pg query (BEGIN/COMMIT
 * included), so it needs a PostgreSQL server: TEST_DATABASE_URL=<admin url>.
 * Run: TEST_DATABASE_URL=postgresql://… node --import tsx bench/query-count.ts
 */
import pg from 'pg';
import { startTestApp } from '../tests/support/app';
import { IdentityFactory, WantedTimes } from './customers';

async function main(): Promise<void> {
  if (!process.env.TEST_DATABASE_URL) throw new Error('set TEST_DATABASE_URL to a PostgreSQL admin URL');
  let queries = 0;
  const texts: string[] = [];
  const original = pg.Client.prototype.query;
  (pg.Client.prototype as any).query = function (this: pg.Client, ...args: any[]) {
    queries++;
    const q = args[0];
    texts.push(String(typeof q === 'string' ? q : q?.text ?? '').slice(0, 90).replace(/\s+/g, ' '));
    return (original as any).apply(this, args);
  };
  const t = await startTestApp({}, () => new Date());
  const ids = new IdentityFactory();
  const times = new WantedTimes();
  try {
    for (let round = 0; round < 3; round++) {
      const id = ids.next();
      const user = t.user(id.name);
      const rows: string[] = [];
      const step = async (label: string, fn: () => Promise<unknown>) => {
        queries = 0;
        texts.length = 0;
        const started = performance.now();
        await fn();
        rows.push(`| ${label} | ${queries} | ${(performance.now() - started).toFixed(1)} |`);
        if (round === 2 && process.env.SHOW_SQL) process.stdout.write(`--- ${label}\n${texts.join('\n')}\n`);
      };
      await step('opening (service+plate+time)', () => user.say(`${times.next()}给${id.plate}${times.service()}`));
      await step('mobile', () => user.say(id.mobile));
      await step('name', () => user.say(id.name));
      await step('VIN 跳过', () => user.say('跳过'));
      await step('mileage 跳过 → read-back card', () => user.say('跳过'));
      await step('press 确认 → booked', () => user.press('确认'));
      if (round === 2) process.stdout.write(`| turn | queries | ms (alone) |\n|---|---:|---:|\n${rows.join('\n')}\n`);
    }
  } finally {
    await t.close();
    await t.db.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
