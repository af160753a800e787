import { z } from 'zod';
import type { PrismaClient } from '../db/client';
import { CUSTOMER_NOTICE_JOB_KIND } from '../repair-orders/notices';
import { inTransaction } from '../repair-orders/internal';
import { SURVEY_SEND_JOB_KIND, surveySendDedupeKey } from './kinds';

/**
 * "不用了 / stop": the customer wants no more follow-up — maintenance-due reminders and
 * satisfaction surveys (and so no advisor call about a due service). News about their own
 * bookings and repair orders (reminders, ready, approvals) still comes: they asked for it.
 * Recorded with when and on which channel; follow-up already queued for them is cancelled,
 * and whatever slips through is dropped at send time (noticeGate).
 */
const optSchema = z.object({
  customerId: z.string().min(1),
  /** Where they said it: "wechat", "msteams", "console", "phone", "api" … */
  channel: z.string().min(1).max(40),
  now: z.date(),
});

export interface OptOutResult {
  /** False when they had opted out already (nothing changed). */
  changed: boolean;
  optedOutAt: Date;
  /** Queued follow-up notices and surveys cancelled now. */
  cancelledNotices: number;
  cancelledSurveys: number;
}

export async function optOut(prisma: PrismaClient, rawInput: z.input<typeof optSchema>): Promise<OptOutResult> {
  const input = optSchema.parse(rawInput);
  return inTransaction(prisma, async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Customer" WHERE id = ${input.customerId} FOR UPDATE`;
    const customer = await tx.customer.findUniqueOrThrow({ where: { id: input.customerId } });
    if (!customer.consentService && customer.serviceOptOutAt) {
      return { changed: false, optedOutAt: customer.serviceOptOutAt, cancelledNotices: 0, cancelledSurveys: 0 };
    }
    await tx.customer.update({ where: { id: customer.id }, data: { consentService: false, serviceOptOutAt: input.now, serviceOptOutChannel: input.channel } });
    const notices = await tx.job.updateMany({
      where: {
        kind: CUSTOMER_NOTICE_JOB_KIND,
        status: 'PENDING',
        AND: [{ payload: { path: ['customerId'], equals: customer.id } }, { OR: [{ payload: { path: ['notice'], equals: 'maintenance.due' } }, { payload: { path: ['notice'], equals: 'survey.invite' } }] }],
      },
      data: { status: 'CANCELLED', finishedAt: input.now },
    });
    const scheduled = await tx.survey.findMany({ where: { customerId: customer.id, status: 'SCHEDULED' }, select: { id: true, repairOrderId: true } });
    await tx.survey.updateMany({ where: { id: { in: scheduled.map((s) => s.id) } }, data: { status: 'CANCELLED' } });
    await tx.job.updateMany({
      where: { kind: SURVEY_SEND_JOB_KIND, status: 'PENDING', dedupeKey: { in: scheduled.map((s) => surveySendDedupeKey(s.repairOrderId)) } },
      data: { status: 'CANCELLED', finishedAt: input.now },
    });
    await tx.auditEvent.create({
      data: { shopId: customer.shopId, actorType: 'customer', actorId: customer.id, action: 'customer.opted-out', entityType: 'Customer', entityId: customer.id, at: input.now, data: { channel: input.channel, cancelledNotices: notices.count, cancelledSurveys: scheduled.length } },
    });
    return { changed: true, optedOutAt: input.now, cancelledNotices: notices.count, cancelledSurveys: scheduled.length };
  });
}

/** The customer wants follow-up again (they asked an advisor, or said so in chat). */
export async function optIn(prisma: PrismaClient, rawInput: z.input<typeof optSchema>): Promise<{ changed: boolean }> {
  const input = optSchema.parse(rawInput);
  return inTransaction(prisma, async (tx) => {
    const updated = await tx.customer.updateMany({ where: { id: input.customerId, consentService: false }, data: { consentService: true, serviceOptOutAt: null, serviceOptOutChannel: null } });
    if (updated.count === 0) return { changed: false };
    const customer = await tx.customer.findUniqueOrThrow({ where: { id: input.customerId }, select: { shopId: true } });
    await tx.auditEvent.create({ data: { shopId: customer.shopId, actorType: 'customer', actorId: input.customerId, action: 'customer.opted-in', entityType: 'Customer', entityId: input.customerId, at: input.now, data: { channel: input.channel } } });
    return { changed: true };
  });
}
