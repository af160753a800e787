/**
 * Prepares the bench database in one process: applies the migrations and seeds the demo
 * shop (what `aftercare db migrate` and `aftercare db seed` do, with the same functions),
 * then gives the shop ample parts stock: the demo shop stocks 40 air filters, so without
 * this the bench would measure the "parts short" path after 40 bookings instead of bookings;
 * and widens the booking horizon to a year (see WANTED_DAYS_AHEAD in bench/customers.ts).
 * Run: DATABASE_URL=… node -r tsx/cjs bench/prepare-db.ts
 */
import { loadConfig } from '../services/config';
import { openDatabase } from '../services/db/client';
import { applyMigrations } from '../services/db/migrate';
import { seedDemoShop } from '../services/db/seed';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase(config.database);
  try {
    const migrated = await applyMigrations(db.raw);
    await seedDemoShop(db.prisma, { timeZone: config.shopTimeZone });
    await db.raw.exec(`UPDATE "Part" SET "stockQty" = 1000000, "restockDate" = NULL`);
    // Customers want dates up to WANTED_DAYS_AHEAD (bench/customers.ts) days ahead: the
    // repetitions' bookings spread over a year instead of filling the demo's 60 days.
    await db.raw.exec(`UPDATE "Shop" SET "bookingHorizonDays" = 366`);
    process.stdout.write(`${db.label}: ${migrated.applied.length} migration(s) applied, demo shop seeded, bench stock and horizon set\n`);
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
