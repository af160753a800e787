import { calculateCosts, CostInputError, type CostBreakdown } from '../costs';
import { dayRange, monthsOf, weeksOf, within, type DayRange } from './range';
import {
  KPI_BASIS,
  MAJOR_COMPLAINT_CEILING_BP,
  SURVEY_OVERALL_QUESTION,
  SURVEY_RECOMMEND_QUESTION,
  type AdvisorFigures,
  type AgainstTarget,
  type KpiFigures,
  type KpiRecords,
  type KpiReport,
  type Money,
  type MonthTarget,
  type Ratio,
  type Revenue,
  type WeekFigures,
} from './types';

/**
 * The KPI figures as a pure function of stored records: nothing here reads the database or
 * the clock, so a test can hand it a fixed data set and a fixed `now`. Revenue goes through
 * the one pricing function (calculateCosts); this file only adds up what it returns.
 */

/** a / b in basis points, halves away from zero (the rounding of costs.ts), in integers. */
export function basisPoints(numerator: number, denominator: number): number | null {
  if (denominator === 0) return null;
  const sign = Math.sign(numerator) * Math.sign(denominator);
  const a = Math.abs(numerator) * 10_000;
  const b = Math.abs(denominator);
  return sign * Math.floor((a * 2 + b) / (b * 2)) || 0;
}

export function ratio(numerator: number, denominator: number): Ratio {
  return { numerator, denominator, bp: basisPoints(numerator, denominator) };
}

function againstTarget(actual: number, target: number | null): AgainstTarget {
  return { actual, target, bp: target === null ? null : basisPoints(actual, target) };
}

/** n × part / whole, halves up: a monthly target's share of the days in the range. */
function prorate(value: number, part: number, whole: number): number {
  return Math.floor((value * part * 2 + whole) / (whole * 2));
}

type Subject = (advisorId: string | null) => boolean;

interface Targets {
  repairOrders: number | null;
  paidVisits: number | null;
  revenueFen: number | null;
}

function emptyMoney(): Money {
  return { labourFen: 0, partsFen: 0, totalFen: 0 };
}

function addTo(money: Money, kind: 'LABOUR' | 'PART', fen: number): void {
  if (kind === 'LABOUR') money.labourFen += fen;
  else money.partsFen += fen;
  money.totalFen += fen;
}

export interface CalculateInput {
  from: string;
  to: string;
  /** Tasks due before `now` and still open count as late; the report is stamped with it. */
  now: Date;
  /** null: the whole shop (a manager's view). */
  advisorId: string | null;
}

