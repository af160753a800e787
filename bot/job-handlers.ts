import type { PrismaClient } from '../services/db/client';
import type { JobHandler } from '../services/jobs';
import { REMINDER_JOB_KIND } from '../services/booking';
import { callbackDeadline, HANDOFF_TIMEOUT_JOB_KIND } from '../services/handoff';
import { shopCalendar } from '../services/shop-snapshot';
import { APPROVAL_EXPIRY_JOB_KIND, PROMISE_CHECK_JOB_KIND, checkPromise, expireApproval } from '../services/repair-orders';
import { formatLocal } from '../services/time';
import { t, type Locale } from '../dialogs/i18n';
import type { ProactiveMessenger } from './proactive';

/** The identity a customer last wrote from: the channel they are most likely to read. */
async function latestIdentity(prisma: PrismaClient, customerId: string) {
  return prisma.channelIdentity.findFirst({ where: { customerId }, orderBy: { lastInboundAt: { sort: 'desc', nulls: 'last' } } });
}

export function jobHandlers(prisma: PrismaClient, messenger: ProactiveMessenger): Record<string, JobHandler> {
  return {
    /** The evening before a booking: remind the customer, with how to change it. */
    [REMINDER_JOB_KIND]: async (payload) => {
      const booking = await prisma.booking.findUnique({
        where: { id: String(payload.bookingId) },
        include: { customer: true, vehicle: true, shop: true, lines: { include: { catalogItem: true } } },
      });
      if (!booking || booking.status !== 'CONFIRMED') return;
      const identity = await latestIdentity(prisma, booking.customerId);
      if (!identity) return;
      const locale: Locale = booking.customer.locale === 'en' ? 'en' : 'zh';
      const services = booking.lines.map((l) => (locale === 'zh' ? l.catalogItem.nameZh : l.catalogItem.nameEn)).join(locale === 'zh' ? '、' : ', ');
      await messenger.send(
        identity.id,
        t(locale, 'reminder.booking', {
          when: formatLocal(booking.startsAt, booking.shop.timeZone, locale),
          plate: booking.vehicle.plate,
          services,
          shop: locale === 'zh' ? booking.shop.name : booking.shop.nameEn ?? booking.shop.name,
        }),
      );
    },
    /** Nobody took the handoff in time: promise a call and give the conversation back to the bot. */
    [HANDOFF_TIMEOUT_JOB_KIND]: async (payload, { now }) => {
      const handoff = await prisma.handoff.findUnique({ where: { id: String(payload.handoffId) }, include: { customer: { include: { shop: true } } } });
      if (!handoff || handoff.status !== 'WAITING') return;
      await prisma.handoff.update({ where: { id: handoff.id }, data: { status: 'ENDED', endedAt: now } });
      const identity = await latestIdentity(prisma, handoff.customerId);
      if (!identity) return;
      const shop = handoff.customer.shop;
      const callbackBy = callbackDeadline(await shopCalendar(prisma, shop.id), now);
      const locale: Locale = handoff.customer.locale === 'en' ? 'en' : 'zh';
      await messenger.send(identity.id, t(locale, 'handoff.callback', { when: formatLocal(callbackBy, shop.timeZone, locale) }));
    },
    /** Extra work unanswered for the shop's approval window: an advisor task to call the customer. */
    [APPROVAL_EXPIRY_JOB_KIND]: async (payload, { now }) => {
      await expireApproval(prisma, { requestId: String(payload.requestId), version: Number(payload.version), now });
    },
    /** Shortly before a promised time: a task for the advisor when the car will not be ready. */
    [PROMISE_CHECK_JOB_KIND]: async (payload, { now }) => {
      await checkPromise(prisma, { repairOrderId: String(payload.repairOrderId), promisedAt: String(payload.promisedAt), now });
    },
  };
}
