import type { Tx, Json } from './internal';

/**
 * What the customer must be told, enqueued as a durable Job in the same transaction as
 * the change: facts only (ids, instants as ISO strings, fen). The handler registered for
 * CUSTOMER_NOTICE_JOB_KIND words it in the customer's language and sends it on the channel
 * they last used. A notice is enqueued once (dedupe key per event).
 */
export const CUSTOMER_NOTICE_JOB_KIND = 'customer.notice';

interface NoticeBase {
  customerId: string;
  repairOrderId: string;
  number: string;
  plate: string;
}

export type CustomerNotice =
  | (NoticeBase & { notice: 'ro.checked-in'; advisor: { id: string; name: string } | null; promisedAt: string | null; checkedInAt: string })
  | (NoticeBase & {
      notice: 'ro.awaiting-approval';
      requestId: string;
      version: number;
      versionHash: string;
      /** Items waiting for a decision in this version, and their price together. */
      pendingItems: number;
      pendingTotalFen: number;
      /** A later version: earlier consent for changed items no longer counts. */
      revised: boolean;
      expiresAt: string;
    })
  | (NoticeBase & { notice: 'ro.ready'; totalFen: number; readyAt: string; shop: { name: { zh: string; en: string }; address: string | null; phone: string | null } })
  | (NoticeBase & { notice: 'ro.delivered'; totalFen: number; deliveredAt: string })
  | (NoticeBase & { notice: 'ro.promise-moved'; previousPromisedAt: string | null; promisedAt: string; reason: string })
  | (NoticeBase & {
      notice: 'ro.decided-on-behalf';
      advisor: { id: string; name: string };
      reason: string;
      decisions: Array<{ itemId: string; title: { zh: string; en: string }; decision: 'APPROVED' | 'DEFERRED' | 'DECLINED'; priceFen: number }>;
    })
  // Follow-up (issue 10; services/follow-up): not about one repair order, so without NoticeBase.
  /** A confirmed booking not checked in: offer a new time. */
  | { notice: 'booking.no-show'; customerId: string; bookingId: string; ref: string; startsAt: string; plate: string }
  /** Maintenance falls due (定期保养提醒); earlier deferred/declined work rides along. */
  | {
      notice: 'maintenance.due';
      customerId: string;
      vehicleId: string;
      plate: string;
      services: Array<{ catalogItemId: string; zh: string; en: string; dueBy: 'date' | 'mileage' | 'both'; dueDate?: string; dueKm?: number }>;
      carried: Array<{ itemId: string; zh: string; en: string; priceFen: number; repairOrderNumber: string }>;
      /** 1 for the first reminder of every service in it, 2 (up to Shop.maintenanceMaxReminders) for a repeat. */
      reminderNumber: number;
    }
  /** The satisfaction survey (回访) is open: the handler starts the survey conversation. */
  | { notice: 'survey.invite'; customerId: string; surveyId: string; repairOrderId: string; number: string; plate: string }
  /**
   * Who will contact the customer about their complaint and by when (ISO instant); `restated`:
   * the earlier promise passed without the call, this is the new one. advisorName is null only
   * in a shop without staff.
   */
  | { notice: 'complaint.followup'; customerId: string; complaintId: string; advisorName: string | null; dueAt: string; restated: boolean };

export type CustomerNoticeKind = CustomerNotice['notice'];

export async function enqueueNotice(tx: Tx, notice: CustomerNotice, input: { now: Date; dedupeKey: string }): Promise<void> {
  await tx.job.upsert({
    where: { dedupeKey: input.dedupeKey },
    create: { kind: CUSTOMER_NOTICE_JOB_KIND, payload: notice as unknown as Json, runAt: input.now, dedupeKey: input.dedupeKey },
    update: {},
  });
}
