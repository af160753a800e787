import { basisPoints, calculateKpis, kpiSummary, KpiInputError, loadKpiRecords, parseYuan, setTarget, weeksOf, dayRange, type KpiFigures, type KpiReport } from '../services/kpi';
import { settlementAmendmentRate } from '../services/repair-orders';
import { createTestDatabase, type TestDatabase } from './support/database';
import { buildKpiDataset, local, NOVEMBER, REPORT_NOW, type KpiDataset } from './support/kpi-dataset';

/**
 * KPIs on the fixed data set of tests/support/kpi-dataset.ts. Every expected number is worked
 * out by hand from that file; the arithmetic is in the comments. Rates are basis points
 * rounded half up (x.5 → up), money is fen.
 */
let db: TestDatabase;
let data: KpiDataset;
let shop: KpiReport;

beforeAll(async () => {
  db = await createTestDatabase();
  data = await buildKpiDataset(db.prisma);
  shop = await kpiSummary(db.prisma, { shopId: data.shopId, advisorId: null, ...NOVEMBER, now: REPORT_NOW });
}, 120_000);
afterAll(() => db?.close());

const advisor = (report: KpiReport, name: string): KpiFigures => {
  const row = report.advisors.find((a) => a.name === name);
  if (!row) throw new Error(`${name} is not in the report`);
  return row.figures;
};

describe('rounding', () => {
  it('is half up on basis points, symmetric for negative NPS, null on nothing', () => {
    expect(basisPoints(1, 3)).toBe(3333); // 3333.33
    expect(basisPoints(2, 3)).toBe(6667); // 6666.67
    expect(basisPoints(1, 8)).toBe(1250);
    expect(basisPoints(1, 20_000)).toBe(1); // 0.5 bp → 1
    expect(basisPoints(-1, 6)).toBe(-1667);
    expect(basisPoints(0, 5)).toBe(0);
    expect(basisPoints(3, 0)).toBeNull();
  });
});

