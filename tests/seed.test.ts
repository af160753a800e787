import { createTestDatabase, SEED_NOW, SHOP_TZ, type TestDatabase } from './support/database';
import { seedDemoShop } from '../services/db/seed';

async function counts(db: TestDatabase) {
  const p = db.prisma;
  return {
    shops: await p.shop.count(),
    hours: await p.openingHours.count(),
    calendar: await p.workingCalendarDay.count(),
    bays: await p.serviceBay.count(),
    technicians: await p.technician.count(),
    advisors: await p.advisor.count(),
    catalog: await p.serviceCatalogItem.count(),
    catalogParts: await p.serviceCatalogPart.count(),
    parts: await p.part.count(),
  };
}

describe('demo seed', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ seed: true });
  });
  afterAll(async () => {
    await db.close();
  });

  it('creates a realistic shop', async () => {
    const c = await counts(db);
    expect(c.shops).toBe(1);
    expect(c.bays).toBe(4);
    expect(c.advisors).toBeGreaterThanOrEqual(2);
    expect(c.technicians).toBeGreaterThanOrEqual(3);
    expect(c.catalog).toBeGreaterThanOrEqual(12);
    expect(c.hours).toBe(6);
    const names = (await db.prisma.serviceCatalogItem.findMany()).map((i) => i.nameZh);
    for (const name of ['首保', '常规保养', '更换机油机滤', '更换前刹车片', '更换空调滤芯', '轮胎换位', '四轮定位', '更换蓄电池']) expect(names).toContain(name);
    const shop = await db.prisma.shop.findFirstOrThrow();
    expect(shop.timeZone).toBe(SHOP_TZ);
    expect(shop.labourRateFen).toBe(30_000);
    // Next year's holidays and make-up working days.
    const holidays = await db.prisma.workingCalendarDay.findMany({ where: { date: { gte: new Date('2027-01-01'), lt: new Date('2028-01-01') } } });
    expect(holidays.some((d) => d.kind === 'HOLIDAY' && d.name === '春节')).toBe(true);
    expect(holidays.some((d) => d.kind === 'WORKDAY')).toBe(true);
    const shortPart = await db.prisma.part.findFirstOrThrow({ where: { sku: 'BRK-PAD-R' } });
    expect(Number(shortPart.stockQty)).toBe(0);
    expect(shortPart.restockDate).not.toBeNull();
  });

  it('is idempotent and leaves edited rows as the shop changed them', async () => {
    const before = await counts(db);
    await db.prisma.part.update({ where: { shopId_sku: { shopId: (await db.prisma.shop.findFirstOrThrow()).id, sku: 'FLT-OIL-01' } }, data: { unitPriceFen: 7_500 } });
    const result = await seedDemoShop(db.prisma, { timeZone: SHOP_TZ, now: SEED_NOW });
    expect(result.created).toBe(false);
    expect(await counts(db)).toEqual(before);
    expect((await db.prisma.part.findFirstOrThrow({ where: { sku: 'FLT-OIL-01' } })).unitPriceFen).toBe(7_500);
  });

  it('completes a seed that was interrupted', async () => {
    await db.prisma.serviceBay.deleteMany({ where: { name: '4号四轮定位工位' } });
    await seedDemoShop(db.prisma, { timeZone: SHOP_TZ, now: SEED_NOW });
    expect(await db.prisma.serviceBay.count()).toBe(4);
  });
});
