import type { PrismaClient } from '../../services/db/client';
import { zonedInstant } from '../../services/time';

/**
 * The fixed data set of the KPI tests: November 2026 in the seeded demo shop (Asia/Shanghai,
 * labour ¥300/h, VAT 13 %), written row by row so every expected figure in
 * tests/kpi.test.ts can be worked out by hand from this file. Times are shop-local.
 *
 * Advisors: A = 张敏, B = 李强, M = 王经理 (manager). "U" rows have no advisor: they count
 * for the shop only. Rows marked OUT lie outside 2026-11-01…2026-11-30 in Shanghai (some
 * are inside it in UTC) and must count nowhere.
 *
 * Repair orders (lines: quantity × unit price; pricing by calculateCosts):
 *   A1  booking, in 11-03 09:00, settled 11-03, delivered 11-03   labour 1.5×30000 + part 4×9800, customer
 *   A2  walk-in, in 11-10, settled 11-10, AMENDED 11-11, deliv. 11-11  labour 2×30000 + part 1×78000 warranty by rule,
 *                                                                  part 1×6800 customer (replaces a CORRECTED 1×5000 line)
 *   A3  booking, in 11-17, settled 11-17, delivered 11-17          labour 1×30000 goodwill 100 %, part 2×12800 goodwill 50 %
 *   A4  booking, in 11-24, settled 11-24, delivered 11-24          labour 1×30000 internal
 *   A5  booking, in 11-26, settled 11-26, RE-OPENED 11-26          not delivered
 *   A6  walk-in, in 11-28, CANCELLED
 *   A7  walk-in, in 10-31 17:00 (OUT), settled 10-31 (OUT), delivered 11-02  labour 0.5×30000 customer, discount 10 %
 *   B1  booking, in 11-05, settled 11-05, delivered 11-05          labour 1×30000 + part 1×58000 customer, discount ¥80
 *   B2  walk-in, in 11-12, settled 11-12, AMENDED 11-13, deliv. 11-13  labour 0.5×30000 + part 1×16800 customer
 *   B3  walk-in, in 11-19, in progress
 *   B4  booking, in 12-01 07:30 (OUT; 11-30 23:30 UTC)
 *   U1  walk-in, no advisor, in 11-20
 *   U2  walk-in, no advisor, in 10-30 (OUT), delivered 11-04: a WARRANTY line on a vehicle whose
 *       warranty has since been recorded as ended, so the pricing function refuses it
 */

export const NOVEMBER = { from: '2026-11-01', to: '2026-11-30' } as const;
/** 10:00 on 1 December: everything in November is in the past. */
export const REPORT_NOW = local('2026-12-01 10:00');

export function local(text: string): Date {
  const [date, time] = text.split(' ');
  const [h, m] = time.split(':').map(Number);
  return zonedInstant(date, h * 60 + m, 'Asia/Shanghai');
}

export interface KpiDataset {
  shopId: string;
  advisors: { A: string; B: string; M: string };
  orders: Record<string, string>;
}

const HASH = (n: number) => n.toString(16).padStart(64, '0');

