import type { PrismaClient } from '../db/client';
import { costLine, pricingContext } from '../repair-orders/pricing';
import { dayRange, monthsOf } from './range';
import { SURVEY_OVERALL_QUESTION, SURVEY_RECOMMEND_QUESTION, type KpiRecords, type OrderRecord, type SurveyAnswerRecord } from './types';

/**
 * Reads everything the KPIs of a range need, read-only, into plain records (types.ts). The
 * dating and attribution rules live in calculate.ts; this only fetches what could match.
 */
export async function loadKpiRecords(prisma: PrismaClient, input: { shopId: string; from: string; to: string }): Promise<KpiRecords> {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { id: input.shopId } });
  const range = dayRange(input.from, input.to, shop.timeZone);
  const inRange = { gte: range.start, lt: range.end };
  const shopId = shop.id;

  const advisors = await prisma.advisor.findMany({ where: { shopId }, orderBy: [{ role: 'asc' }, { name: 'asc' }], select: { id: true, name: true, role: true, active: true } });

  const orders = await prisma.repairOrder.findMany({
    where: { shopId, OR: [{ checkedInAt: inRange }, { settledAt: inRange }, { deliveredAt: inRange }] },
    include: { vehicle: { select: { warrantyEndDate: true, warrantyEndKm: true } } },
    orderBy: [{ checkedInAt: 'asc' }, { id: 'asc' }],
  });
  const deliveredIds = new Set(orders.filter((o) => o.deliveredAt && o.deliveredAt >= range.start && o.deliveredAt < range.end).map((o) => o.id));
  const lines = deliveredIds.size
    ? await prisma.repairOrderLine.findMany({
        where: { repairOrderId: { in: [...deliveredIds] }, status: 'ACTIVE' },
        include: { catalogItem: { select: { warrantyCovered: true, code: true } } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      })
    : [];
  const linesOf = new Map<string, typeof lines>();
  for (const line of lines) linesOf.set(line.repairOrderId, [...(linesOf.get(line.repairOrderId) ?? []), line]);
  const shopPricing = { taxRateBp: shop.taxRateBp, labourRateFen: shop.labourRateFen, timeZone: shop.timeZone };
  const orderRecords: OrderRecord[] = orders.map((o) => {
    let pricing: OrderRecord['pricing'] = null;
    if (deliveredIds.has(o.id)) {
      // The same input priceOrder gives the pricing function: the order's active lines, its
      // warranty on the check-in day and its discount.
      const context = pricingContext({ ...o, shop: shopPricing });
      pricing = { lines: (linesOf.get(o.id) ?? []).map(costLine), taxRateBp: context.taxRateBp, warranty: context.warranty, discount: context.discount };
    }
    return {
      id: o.id,
      number: o.number,
      advisorId: o.advisorId,
      fromBooking: o.bookingId !== null,
      status: o.status,
      checkedInAt: o.checkedInAt,
      settledAt: o.settledAt,
      amendedAfterSettlementAt: o.amendedAfterSettlementAt,
      deliveredAt: o.deliveredAt,
      pricing,
    };
  });

  const bookings = await prisma.booking.findMany({
    where: { shopId, startsAt: inRange },
    select: { id: true, status: true, startsAt: true, customer: { select: { advisorId: true } }, repairOrder: { select: { advisorId: true } } },
  });

  const items = await prisma.extraWorkItem.findMany({
    where: { status: { in: ['APPROVED', 'DEFERRED', 'DECLINED'] }, decidedAt: inRange, request: { repairOrder: { shopId } } },
    select: {
      id: true,
      status: true,
      decidedAt: true,
      request: { select: { advisorId: true, repairOrder: { select: { advisorId: true } } } },
      decisions: { orderBy: [{ decidedAt: 'desc' }, { itemRevision: 'desc' }], take: 1, select: { priceFen: true } },
    },
  });

  const answers = await prisma.surveyResponse.findMany({
    where: { question: { in: [SURVEY_OVERALL_QUESTION, SURVEY_RECOMMEND_QUESTION] }, score: { not: null }, answeredAt: inRange, survey: { shopId } },
    select: { surveyId: true, question: true, score: true, answeredAt: true, survey: { select: { repairOrder: { select: { advisorId: true } } } } },
  });

  const complaints = await prisma.complaint.findMany({
    where: { shopId, openedAt: inRange },
    select: { id: true, advisorId: true, severity: true, openedAt: true, repairOrder: { select: { advisorId: true } } },
  });

  const tasks = await prisma.advisorTask.findMany({
    where: { shopId, dueAt: inRange, status: { in: ['OPEN', 'DONE'] } },
    select: { id: true, advisorId: true, status: true, dueAt: true, completedAt: true },
  });

  const targets = await prisma.advisorTarget.findMany({
    where: { month: { in: monthsOf(range).map((m) => m.month) }, advisor: { shopId } },
    select: { advisorId: true, month: true, repairOrders: true, paidVisits: true, revenueFen: true },
  });

  return {
    shop: { id: shop.id, code: shop.code, name: shop.name, timeZone: shop.timeZone },
    advisors,
    orders: orderRecords,
    bookings: bookings.map((b) => ({ id: b.id, status: b.status, startsAt: b.startsAt, advisorId: b.repairOrder?.advisorId ?? b.customer.advisorId })),
    extraWork: items
      // An item decided without a stored decision cannot happen (decisions are written with the status); skip rather than guess a value.
      .filter((i) => i.decidedAt && i.decisions.length === 1)
      .map((i) => ({ itemId: i.id, status: i.status as 'APPROVED' | 'DEFERRED' | 'DECLINED', decidedAt: i.decidedAt!, priceFen: i.decisions[0].priceFen, advisorId: i.request.advisorId ?? i.request.repairOrder.advisorId })),
    surveyAnswers: answers.map((a) => ({ surveyId: a.surveyId, question: a.question as SurveyAnswerRecord['question'], score: a.score!, answeredAt: a.answeredAt, advisorId: a.survey.repairOrder.advisorId })),
    complaints: complaints.map((c) => ({ id: c.id, severity: c.severity, openedAt: c.openedAt, advisorId: c.advisorId ?? c.repairOrder?.advisorId ?? null })),
    tasks: tasks.map((t) => ({ id: t.id, advisorId: t.advisorId, status: t.status as 'OPEN' | 'DONE', dueAt: t.dueAt, completedAt: t.completedAt })),
    targets,
  };
}