export function calculateKpis(records: KpiRecords, input: CalculateInput): KpiReport {
  const { timeZone } = records.shop;
  const range = dayRange(input.from, input.to, timeZone);
  const weeks = weeksOf(range, timeZone);
  const names = new Map(records.advisors.map((a) => [a.id, a.name]));
  if (input.advisorId !== null && !names.has(input.advisorId)) throw new RangeError(`advisor ${input.advisorId} is not one of this shop's advisors`);

  // Each delivered order priced once, by the pricing function.
  const priced = new Map<string, CostBreakdown>();
  const problems: Array<KpiReport['problems'][number] & { advisorId: string | null }> = [];
  for (const order of records.orders) {
    if (!order.pricing || !within(order.deliveredAt, range)) continue;
    try {
      priced.set(order.id, calculateCosts(order.pricing));
    } catch (error) {
      if (!(error instanceof CostInputError)) throw error;
      problems.push({ advisorId: order.advisorId, repairOrderNumber: order.number, problem: `left out of revenue: ${error.problems.join('; ')}` });
    }
  }

  const months = monthsOf(range);
  const monthTargets: MonthTarget[] = [];
  for (const t of records.targets) {
    const month = months.find((m) => m.month === t.month);
    if (!month) continue;
    monthTargets.push({ advisorId: t.advisorId, advisorName: names.get(t.advisorId) ?? t.advisorId, month: t.month, repairOrders: t.repairOrders, paidVisits: t.paidVisits, revenueFen: t.revenueFen, days: month.days, daysInMonth: month.daysInMonth });
  }

  /** The subject's targets for a period: each advisor-month prorated by its days in the period, then summed. */
  const targetsFor = (subject: Subject, period: DayRange): Targets => {
    const periodMonths = monthsOf(period);
    let found = false;
    const sum = { repairOrders: 0, paidVisits: 0, revenueFen: 0 };
    for (const t of records.targets) {
      if (!subject(t.advisorId)) continue;
      const month = periodMonths.find((m) => m.month === t.month);
      if (!month) continue;
      found = true;
      sum.repairOrders += prorate(t.repairOrders, month.days, month.daysInMonth);
      sum.paidVisits += prorate(t.paidVisits, month.days, month.daysInMonth);
      sum.revenueFen += prorate(t.revenueFen, month.days, month.daysInMonth);
    }
    return found ? sum : { repairOrders: null, paidVisits: null, revenueFen: null };
  };

  const figuresFor = (subject: Subject, period: DayRange): KpiFigures => {
    const targets = targetsFor(subject, period);
    const mine = <T extends { advisorId: string | null }>(rows: T[]) => rows.filter((r) => subject(r.advisorId));
    const orders = mine(records.orders);

    const checkedIn = orders.filter((o) => within(o.checkedInAt, period));
    const handled = checkedIn.filter((o) => o.status !== 'CANCELLED');
    const fromBookings = handled.filter((o) => o.fromBooking).length;

    const bookings = mine(records.bookings).filter((b) => within(b.startsAt, period) && b.status !== 'CANCELLED');
    const decidedBookings = bookings.filter((b) => b.status !== 'CONFIRMED');
    const noShows = decidedBookings.filter((b) => b.status === 'NO_SHOW').length;

    const settled = orders.filter((o) => within(o.settledAt, period));
    const amended = settled.filter((o) => o.amendedAfterSettlementAt !== null).length;

    const delivered = orders.filter((o) => within(o.deliveredAt, period));
    const revenue: Revenue = {
      customerPay: { ...emptyMoney(), discountFen: 0, netFen: 0, taxFen: 0 },
      warranty: emptyMoney(),
      goodwill: emptyMoney(),
      internal: emptyMoney(),
      service: againstTarget(0, targets.revenueFen),
      orders: 0,
    };
    let paid = 0;
    for (const order of delivered) {
      const costs = priced.get(order.id);
      if (!costs) continue;
      revenue.orders++;
      for (const line of costs.lines) {
        addTo(revenue.customerPay, line.kind, line.payableFen);
        if (line.coverage === 'WARRANTY') addTo(revenue.warranty, line.kind, line.coveredFen);
        if (line.coverage === 'GOODWILL') addTo(revenue.goodwill, line.kind, line.coveredFen);
        if (line.coverage === 'INTERNAL') addTo(revenue.internal, line.kind, line.coveredFen);
      }
      revenue.customerPay.discountFen += costs.discountFen;
      revenue.customerPay.netFen += costs.taxableFen;
      revenue.customerPay.taxFen += costs.taxFen;
      if (costs.taxableFen > 0) paid++;
    }
    revenue.service = againstTarget(revenue.customerPay.netFen + revenue.warranty.totalFen, targets.revenueFen);

    const extra = mine(records.extraWork).filter((e) => within(e.decidedAt, period));
    const approved = extra.filter((e) => e.status === 'APPROVED');
    const sumPrice = (rows: typeof extra) => rows.reduce((s, e) => s + e.priceFen, 0);

    const answers = mine(records.surveyAnswers).filter((a) => within(a.answeredAt, period));
    const overall = answers.filter((a) => a.question === SURVEY_OVERALL_QUESTION);
    const overallSum = overall.reduce((s, a) => s + a.score, 0);
    const recommend = answers.filter((a) => a.question === SURVEY_RECOMMEND_QUESTION);
    const promoters = recommend.filter((a) => a.score >= 9).length;
    const detractors = recommend.filter((a) => a.score <= 6).length;

    const complaints = mine(records.complaints).filter((c) => within(c.openedAt, period));
    const major = complaints.filter((c) => c.severity === 'MAJOR').length;

    const tasks = mine(records.tasks).filter((t) => within(t.dueAt, period));
    const judged = tasks.filter((t) => t.status === 'DONE' || t.dueAt < input.now);
    const onTime = judged.filter((t) => t.status === 'DONE' && t.completedAt !== null && t.completedAt <= t.dueAt).length;

    return {
      repairOrders: { ...againstTarget(handled.length, targets.repairOrders), cancelled: checkedIn.length - handled.length },
      bookingRate: ratio(fromBookings, handled.length),
      noShowRate: { ...ratio(noShows, decidedBookings.length), undecided: bookings.length - decidedBookings.length },
      errorRate: ratio(amended, settled.length),
      paidVisits: { ...againstTarget(paid, targets.paidVisits), delivered: delivered.length },
      revenue,
      extraWork: {
        items: ratio(approved.length, extra.length),
        valueFen: ratio(sumPrice(approved), sumPrice(extra)),
        deferred: extra.filter((e) => e.status === 'DEFERRED').length,
        declined: extra.filter((e) => e.status === 'DECLINED').length,
      },
      satisfaction: { responses: overall.length, sum: overallSum, averageHundredths: overall.length ? Math.floor((overallSum * 200 + overall.length) / (overall.length * 2)) : null },
      nps: { respondents: recommend.length, promoters, passives: recommend.length - promoters - detractors, detractors, bp: basisPoints(promoters - detractors, recommend.length) },
      complaints: {
        rate: ratio(complaints.length, handled.length),
        majorRate: ratio(major, handled.length),
        ceilingBp: MAJOR_COMPLAINT_CEILING_BP,
        // Compared on the counts, not the rounded rate: 1 in 100 is within, 1 in 99 is not.
        overCeiling: handled.length === 0 ? null : major * 10_000 > MAJOR_COMPLAINT_CEILING_BP * handled.length,
      },
      tasksOnTime: { ...ratio(onTime, judged.length), openNotYetDue: tasks.length - judged.length },
    };
  };

  const trend = (subject: Subject): WeekFigures[] => weeks.map((w) => ({ from: w.from, to: w.to, days: w.days, figures: figuresFor(subject, w) }));

  // Advisors: everyone who advises, plus anyone (a manager, a former advisor) with records or targets.
  const referenced = new Set<string>();
  for (const rows of [records.orders, records.bookings, records.extraWork, records.surveyAnswers, records.complaints, records.tasks, monthTargets]) {
    for (const row of rows) if (row.advisorId) referenced.add(row.advisorId);
  }
  const listed = records.advisors.filter((a) => (input.advisorId === null ? (a.role === 'ADVISOR' && a.active) || referenced.has(a.id) : a.id === input.advisorId));
  const advisors: AdvisorFigures[] = listed.map((a) => {
    const subject: Subject = (id) => id === a.id;
    return { advisorId: a.id, name: a.name, role: a.role, figures: figuresFor(subject, range), weeks: trend(subject) };
  });

  const scope: KpiReport['scope'] = input.advisorId === null ? { kind: 'shop' } : { kind: 'advisor', advisorId: input.advisorId, name: names.get(input.advisorId)! };
  const subject: Subject = input.advisorId === null ? () => true : (id) => id === input.advisorId;
  return {
    kind: 'aftercare.kpi-report',
    version: 1,
    shop: records.shop,
    range: { from: range.from, to: range.to, days: range.days, start: range.start.toISOString(), end: range.end.toISOString() },
    generatedAt: input.now.toISOString(),
    scope,
    figures: figuresFor(subject, range),
    weeks: trend(subject),
    advisors,
    targets: monthTargets.filter((t) => subject(t.advisorId)),
    problems: problems.filter((p) => subject(p.advisorId)).map(({ repairOrderNumber, problem }) => ({ repairOrderNumber, problem })),
    basis: KPI_BASIS,
  };
}