describe('the report on the fixed November', () => {
  it('covers Shanghai days, lists the advisors with records, and names its basis', () => {
    expect(shop.range).toEqual({ from: '2026-11-01', to: '2026-11-30', days: 30, start: '2026-10-31T16:00:00.000Z', end: '2026-11-30T16:00:00.000Z' });
    expect(shop.scope).toEqual({ kind: 'shop' });
    // The two advisors, and the manager because a task was his.
    expect(shop.advisors.map((a) => [a.name, a.role])).toEqual([['张敏', 'ADVISOR'], ['李强', 'ADVISOR'], ['王经理', 'MANAGER']]);
    expect(shop.generatedAt).toBe(REPORT_NOW.toISOString());
    // U2's warranty line no longer prices: it is named, not silently dropped.
    expect(shop.problems).toEqual([{ repairOrderNumber: expect.stringMatching(/^RO-20261030-/), problem: expect.stringContaining('warranty does not apply (expired-by-date)') }]);
    expect(JSON.parse(JSON.stringify(shop))).toEqual(shop); // plain JSON all through
  });

  it('受理台次 and 预约率', () => {
    // A: A1 A2 A3 A4 A5 checked in in November = 5 (A6 cancelled, A7 in October); from bookings A1 A3 A4 A5 = 4.
    expect(advisor(shop, '张敏').repairOrders).toEqual({ actual: 5, target: 6, bp: 8333, cancelled: 1 }); // 5/6 = 0.83333
    expect(advisor(shop, '张敏').bookingRate).toEqual({ numerator: 4, denominator: 5, bp: 8000 });
    // B: B1 B2 B3 = 3 (B4 is 1 December in Shanghai); from a booking B1 = 1.
    expect(advisor(shop, '李强').repairOrders).toEqual({ actual: 3, target: 5, bp: 6000, cancelled: 0 });
    expect(advisor(shop, '李强').bookingRate).toEqual({ numerator: 1, denominator: 3, bp: 3333 });
    // Shop: 5 + 3 + U1 = 9; target 6 + 5 = 11 → 8181.8 → 8182; bookings 4 + 1 = 5 → 5/9 = 5555.6 → 5556.
    expect(shop.figures.repairOrders).toEqual({ actual: 9, target: 11, bp: 8182, cancelled: 1 });
    expect(shop.figures.bookingRate).toEqual({ numerator: 5, denominator: 9, bp: 5556 });
    // The manager handled no order and has no target.
    expect(advisor(shop, '王经理').repairOrders).toEqual({ actual: 0, target: null, bp: null, cancelled: 0 });
    expect(advisor(shop, '王经理').bookingRate).toEqual({ numerator: 0, denominator: 0, bp: null });
  });

  it('no-show rate over decided bookings', () => {
    // A: decided = A1 A3 A4 (completed), A5 (checked in), two no-shows = 6; no-shows 2 → 3333; 11-30 15:00 still CONFIRMED → undecided 1.
    // The no-show at 07:00 on 1 December (30 November in UTC) is outside.
    expect(advisor(shop, '张敏').noShowRate).toEqual({ numerator: 2, denominator: 6, bp: 3333, undecided: 1 });
    // B: B1 completed + one no-show = 2 (the cancelled booking counts nowhere) → 5000.
    expect(advisor(shop, '李强').noShowRate).toEqual({ numerator: 1, denominator: 2, bp: 5000, undecided: 0 });
    // Shop: 6 + 2 + U1's no-show = 9; no-shows 2 + 1 + 1 = 4 → 4444.4 → 4444.
    expect(shop.figures.noShowRate).toEqual({ numerator: 4, denominator: 9, bp: 4444, undecided: 1 });
  });

  it('错单率 over orders settled in the range, the same as settlementAmendmentRate', async () => {
    // A: settled in November A1 A2 A3 A4 A5 (A7 settled 31 October); amended A2 (line corrected), A5 (re-opened) → 2/5.
    expect(advisor(shop, '张敏').errorRate).toEqual({ numerator: 2, denominator: 5, bp: 4000 });
    // B: B1 B2 settled, B2 amended → 1/2.
    expect(advisor(shop, '李强').errorRate).toEqual({ numerator: 1, denominator: 2, bp: 5000 });
    // Shop: 7 settled, 3 amended → 4285.7 → 4286.
    expect(shop.figures.errorRate).toEqual({ numerator: 3, denominator: 7, bp: 4286 });
    const direct = await settlementAmendmentRate(db.prisma, { shopId: data.shopId, from: new Date(shop.range.start), to: new Date(shop.range.end) });
    expect(direct).toEqual({ settled: 7, amended: 3, rateBp: 4286 });
  });

  it('revenue from the pricing function: customer-pay, warranty, goodwill and internal apart', () => {
    // A's orders delivered in November: A7 (11-02), A1, A2, A3, A4.
    //   A1 customer: labour 1.5×30000 = 45000, parts 4×9800 = 39200; net 84200; tax 13 % = 10946.
    //   A2 warranty by rule: labour 2×30000 = 60000, parts 78000; customer part 6800 (the CORRECTED 5000 line is not priced); tax 884.
    //   A3 goodwill: labour 30000 at 100 %; parts 2×12800 = 25600 at 50 % → goodwill 12800, customer 12800; tax 1664.
    //   A4 internal: labour 30000; the customer pays nothing.
    //   A7 customer: labour 0.5×30000 = 15000, 10 % discount 1500 → net 13500; tax 1755.
    // customer labour 45000 + 15000 = 60000; parts 39200 + 6800 + 12800 = 58800; discount 1500;
    // net 84200 + 6800 + 12800 + 0 + 13500 = 117300; tax 10946 + 884 + 1664 + 1755 = 15249.
    // service = 117300 + warranty 138000 = 255300 against 300000 → 8510.
    expect(advisor(shop, '张敏').revenue).toEqual({
      customerPay: { labourFen: 60_000, partsFen: 58_800, totalFen: 118_800, discountFen: 1_500, netFen: 117_300, taxFen: 15_249 },
      warranty: { labourFen: 60_000, partsFen: 78_000, totalFen: 138_000 },
      goodwill: { labourFen: 30_000, partsFen: 12_800, totalFen: 42_800 },
      internal: { labourFen: 30_000, partsFen: 0, totalFen: 30_000 },
      service: { actual: 255_300, target: 300_000, bp: 8510 },
      orders: 5,
    });
    // B1: labour 30000 + part 58000 = 88000, less ¥80 → 80000, tax 10400. B2: 15000 + 16800 = 31800, tax 4134.
    // service 111800 against 200000 → 5590.
    expect(advisor(shop, '李强').revenue).toEqual({
      customerPay: { labourFen: 45_000, partsFen: 74_800, totalFen: 119_800, discountFen: 8_000, netFen: 111_800, taxFen: 14_534 },
      warranty: { labourFen: 0, partsFen: 0, totalFen: 0 },
      goodwill: { labourFen: 0, partsFen: 0, totalFen: 0 },
      internal: { labourFen: 0, partsFen: 0, totalFen: 0 },
      service: { actual: 111_800, target: 200_000, bp: 5590 },
      orders: 2,
    });
    // Shop = A + B (U2 cannot be priced): net 229100 + warranty 138000 = 367100 against 500000 → 7342.
    expect(shop.figures.revenue).toEqual({
      customerPay: { labourFen: 105_000, partsFen: 133_600, totalFen: 238_600, discountFen: 9_500, netFen: 229_100, taxFen: 29_783 },
      warranty: { labourFen: 60_000, partsFen: 78_000, totalFen: 138_000 },
      goodwill: { labourFen: 30_000, partsFen: 12_800, totalFen: 42_800 },
      internal: { labourFen: 30_000, partsFen: 0, totalFen: 30_000 },
      service: { actual: 367_100, target: 500_000, bp: 7342 },
      orders: 7,
    });
  });

  it('有偿回厂台数: delivered orders on which the customer pays', () => {
    // A: A1 A2 A3 A7 pay something, A4 (internal) does not → 4 of 5 delivered; target 4 → 10000.
    expect(advisor(shop, '张敏').paidVisits).toEqual({ actual: 4, target: 4, bp: 10_000, delivered: 5 });
    // B: B1 B2 → 2 against 3 → 6666.7 → 6667.
    expect(advisor(shop, '李强').paidVisits).toEqual({ actual: 2, target: 3, bp: 6667, delivered: 2 });
    // Shop: 6 against 7 → 8571.4 → 8571; delivered 5 + 2 + U2 = 8.
    expect(shop.figures.paidVisits).toEqual({ actual: 6, target: 7, bp: 8571, delivered: 8 });
  });

  it('extra-work approval by item and by value', () => {
    // A: 99440 approved, 33900 declined, 22600 deferred, 11300 approved (pending, withdrawn and October's items left out):
    // items 2/4; value (99440 + 11300) / (99440 + 33900 + 22600 + 11300) = 110740 / 167240 = 0.662162 → 6622.
    expect(advisor(shop, '张敏').extraWork).toEqual({ items: { numerator: 2, denominator: 4, bp: 5000 }, valueFen: { numerator: 110_740, denominator: 167_240, bp: 6622 }, deferred: 1, declined: 1 });
    // B: 56500 approved (request without advisor → the order's), 45200 declined, 28250 approved (last decision's price, not 22600):
    // items 2/3 → 6667; value 84750 / 129950 = 0.652174 → 6522.
    expect(advisor(shop, '李强').extraWork).toEqual({ items: { numerator: 2, denominator: 3, bp: 6667 }, valueFen: { numerator: 84_750, denominator: 129_950, bp: 6522 }, deferred: 0, declined: 1 });
    // Shop: items 4/7 → 5714.3 → 5714; value 195490 / 297190 = 0.657795 → 6578.
    expect(shop.figures.extraWork).toEqual({ items: { numerator: 4, denominator: 7, bp: 5714 }, valueFen: { numerator: 195_490, denominator: 297_190, bp: 6578 }, deferred: 1, declined: 2 });
  });

  it('average satisfaction and NPS', () => {
    // A "overall": 5 (A1) 4 (A2) 2 (A3) 5 (A4) 4 (A7) = 20 / 5 = 4.00. The "advisor" CSI answer does not count.
    expect(advisor(shop, '张敏').satisfaction).toEqual({ responses: 5, sum: 20, averageHundredths: 400 });
    // A "recommend": 10, 8, 3, 10 (A4 stopped before it) → promoters 2, passives 1, detractors 1 → (2 − 1) / 4 = 2500.
    expect(advisor(shop, '张敏').nps).toEqual({ respondents: 4, promoters: 2, passives: 1, detractors: 1, bp: 2500 });
    // B: overall 3, 4 → 3.50; recommend 6 (detractor), 9 (promoter) → 0.
    expect(advisor(shop, '李强').satisfaction).toEqual({ responses: 2, sum: 7, averageHundredths: 350 });
    expect(advisor(shop, '李强').nps).toEqual({ respondents: 2, promoters: 1, passives: 0, detractors: 1, bp: 0 });
    // Shop: 27 / 7 = 3.857 → 386; NPS (3 − 2) / 6 = 1666.7 → 1667. U2's October answers are outside.
    expect(shop.figures.satisfaction).toEqual({ responses: 7, sum: 27, averageHundredths: 386 });
    expect(shop.figures.nps).toEqual({ respondents: 6, promoters: 3, passives: 1, detractors: 2, bp: 1667 });
  });

  it('complaint and 重大投诉 rates against the 1 % ceiling', () => {
    // A: a normal one, and a 重大投诉 with no advisor credited through order A3 → 2/5 = 4000, major 1/5 = 2000 > 100.
    expect(advisor(shop, '张敏').complaints).toEqual({ rate: { numerator: 2, denominator: 5, bp: 4000 }, majorRate: { numerator: 1, denominator: 5, bp: 2000 }, ceilingBp: 100, overCeiling: true });
    // B: one normal in November (the October 重大投诉 is outside) → 1/3 = 3333; major 0.
    expect(advisor(shop, '李强').complaints).toEqual({ rate: { numerator: 1, denominator: 3, bp: 3333 }, majorRate: { numerator: 0, denominator: 3, bp: 0 }, ceilingBp: 100, overCeiling: false });
    // Shop: 2 + 1 + U1's = 4 / 9 → 4444; major 1/9 → 1111.
    expect(shop.figures.complaints).toEqual({ rate: { numerator: 4, denominator: 9, bp: 4444 }, majorRate: { numerator: 1, denominator: 9, bp: 1111 }, ceilingBp: 100, overCeiling: true });
    // No orders, no verdict.
    expect(advisor(shop, '王经理').complaints.overCeiling).toBeNull();
  });

  it('tasks done on time', () => {
    // A: on time (11-04), late (11-10), open past due (11-25), done exactly at the due minute (11-30) → 2/4.
    expect(advisor(shop, '张敏').tasksOnTime).toEqual({ numerator: 2, denominator: 4, bp: 5000, openNotYetDue: 0 });
    expect(advisor(shop, '李强').tasksOnTime).toEqual({ numerator: 1, denominator: 1, bp: 10_000, openNotYetDue: 0 });
    expect(advisor(shop, '王经理').tasksOnTime).toEqual({ numerator: 1, denominator: 1, bp: 10_000, openNotYetDue: 0 });
    // Shop: A's 4 + B's 1 + M's 1 + U's overdue one = 7; on time 2 + 1 + 1 = 4 → 5714.
    expect(shop.figures.tasksOnTime).toEqual({ numerator: 4, denominator: 7, bp: 5714, openNotYetDue: 0 });
  });

  it('an open task is judged only once it is overdue', async () => {
    // At 12:00 on 25 November, A's task due 18:00 that day is not late yet.
    const early = await kpiSummary(db.prisma, { shopId: data.shopId, advisorId: data.advisors.A, ...NOVEMBER, now: local('2026-11-25 12:00') });
    expect(early.figures.tasksOnTime).toEqual({ numerator: 2, denominator: 3, bp: 6667, openNotYetDue: 1 });
  });

  it('weekly trend: Monday-to-Sunday weeks cut to the range, targets prorated by days', () => {
    expect(shop.weeks.map((w) => [w.from, w.to, w.days])).toEqual([
      ['2026-11-01', '2026-11-01', 1],
      ['2026-11-02', '2026-11-08', 7],
      ['2026-11-09', '2026-11-15', 7],
      ['2026-11-16', '2026-11-22', 7],
      ['2026-11-23', '2026-11-29', 7],
      ['2026-11-30', '2026-11-30', 1],
    ]);
    // Orders handled per week: (A1 B1) (A2 B2) (A3 B3 U1) (A4 A5) → 0 2 2 3 2 0.
    expect(shop.weeks.map((w) => w.figures.repairOrders.actual)).toEqual([0, 2, 2, 3, 2, 0]);
    // Target per 7-day week: A 6×7/30 = 1.4 → 1, B 5×7/30 = 1.17 → 1 → 2; a 1-day week: 0.2 → 0 and 0.17 → 0.
    expect(shop.weeks.map((w) => w.figures.repairOrders.target)).toEqual([0, 2, 2, 2, 2, 0]);
    // Service revenue: week 2 A7 13500 + A1 84200 + B1 80000 = 177700; week 3 A2 6800 + 138000 + B2 31800 = 176600;
    // week 4 A3 12800; week 5 A4 0. Sum 367100 as for the month.
    expect(shop.weeks.map((w) => w.figures.revenue.service.actual)).toEqual([0, 177_700, 176_600, 12_800, 0, 0]);
    // Revenue target of a 7-day week: 300000×7/30 = 70000 + 200000×7/30 = 46666.7 → 46667.
    expect(shop.weeks[1].figures.revenue.service.target).toBe(116_667);
    // A's own trend sits beside his figures.
    expect(shop.advisors[0].weeks.map((w) => w.figures.repairOrders.actual)).toEqual([0, 1, 1, 1, 2, 0]);
  });

  it('targets of several months are prorated by the days of each inside the range', async () => {
    // 17 October … 15 November: October 15/31 of (10, 6, 310000) → 4.84 → 5, 2.90 → 3, 150000;
    // November 15/30 of (6, 4, 300000) → 3, 2, 150000. A's targets: 8, 5, 300000.
    const report = await kpiSummary(db.prisma, { shopId: data.shopId, advisorId: data.advisors.A, from: '2026-10-17', to: '2026-11-15', now: REPORT_NOW });
    expect(report.figures.repairOrders.target).toBe(8);
    expect(report.figures.paidVisits.target).toBe(5);
    expect(report.figures.revenue.service.target).toBe(300_000);
    expect(report.targets.map((t) => [t.month, t.days, t.daysInMonth])).toEqual([['2026-10', 15, 31], ['2026-11', 15, 30]]);
  });
});

