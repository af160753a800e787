import { createTestDatabase, type TestDatabase } from './support/database';

/** The model's rules hold in the database itself, whatever code writes to it. */
describe('model constraints', () => {
  let db: TestDatabase;
  let shopId: string;
  let customerId: string;
  beforeAll(async () => {
    db = await createTestDatabase({ seed: true });
    shopId = (await db.prisma.shop.findFirstOrThrow()).id;
    customerId = (await db.prisma.customer.create({ data: { shopId, name: '王先生', mobile: '13812345678' } })).id;
    await db.prisma.vehicle.create({ data: { shopId, customerId, plate: '沪A12345', vin: 'LSVAU2180N2183294' } });
  });
  afterAll(async () => {
    await db.close();
  });

  const code = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'no error';
    } catch (error) {
      return (error as { code?: string }).code ?? String((error as Error).message);
    }
  };

  it('a plate is unique per shop', async () => {
    expect(await code(db.prisma.vehicle.create({ data: { shopId, customerId, plate: '沪A12345' } }))).toBe('P2002');
  });

  it('a VIN is unique per shop', async () => {
    expect(await code(db.prisma.vehicle.create({ data: { shopId, customerId, plate: '沪B99999', vin: 'LSVAU2180N2183294' } }))).toBe('P2002');
  });

  it('a mobile number is one customer per shop', async () => {
    expect(await code(db.prisma.customer.create({ data: { shopId, name: '另一位', mobile: '13812345678' } }))).toBe('P2002');
  });

  it('a channel identity is unique per channel', async () => {
    await db.prisma.channelIdentity.create({ data: { channel: 'wechat', externalId: 'wxid_1' } });
    expect(await code(db.prisma.channelIdentity.create({ data: { channel: 'wechat', externalId: 'wxid_1' } }))).toBe('P2002');
    expect(await code(db.prisma.channelIdentity.create({ data: { channel: 'msteams', externalId: 'wxid_1' } }))).toBe('no error');
  });

  it.each([
    ['part price', () => db.prisma.part.create({ data: { shopId, sku: 'NEG-1', nameZh: '负', nameEn: 'neg', unitPriceFen: -1, stockQty: 1 } })],
    ['labour rate', () => db.prisma.shop.update({ where: { id: shopId }, data: { labourRateFen: -100 } })],
    ['stock', () => db.prisma.part.create({ data: { shopId, sku: 'NEG-2', nameZh: '负', nameEn: 'neg', unitPriceFen: 1, stockQty: -1 } })],
  ])('money and stock are never negative: %s', async (_label, write) => {
    let error: unknown;
    await write().catch((e: unknown) => (error = e));
    // 23514: PostgreSQL's check_violation, raised by the migration's CHECK constraints.
    const cause = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } })?.meta?.driverAdapterError?.cause;
    expect(cause?.originalCode).toBe('23514');
  });

  it('opening hours stay within a day and close after opening', async () => {
    expect(await code(db.prisma.openingHours.create({ data: { shopId, weekday: 8, openMinute: 0, closeMinute: 60 } }))).not.toBe('no error');
    await db.prisma.openingHours.deleteMany({ where: { shopId, weekday: 7 } });
    expect(await code(db.prisma.openingHours.create({ data: { shopId, weekday: 7, openMinute: 600, closeMinute: 500 } }))).not.toBe('no error');
  });

  it('the bay-slot key makes a double booking impossible', async () => {
    const bay = await db.prisma.serviceBay.findFirstOrThrow();
    const vehicle = await db.prisma.vehicle.findFirstOrThrow();
    const mk = () =>
      db.prisma.booking.create({
        data: { shopId, customerId, vehicleId: vehicle.id, startsAt: new Date('2026-12-01T02:00:00Z'), endsAt: new Date('2026-12-01T03:00:00Z') },
      });
    const a = await mk();
    const b = await mk();
    await db.prisma.bayOccupancy.create({ data: { bayId: bay.id, slotStart: new Date('2026-12-01T02:00:00Z'), bookingId: a.id } });
    expect(await code(db.prisma.bayOccupancy.create({ data: { bayId: bay.id, slotStart: new Date('2026-12-01T02:00:00Z'), bookingId: b.id } }))).toBe('P2002');
  });
});