export async function buildKpiDataset(prisma: PrismaClient): Promise<KpiDataset> {
  const shop = await prisma.shop.findFirstOrThrow({ where: { code: 'DEMO' } });
  const shopId = shop.id;
  const byName = async (name: string) => (await prisma.advisor.findFirstOrThrow({ where: { shopId, name } })).id;
  const advisors = { A: await byName('张敏'), B: await byName('李强'), M: await byName('王经理') };
  // An operation the manufacturer's warranty covers (the demo catalogue has none).
  const warrantyOp = await prisma.serviceCatalogItem.create({
    data: { shopId, code: 'WTY-ELEC', nameZh: '电气故障保修', nameEn: 'Electrical fault (warranty)', aliases: [], labourMinutes: 120, warrantyCovered: true },
  });

  let n = 0;
  const customer = async (advisorId: string | null, warrantyEnd = '2028-12-31') => {
    n++;
    const c = await prisma.customer.create({ data: { shopId, name: `KPI客户${n}`, mobile: `1370000${String(n).padStart(4, '0')}`, advisorId } });
    const v = await prisma.vehicle.create({
      data: { shopId, customerId: c.id, plate: `沪K${String(n).padStart(5, '0')}`, mileageKm: 20_000, warrantyEndDate: new Date(`${warrantyEnd}T00:00:00Z`), warrantyEndKm: 100_000 },
    });
    return { customerId: c.id, vehicleId: v.id };
  };
  const booking = async (who: { customerId: string; vehicleId: string }, startsAt: string, status: 'CONFIRMED' | 'CHECKED_IN' | 'COMPLETED' | 'CANCELLED' | 'NO_SHOW') => {
    const start = local(startsAt);
    const b = await prisma.booking.create({ data: { shopId, ...who, status, startsAt: start, endsAt: new Date(start.getTime() + 90 * 60_000), channel: 'wechat' } });
    return b.id;
  };

  type Line = { kind: 'LABOUR' | 'PART'; qty: string; price: number; payer?: 'CUSTOMER' | 'WARRANTY' | 'GOODWILL' | 'INTERNAL' | null; pct?: number; warrantyOp?: boolean; status?: 'ACTIVE' | 'CORRECTED' };
  const orders: Record<string, string> = {};
  const order = async (
    key: string,
    o: {
      advisorId: string | null;
      who: { customerId: string; vehicleId: string };
      bookingId?: string;
      status: 'CHECKED_IN' | 'IN_PROGRESS' | 'READY' | 'DELIVERED' | 'CLOSED' | 'CANCELLED';
      checkedIn: string;
      settled?: string;
      amended?: string;
      delivered?: string;
      discountBp?: number;
      discountFen?: number;
      lines?: Line[];
    },
  ) => {
    const checkedInAt = local(o.checkedIn);
    const number = `RO-${o.checkedIn.slice(0, 10).replace(/-/g, '')}-${String(Object.keys(orders).length + 1).padStart(4, '0')}`;
    const row = await prisma.repairOrder.create({
      data: {
        shopId,
        number,
        bookingId: o.bookingId ?? null,
        customerId: o.who.customerId,
        vehicleId: o.who.vehicleId,
        advisorId: o.advisorId,
        status: o.status,
        concern: '保养',
        mileageInKm: 30_000,
        checkedInAt,
        settledAt: o.settled ? local(o.settled) : null,
        amendedAfterSettlementAt: o.amended ? local(o.amended) : null,
        reopenCount: key === 'A5' ? 1 : 0,
        deliveredAt: o.delivered ? local(o.delivered) : null,
        cancelledAt: o.status === 'CANCELLED' ? new Date(checkedInAt.getTime() + 3_600_000) : null,
        cancelReason: o.status === 'CANCELLED' ? '客户改期' : null,
        discountBp: o.discountBp ?? 0,
        discountFen: o.discountFen ?? 0,
      },
    });
    for (const [i, l] of (o.lines ?? []).entries()) {
      await prisma.repairOrderLine.create({
        data: {
          repairOrderId: row.id,
          kind: l.kind,
          catalogItemId: l.warrantyOp ? warrantyOp.id : null,
          descriptionZh: `项目${i + 1}`,
          descriptionEn: `Item ${i + 1}`,
          quantity: l.qty,
          unitPriceFen: l.price,
          payer: l.payer ?? null,
          coveragePercent: l.pct ?? null,
          status: l.status ?? 'ACTIVE',
          createdAt: new Date(checkedInAt.getTime() + i * 60_000),
        },
      });
    }
    orders[key] = row.id;
    return row.id;
  };

  // ───── advisor A (张敏) ─────
  const a1 = await customer(advisors.A);
  await order('A1', {
    advisorId: advisors.A, who: a1, bookingId: await booking(a1, '2026-11-03 09:00', 'COMPLETED'), status: 'CLOSED',
    checkedIn: '2026-11-03 09:00', settled: '2026-11-03 15:00', delivered: '2026-11-03 17:00',
    lines: [{ kind: 'LABOUR', qty: '1.5', price: 30_000 }, { kind: 'PART', qty: '4', price: 9_800 }],
  });
  const a2 = await customer(advisors.A);
  await order('A2', {
    advisorId: advisors.A, who: a2, status: 'DELIVERED',
    checkedIn: '2026-11-10 10:00', settled: '2026-11-10 16:00', amended: '2026-11-11 09:00', delivered: '2026-11-11 11:00',
    lines: [
      { kind: 'LABOUR', qty: '2', price: 30_000, warrantyOp: true },
      { kind: 'PART', qty: '1', price: 78_000, warrantyOp: true },
      { kind: 'PART', qty: '1', price: 5_000, status: 'CORRECTED' },
      { kind: 'PART', qty: '1', price: 6_800 },
    ],
  });
  const a3 = await customer(advisors.A);
  await order('A3', {
    advisorId: advisors.A, who: a3, bookingId: await booking(a3, '2026-11-17 09:30', 'COMPLETED'), status: 'DELIVERED',
    checkedIn: '2026-11-17 09:30', settled: '2026-11-17 14:00', delivered: '2026-11-17 16:00',
    lines: [{ kind: 'LABOUR', qty: '1', price: 30_000, payer: 'GOODWILL' }, { kind: 'PART', qty: '2', price: 12_800, payer: 'GOODWILL', pct: 50 }],
  });
  const a4 = await customer(advisors.A);
  await order('A4', {
    advisorId: advisors.A, who: a4, bookingId: await booking(a4, '2026-11-24 10:00', 'COMPLETED'), status: 'DELIVERED',
    checkedIn: '2026-11-24 10:00', settled: '2026-11-24 15:00', delivered: '2026-11-24 17:30',
    lines: [{ kind: 'LABOUR', qty: '1', price: 30_000, payer: 'INTERNAL' }],
  });
  const a5 = await customer(advisors.A);
  await order('A5', {
    advisorId: advisors.A, who: a5, bookingId: await booking(a5, '2026-11-26 09:00', 'CHECKED_IN'), status: 'IN_PROGRESS',
    checkedIn: '2026-11-26 09:00', settled: '2026-11-26 12:00', amended: '2026-11-26 13:00',
    lines: [{ kind: 'LABOUR', qty: '1', price: 30_000 }],
  });
  const a6 = await customer(advisors.A);
  await order('A6', { advisorId: advisors.A, who: a6, status: 'CANCELLED', checkedIn: '2026-11-28 10:00' });
  const a7 = await customer(advisors.A);
  await order('A7', {
    advisorId: advisors.A, who: a7, status: 'DELIVERED', discountBp: 1000,
    checkedIn: '2026-10-31 17:00', settled: '2026-10-31 17:50', delivered: '2026-11-02 09:00',
    lines: [{ kind: 'LABOUR', qty: '0.5', price: 30_000 }],
  });
  // Bookings of A's customers that became no repair order.
  await booking(a1, '2026-11-06 10:00', 'NO_SHOW');
  await booking(a2, '2026-11-20 14:00', 'NO_SHOW');
  await booking(a3, '2026-11-30 15:00', 'CONFIRMED'); // not marked yet: undecided
  await booking(a4, '2026-12-01 07:00', 'NO_SHOW'); // OUT: 30 November 23:00 in UTC, 1 December in Shanghai

  // ───── advisor B (李强) ─────
  const b1 = await customer(advisors.B);
  await order('B1', {
    advisorId: advisors.B, who: b1, bookingId: await booking(b1, '2026-11-05 09:00', 'COMPLETED'), status: 'CLOSED', discountFen: 8_000,
    checkedIn: '2026-11-05 09:00', settled: '2026-11-05 15:00', delivered: '2026-11-05 16:00',
    lines: [{ kind: 'LABOUR', qty: '1', price: 30_000 }, { kind: 'PART', qty: '1', price: 58_000 }],
  });
  const b2 = await customer(advisors.B);
  await order('B2', {
    advisorId: advisors.B, who: b2, status: 'DELIVERED',
    checkedIn: '2026-11-12 14:00', settled: '2026-11-12 17:00', amended: '2026-11-13 10:00', delivered: '2026-11-13 11:00',
    lines: [{ kind: 'LABOUR', qty: '0.5', price: 30_000 }, { kind: 'PART', qty: '1', price: 16_800 }],
  });
  const b3 = await customer(advisors.B);
  await order('B3', { advisorId: advisors.B, who: b3, status: 'IN_PROGRESS', checkedIn: '2026-11-19 10:00', lines: [{ kind: 'LABOUR', qty: '1', price: 30_000 }] });
  const b4 = await customer(advisors.B);
  await order('B4', { advisorId: advisors.B, who: b4, bookingId: await booking(b4, '2026-12-01 08:30', 'CHECKED_IN'), status: 'CHECKED_IN', checkedIn: '2026-12-01 07:30' });
  await booking(b1, '2026-11-13 09:00', 'NO_SHOW');
  await booking(b2, '2026-11-18 10:00', 'CANCELLED');

  // ───── no advisor ─────
  const u1 = await customer(null);
  await order('U1', { advisorId: null, who: u1, status: 'CHECKED_IN', checkedIn: '2026-11-20 11:00' });
  await booking(u1, '2026-11-27 10:00', 'NO_SHOW');
  const u2 = await customer(null, '2025-12-31');
  await order('U2', {
    advisorId: null, who: u2, status: 'DELIVERED',
    checkedIn: '2026-10-30 10:00', settled: '2026-10-30 15:00', delivered: '2026-11-04 10:00',
    lines: [{ kind: 'LABOUR', qty: '1', price: 30_000, payer: 'WARRANTY', warrantyOp: true }],
  });

  // ───── extra work: items with their last decision (price as shown, tax included) ─────
  let hash = 0;
  const extraWork = async (
    orderKey: string,
    requestAdvisorId: string | null,
    items: Array<{ status: 'APPROVED' | 'DEFERRED' | 'DECLINED' | 'PENDING' | 'WITHDRAWN'; decisions: Array<{ decision: 'APPROVED' | 'DEFERRED' | 'DECLINED'; priceFen: number; at: string }> }>,
  ) => {
    const ro = await prisma.repairOrder.findUniqueOrThrow({ where: { id: orders[orderKey] } });
    const createdAt = new Date(ro.checkedInAt.getTime() + 30 * 60_000);
    const request = await prisma.extraWorkRequest.create({ data: { repairOrderId: ro.id, advisorId: requestAdvisorId, createdAt, expiresAt: new Date(createdAt.getTime() + 7_200_000), currentVersion: 1 } });
    const version = await prisma.extraWorkVersion.create({ data: { requestId: request.id, number: 1, hash: HASH(++hash), shown: {}, totalFen: 0, actorType: 'advisor', actorId: requestAdvisorId, createdAt } });
    for (const [position, item] of items.entries()) {
      const last = item.decisions.at(-1);
      const row = await prisma.extraWorkItem.create({
        data: {
          requestId: request.id, position: position + 1, titleZh: `追加${position + 1}`, titleEn: `Extra ${position + 1}`, urgency: 'YELLOW', reason: '磨损',
          status: item.status, revision: Math.max(1, item.decisions.length), decidedAt: last && item.status !== 'PENDING' && item.status !== 'WITHDRAWN' ? local(last.at) : null,
        },
      });
      for (const [i, d] of item.decisions.entries()) {
        await prisma.extraWorkDecision.create({
          data: {
            itemId: row.id, itemRevision: i + 1, versionId: version.id, versionHash: version.hash, itemHash: HASH(++hash), decision: d.decision,
            customerId: ro.customerId, advisorId: ro.advisorId ?? advisors.M, onBehalfReason: '电话确认', channel: 'phone', priceFen: d.priceFen, decidedAt: local(d.at),
          },
        });
      }
    }
  };
  await extraWork('A1', advisors.A, [
    { status: 'APPROVED', decisions: [{ decision: 'APPROVED', priceFen: 99_440, at: '2026-11-03 11:00' }] },
    { status: 'DECLINED', decisions: [{ decision: 'DECLINED', priceFen: 33_900, at: '2026-11-03 11:05' }] },
  ]);
  await extraWork('A3', advisors.A, [{ status: 'DEFERRED', decisions: [{ decision: 'DEFERRED', priceFen: 22_600, at: '2026-11-17 11:00' }] }]);
  await extraWork('A5', advisors.A, [
    { status: 'APPROVED', decisions: [{ decision: 'APPROVED', priceFen: 11_300, at: '2026-11-26 10:00' }] },
    { status: 'PENDING', decisions: [] }, // not decided: counts nowhere
    { status: 'WITHDRAWN', decisions: [] }, // withdrawn by the advisor: counts nowhere
  ]);
  await extraWork('A7', advisors.A, [{ status: 'APPROVED', decisions: [{ decision: 'APPROVED', priceFen: 50_000, at: '2026-10-31 17:30' }] }]); // OUT
  // The request names no advisor: the order's advisor (B) is credited.
  await extraWork('B1', null, [{ status: 'APPROVED', decisions: [{ decision: 'APPROVED', priceFen: 56_500, at: '2026-11-05 11:00' }] }]);
  await extraWork('B2', advisors.B, [
    { status: 'DECLINED', decisions: [{ decision: 'DECLINED', priceFen: 45_200, at: '2026-11-12 15:00' }] },
    // Approved, then re-priced and approved again: the last decision's price counts.
    { status: 'APPROVED', decisions: [{ decision: 'APPROVED', priceFen: 22_600, at: '2026-11-12 15:10' }, { decision: 'APPROVED', priceFen: 28_250, at: '2026-11-12 16:00' }] },
  ]);

  // ───── surveys: "overall" 1–5 and "recommend" 0–10, with a CSI factor and a comment that do not count ─────
  const survey = async (orderKey: string, answeredAt: string, scores: Record<string, number | null>) => {
    const ro = await prisma.repairOrder.findUniqueOrThrow({ where: { id: orders[orderKey] } });
    const s = await prisma.survey.create({ data: { shopId, repairOrderId: ro.id, customerId: ro.customerId, status: 'ANSWERED', scheduledAt: local(answeredAt), sentAt: local(answeredAt), answeredAt: local(answeredAt) } });
    for (const [question, score] of Object.entries(scores)) {
      await prisma.surveyResponse.create({ data: { surveyId: s.id, question, score, comment: score === null ? '师傅很专业' : null, answeredAt: local(answeredAt) } });
    }
  };
  await survey('A1', '2026-11-04 10:00', { overall: 5, recommend: 10, advisor: 5 });
  await survey('A2', '2026-11-12 10:00', { overall: 4, recommend: 8 });
  await survey('A3', '2026-11-18 10:00', { overall: 2, recommend: 3, comment: null });
  await survey('A4', '2026-11-25 10:00', { overall: 5 }); // stopped after the first question
  await survey('A7', '2026-11-03 10:00', { overall: 4, recommend: 10 });
  await survey('B1', '2026-11-06 10:00', { overall: 3, recommend: 6 });
  await survey('B2', '2026-11-14 10:00', { overall: 4, recommend: 9 });
  await survey('U2', '2026-10-31 10:00', { overall: 1, recommend: 0 }); // OUT

  // ───── complaints ─────
  const complaint = async (o: { advisorId: string | null; orderKey?: string; severity: 'NORMAL' | 'MAJOR'; at: string; who: { customerId: string } }) =>
    prisma.complaint.create({
      data: { shopId, customerId: o.who.customerId, repairOrderId: o.orderKey ? orders[o.orderKey] : null, advisorId: o.advisorId, severity: o.severity, source: 'survey', description: '不满意', openedAt: local(o.at) },
    });
  await complaint({ advisorId: advisors.A, orderKey: 'A3', severity: 'NORMAL', at: '2026-11-18 10:05', who: a3 });
  await complaint({ advisorId: null, orderKey: 'A3', severity: 'MAJOR', at: '2026-11-19 09:00', who: a3 }); // credited to A through the order
  await complaint({ advisorId: advisors.B, orderKey: 'B2', severity: 'NORMAL', at: '2026-11-14 11:00', who: b2 });
  await complaint({ advisorId: null, severity: 'NORMAL', at: '2026-11-21 15:00', who: u1 }); // shop only
  await complaint({ advisorId: advisors.B, severity: 'MAJOR', at: '2026-10-30 12:00', who: b1 }); // OUT

  // ───── advisor tasks ─────
  const task = async (advisorId: string | null, status: 'OPEN' | 'DONE' | 'CANCELLED', due: string, completed?: string) =>
    prisma.advisorTask.create({ data: { shopId, advisorId, kind: 'OTHER', status, title: '回访', dueAt: local(due), completedAt: completed ? local(completed) : null } });
  await task(advisors.A, 'DONE', '2026-11-04 18:00', '2026-11-04 16:00'); // on time
  await task(advisors.A, 'DONE', '2026-11-10 12:00', '2026-11-10 15:00'); // late
  await task(advisors.A, 'OPEN', '2026-11-25 18:00'); // overdue
  await task(advisors.A, 'DONE', '2026-11-30 18:00', '2026-11-30 18:00'); // on time to the minute
  await task(advisors.A, 'OPEN', '2026-12-01 09:00'); // OUT
  await task(advisors.B, 'DONE', '2026-11-14 18:00', '2026-11-14 09:00'); // on time
  await task(advisors.B, 'CANCELLED', '2026-11-15 18:00'); // counts nowhere
  await task(advisors.M, 'DONE', '2026-11-19 20:00', '2026-11-19 19:00'); // on time: brings the manager into the list
  await task(null, 'OPEN', '2026-11-28 12:00'); // overdue, shop only

  // ───── targets ─────
  const target = (advisorId: string, month: string, repairOrders: number, paidVisits: number, revenueFen: number) =>
    prisma.advisorTarget.create({ data: { advisorId, month, repairOrders, paidVisits, revenueFen, setBy: 'test' } });
  await target(advisors.A, '2026-11', 6, 4, 300_000);
  await target(advisors.B, '2026-11', 5, 3, 200_000);
  await target(advisors.A, '2026-10', 10, 6, 310_000);
  await target(advisors.A, '2026-12', 7, 5, 999_999); // OUT

  return { shopId, advisors, orders };
}