describe('one advisor’s view (我的业绩)', () => {
  it('returns the same figures as the manager sees for them, and nothing of anyone else', async () => {
    const mine = await kpiSummary(db.prisma, { shopId: data.shopId, advisorId: data.advisors.B, ...NOVEMBER, now: REPORT_NOW });
    expect(mine.scope).toEqual({ kind: 'advisor', advisorId: data.advisors.B, name: '李强' });
    expect(mine.figures).toEqual(advisor(shop, '李强'));
    expect(mine.advisors.map((a) => a.name)).toEqual(['李强']);
    expect(mine.targets.map((t) => t.advisorName)).toEqual(['李强']);
    expect(mine.problems).toEqual([]); // U2 is nobody's
    expect(mine.weeks).toEqual(shop.advisors[1].weeks);
  });

  it('refuses an advisor of another shop and a bad range with one sentence', async () => {
    await expect(kpiSummary(db.prisma, { shopId: data.shopId, advisorId: 'nobody', ...NOVEMBER, now: REPORT_NOW })).rejects.toMatchObject({ code: 'unknown-advisor' });
    await expect(kpiSummary(db.prisma, { shopId: data.shopId, advisorId: null, from: '2026-11-31', to: '2026-11-30', now: REPORT_NOW })).rejects.toThrow('2026-11-31 is not a calendar date written YYYY-MM-DD');
    await expect(kpiSummary(db.prisma, { shopId: data.shopId, advisorId: null, from: '2026-11-30', to: '2026-11-01', now: REPORT_NOW })).rejects.toThrow(KpiInputError);
  });
});

