import type { PrismaClient } from './client';
import { ADVISORS, BAYS, CATALOG, DEMO_SHOP, OPENING_HOURS, PARTS, TECHNICIANS } from '../../prisma/seed/demo-shop';
import { CHINA_CALENDAR } from '../../prisma/seed/holidays-cn';

export interface SeedOptions {
  timeZone: string;
  /** Anchors relative restock dates; tests pass a frozen clock. */
  now?: Date;
}

export interface SeedResult {
  shopId: string;
  created: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Creates the demo shop, or completes it if a previous seed was interrupted. Idempotent:
 * rows are matched on their natural keys and rows that exist are left as the shop
 * edited them (upsert with an empty update).
 */
export async function seedDemoShop(prisma: PrismaClient, options: SeedOptions): Promise<SeedResult> {
  const now = options.now ?? new Date();
  const existing = await prisma.shop.findUnique({ where: { code: DEMO_SHOP.code } });
  const shop =
    existing ?? (await prisma.shop.create({ data: { ...DEMO_SHOP, timeZone: options.timeZone } }));

  for (const [weekday, [openMinute, closeMinute]] of Object.entries(OPENING_HOURS)) {
    await prisma.openingHours.upsert({
      where: { shopId_weekday: { shopId: shop.id, weekday: Number(weekday) } },
      create: { shopId: shop.id, weekday: Number(weekday), openMinute, closeMinute },
      update: {},
    });
  }
  for (const day of CHINA_CALENDAR) {
    const date = new Date(`${day.date}T00:00:00Z`);
    await prisma.workingCalendarDay.upsert({
      where: { shopId_date: { shopId: shop.id, date } },
      create: { shopId: shop.id, date, kind: day.kind, name: day.name },
      update: {},
    });
  }
  for (const bay of BAYS) {
    await prisma.serviceBay.upsert({ where: { shopId_name: { shopId: shop.id, name: bay.name } }, create: { shopId: shop.id, ...bay }, update: {} });
  }
  for (const tech of TECHNICIANS) {
    await prisma.technician.upsert({ where: { shopId_name: { shopId: shop.id, name: tech.name } }, create: { shopId: shop.id, ...tech }, update: {} });
  }
  for (const advisor of ADVISORS) {
    await prisma.advisor.upsert({ where: { shopId_name: { shopId: shop.id, name: advisor.name } }, create: { shopId: shop.id, ...advisor }, update: {} });
  }
  const partIds = new Map<string, string>();
  for (const { restockInDays, ...part } of PARTS as Array<(typeof PARTS)[number] & { restockInDays?: number }>) {
    const restockDate = restockInDays === undefined ? null : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + restockInDays * DAY_MS);
    const row = await prisma.part.upsert({
      where: { shopId_sku: { shopId: shop.id, sku: part.sku } },
      create: { shopId: shop.id, ...part, restockDate },
      update: {},
    });
    partIds.set(part.sku, row.id);
  }
  for (const { parts, ...item } of CATALOG) {
    const row = await prisma.serviceCatalogItem.upsert({
      where: { shopId_code: { shopId: shop.id, code: item.code } },
      create: { shopId: shop.id, ...item, aliases: [...item.aliases] },
      update: {},
    });
    for (const [sku, quantity] of parts) {
      const partId = partIds.get(sku);
      if (!partId) throw new Error(`seed: catalogue item ${item.code} names unknown part ${sku}`);
      await prisma.serviceCatalogPart.upsert({
        where: { catalogItemId_partId: { catalogItemId: row.id, partId } },
        create: { catalogItemId: row.id, partId, quantity },
        update: {},
      });
    }
  }
  return { shopId: shop.id, created: !existing };
}

/** True when the database has no shop yet: the first start of a new embedded database. */
export async function needsSeed(prisma: PrismaClient): Promise<boolean> {
  return (await prisma.shop.count()) === 0;
}
