import { Conversation, freshCustomer, registerCustomer, useBot } from './support/conversation';
import { FROZEN_NOW } from './support/app';

/** 我的预约: a customer lists, reschedules and cancels their own bookings, and only those. */
describe('my bookings dialog', () => {
  const h = useBot(() => FROZEN_NOW);

  async function customerWithBooking(when = '下周二上午10点') {
    const c = new Conversation(h.bot);
    const { customer, plate } = await registerCustomer(h.db, c, { name: '周先生' });
    expect(await c.say(`${when}做常规保养`)).toContain('请确认预约');
    expect(await c.say('1')).toContain('预约成功');
    const booking = await h.db.prisma.booking.findFirstOrThrow({ where: { customerId: customer.id } });
    return { c, customer, booking, plate };
  }

  it('lists the booking and reschedules it; the old slot is free again', async () => {
    const { c, booking } = await customerWithBooking();
    const list = await c.say('我的预约');
    expect(list).toContain('12月1日（周二）10:00');
    expect(list).toContain('1. 改期');
    expect(await c.say('改期')).toMatch(/预约 \w{6} 想改到什么时间/);
    const offer = await c.say('下周四上午10点');
    expect(offer).toMatch(/从 12月1日（周二）10:00 改到 12月3日（周四）10:00，确认吗/);
    expect(await c.say('1')).toMatch(/已改期.*12月3日（周四）\s*10:00/);
    const moved = await h.db.prisma.booking.findUniqueOrThrow({ where: { id: booking.id } });
    expect(moved.startsAt.toISOString()).toBe('2026-12-03T02:00:00.000Z');
    const oldSlot = await h.db.prisma.bayOccupancy.count({ where: { bookingId: booking.id, slotStart: new Date('2026-12-01T02:00:00Z') } });
    expect(oldSlot).toBe(0);
  });

  it('a bare time at the reschedule offer means the day on the table, as when booking', async () => {
    const { c } = await customerWithBooking('下周二下午3点');
    await c.say('我的预约');
    await c.say('改期');
    expect(await c.say('下周四上午')).toMatch(/1\. 12月3日（周四）/);
    expect(await c.say('11点')).toMatch(/改到 12月3日（周四）11:00，确认吗/);
  });

  it('cancels with a reason and frees the slot at once', async () => {
    const { c, booking } = await customerWithBooking('下周三下午2点');
    await c.say('我的预约');
    expect(await c.say('2')).toContain('确认取消');
    expect(await c.say('是')).toContain('取消的原因');
    expect(await c.say('临时出差')).toContain('已取消预约');
    const cancelled = await h.db.prisma.booking.findUniqueOrThrow({ where: { id: booking.id } });
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancelReason: '临时出差' });
    expect(await h.db.prisma.bayOccupancy.count({ where: { bookingId: booking.id } })).toBe(0);
    expect(await h.db.prisma.job.findFirstOrThrow({ where: { dedupeKey: `booking-reminder:${booking.id}` } })).toMatchObject({ status: 'CANCELLED' });
    expect(await c.say('我的预约')).toContain('没有待到店的预约');
  });

  it('"no" at the cancel confirmation keeps the booking', async () => {
    const { c, booking } = await customerWithBooking('下周五上午9点');
    await c.say('我的预约');
    await c.say('取消预约');
    await c.say('否');
    expect((await h.db.prisma.booking.findUniqueOrThrow({ where: { id: booking.id } })).status).toBe('CONFIRMED');
  });

  it("never shows another customer's bookings", async () => {
    const a = await customerWithBooking('12月7日上午10点');
    const b = await customerWithBooking('12月8日上午10点');
    const listA = await a.c.say('我的预约');
    expect(listA).toContain(a.plate);
    expect(listA).not.toContain(b.plate);
    expect(listA).not.toContain('12月8日');
  });

  it('says so when there is nothing booked', async () => {
    const c = new Conversation(h.bot);
    const shop = await h.db.prisma.shop.findFirstOrThrow();
    const { mobile } = freshCustomer();
    const customer = await h.db.prisma.customer.create({ data: { shopId: shop.id, name: '吴女士', mobile } });
    await h.db.prisma.channelIdentity.create({ data: { channel: 'test', externalId: c.userId, customerId: customer.id } });
    expect(await c.say('my bookings')).toContain('You have no upcoming bookings');
  });
});