describe('the pure calculation', () => {
  it('gives the same report from loaded records as kpiSummary', async () => {
    const records = await loadKpiRecords(db.prisma, { shopId: data.shopId, ...NOVEMBER });
    expect(calculateKpis(records, { ...NOVEMBER, now: REPORT_NOW, advisorId: null })).toEqual(shop);
  });

  it('cuts weeks at the range and at Sundays', () => {
    const weeks = weeksOf(dayRange('2026-11-04', '2026-11-10', 'Asia/Shanghai'), 'Asia/Shanghai');
    expect(weeks.map((w) => [w.from, w.to])).toEqual([['2026-11-04', '2026-11-08'], ['2026-11-09', '2026-11-10']]);
  });
});

describe('targets', () => {
  it('are set per advisor and month, replace the month, and are audited', async () => {
    const first = await setTarget(db.prisma, { shopId: data.shopId, advisorName: '李强', month: '2027-01', repairOrders: 80, paidVisits: 50, revenueFen: 35_000_000, actor: { type: 'system', id: 'cli' }, now: REPORT_NOW });
    expect(first).toMatchObject({ advisorName: '李强', month: '2027-01', repairOrders: 80, previous: null });
    const second = await setTarget(db.prisma, { shopId: data.shopId, advisorName: '李强', month: '2027-01', repairOrders: 90, paidVisits: 60, revenueFen: 40_000_000, actor: { type: 'system', id: 'cli' }, now: REPORT_NOW });
    expect(second.previous).toEqual({ repairOrders: 80, paidVisits: 50, revenueFen: 35_000_000 });
    expect(await db.prisma.advisorTarget.findMany({ where: { month: '2027-01' } })).toHaveLength(1);
    const audit = await db.prisma.auditEvent.findMany({ where: { action: 'kpi.target-set' } });
    expect(audit).toHaveLength(2);
  });

  it('refuse an unknown advisor, a bad month and more paid visits than orders', async () => {
    const base = { shopId: data.shopId, advisorName: '李强', month: '2027-02', repairOrders: 10, paidVisits: 5, revenueFen: 100, actor: { type: 'system' as const, id: 'cli' }, now: REPORT_NOW };
    await expect(setTarget(db.prisma, { ...base, advisorName: '赵六' })).rejects.toMatchObject({ code: 'unknown-advisor', message: 'no advisor named "赵六" in this shop' });
    await expect(setTarget(db.prisma, { ...base, month: '2027-13' })).rejects.toMatchObject({ code: 'invalid', message: 'the month must be written YYYY-MM, e.g. 2026-11' });
    await expect(setTarget(db.prisma, { ...base, paidVisits: 11 })).rejects.toMatchObject({ code: 'invalid' });
    // The database keeps the month well-formed even without the service.
    await expect(db.prisma.advisorTarget.create({ data: { advisorId: data.advisors.B, month: '2027-1', repairOrders: 1, paidVisits: 0, revenueFen: 0, setBy: 'x' } })).rejects.toThrow();
  });

  it('read money the way a manager types it', () => {
    expect(parseYuan('¥350000')).toBe(35_000_000);
    expect(parseYuan('350,000.5')).toBe(35_000_050);
    expect(parseYuan('￥12,345.67')).toBe(1_234_567);
    expect(parseYuan('35万')).toBe(35_000_000);
    expect(parseYuan('1.234')).toBeNull();
    expect(parseYuan('-5')).toBeNull();
    expect(parseYuan('12,34')).toBeNull();
    expect(parseYuan('')).toBeNull();
  });
});
