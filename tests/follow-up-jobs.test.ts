import { openDatabase, type Database } from '../services/db/client';
import { JobRunner, atMostOnce, deadJobs, type JobHandler, type JobHandlerFn } from '../services/jobs';
import { jobHandlers } from '../bot/job-handlers';
import type { ProactiveMessenger } from '../bot/proactive';
import { cancelBooking, createBooking, rescheduleBooking } from '../services/booking';
import { checkIn, decideExtraWork, proposeExtraWork, transitionRepairOrder, CUSTOMER_NOTICE_JOB_KIND } from '../services/repair-orders';
import {
  DAILY_FOLLOW_UP_JOB_KIND,
  NO_SHOW_JOB_KIND,
  SURVEY_LOW_SCORE_JOB_KIND,
  SurveyError,
  ensureDailyJobs,
  finishSurvey,
  noticeGate,
  openSurvey,
  optIn,
  optOut,
  recordNoShow,
  recordSurveyAnswer,
  surveyQuestions,
  type LowScore,
} from '../services/follow-up';
import { SEED_NOW } from './support/database';
import { repairWorld, type Customer, type RepairWorld } from './support/repair-fixtures';

/**
 * Every follow-up job kind end to end through the JobRunner with the test's clock: no-show,
 * the daily maintenance-due run, the survey and its low-score hand-over; quiet hours; opt-out;
 * a restart in the middle; two workers on one database (on PostgreSQL: two connection pools).
 */
let w: RepairWorld;
let secondDb: Database | null = null;
const sent: Array<{ identityId: string; text: string }> = [];
const messenger = {
  send: async (identityId: string, message: unknown) => {
    sent.push({ identityId, text: typeof message === 'string' ? message : JSON.stringify(message) });
    return 'sent';
  },
} as unknown as ProactiveMessenger;
const lowScores: LowScore[] = [];

function handlers(prisma = w.db.prisma, options: { hook?: boolean } = {}): Record<string, JobHandler> {
  return jobHandlers(prisma, messenger, { beginFlow: async () => undefined, onLowScore: options.hook ? async (low) => void lowScores.push(low) : undefined });
}
const runner = (workerId = 'test', prisma = w.db.prisma, options: { hook?: boolean } = {}) => new JobRunner(prisma, { handlers: handlers(prisma, options), now: () => w.now(), workerId });
const runOf = (handler: JobHandler): JobHandlerFn => (typeof handler === 'function' ? handler : handler.run);
const never = () => new Promise<never>(() => undefined);
const until = (condition: () => boolean) =>
  new Promise<void>((resolve) => {
    const check = () => (condition() ? resolve() : setImmediate(check));
    check();
  });
/** Nothing left over from another test runs in this one. */
const quiesce = () => w.db.prisma.job.updateMany({ where: { status: { in: ['PENDING', 'RUNNING'] } }, data: { status: 'CANCELLED' } });
const noticesFor = async (customerId: string, notice?: string) =>
  (await w.db.prisma.job.findMany({ where: { kind: CUSTOMER_NOTICE_JOB_KIND, payload: { path: ['customerId'], equals: customerId } }, orderBy: { createdAt: 'asc' } })).filter(
    (j) => !notice || (j.payload as { notice: string }).notice === notice,
  );

beforeAll(async () => {
  w = await repairWorld();
  // On PostgreSQL the second worker has its own connection pool, as a second bot process would.
  if (w.db.url) secondDb = await openDatabase({ kind: 'postgres', url: w.db.url });
}, 120_000);
afterAll(async () => {
  await secondDb?.close();
  await w.close();
});

async function deliver(customer: Customer, at: Date, km: number, options: { services?: string[]; decline?: string } = {}): Promise<string> {
  w.setNow(at);
  const { repairOrderId } = await checkIn(w.db.prisma, { shopId: w.shopId, vehicleId: customer.vehicleId, services: options.services ?? ['PM-REGULAR'], mileageInKm: km, concern: '保养', actor: w.advisor(), now: w.now() });
  await transitionRepairOrder(w.db.prisma, { repairOrderId, to: 'IN_PROGRESS', actor: w.advisor(), now: w.advance(30) });
  if (options.decline) {
    const proposal = await proposeExtraWork(w.db.prisma, { repairOrderId, advisorId: w.advisorId, items: [{ operationCode: options.decline, urgency: 'GREEN', reason: '下次保养换也可以' }], actor: w.advisor(), now: w.advance(10) });
    await decideExtraWork(w.db.prisma, { customerId: customer.id, identityId: customer.identityId, channel: 'msteams', activityId: `decline-${repairOrderId}`, versionHash: proposal.versionHash, decisions: [{ itemId: proposal.items[0].itemId, decision: 'DECLINED' }], now: w.advance(10) });
  }
  await transitionRepairOrder(w.db.prisma, { repairOrderId, to: 'READY', actor: w.advisor(), now: w.advance(30) });
  await transitionRepairOrder(w.db.prisma, { repairOrderId, to: 'DELIVERED', actor: w.advisor(), now: w.advance(30) });
  return repairOrderId;
}

async function book(customer: Customer, startsAt: string): Promise<string> {
  const item = await w.db.prisma.serviceCatalogItem.findFirstOrThrow({ where: { shopId: w.shopId, code: 'PM-REGULAR' } });
  const booking = await createBooking(w.db.prisma, { shopId: w.shopId, customerId: customer.id, vehicleId: customer.vehicleId, catalogItemIds: [item.id], startsAt: new Date(startsAt), channel: 'msteams', now: SEED_NOW });
  return booking.id;
}

describe('no-show', () => {
  beforeAll(quiesce);

  it('a confirmed booking not checked in 30 minutes after its start becomes NO_SHOW, one advisor task and one notice', async () => {
    const c = await w.newCustomer({ book: [] });
    const bookingId = await book(c, '2026-11-30T01:00:00Z'); // Monday 09:00
    const check = await w.db.prisma.job.findUniqueOrThrow({ where: { dedupeKey: `booking-no-show:${bookingId}` } });
    expect(check).toMatchObject({ kind: NO_SHOW_JOB_KIND, status: 'PENDING', runAt: new Date('2026-11-30T01:30:00Z'), payload: { bookingId, startsAt: '2026-11-30T01:00:00.000Z' } });

    w.setNow(new Date('2026-11-30T01:29:59Z'));
    await runner().runDue();
    expect((await w.db.prisma.booking.findUniqueOrThrow({ where: { id: bookingId } })).status).toBe('CONFIRMED');

    w.setNow(new Date('2026-11-30T01:30:00Z'));
    await runner().runDue();
    const booking = await w.db.prisma.booking.findUniqueOrThrow({ where: { id: bookingId }, include: { vehicle: true } });
    expect(booking.status).toBe('NO_SHOW');
    expect(await w.db.prisma.bayOccupancy.count({ where: { bookingId } })).toBe(0);
    const tasks = await w.db.prisma.advisorTask.findMany({ where: { kind: 'NO_SHOW', customerId: c.id } });
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ advisorId: w.advisorId, dedupeKey: `no-show:${bookingId}`, status: 'OPEN', details: expect.objectContaining({ bookingId, plate: c.plate }) });
    expect(tasks[0].dueAt > w.now()).toBe(true);
    const notices = await noticesFor(c.id, 'booking.no-show');
    expect(notices.map((n) => [n.status, n.payload])).toEqual([
      ['DONE', { notice: 'booking.no-show', customerId: c.id, bookingId, ref: bookingId.slice(-6).toUpperCase(), startsAt: '2026-11-30T01:00:00.000Z', plate: c.plate }],
    ]);
    expect((await w.db.prisma.job.findUniqueOrThrow({ where: { id: check.id } })).status).toBe('DONE');
    // Run again (another worker, a restart): nothing more.
    expect(await recordNoShow(w.db.prisma, { bookingId, startsAt: '2026-11-30T01:00:00.000Z', now: w.advance(5) })).toMatchObject({ outcome: 'not-applicable', status: 'NO_SHOW' });
    expect(await w.db.prisma.advisorTask.count({ where: { kind: 'NO_SHOW', customerId: c.id } })).toBe(1);
    expect(await noticesFor(c.id, 'booking.no-show')).toHaveLength(1);
    expect(await w.db.prisma.auditEvent.count({ where: { entityId: bookingId, action: 'booking.no-show' } })).toBe(1);
  });

  it('moves with a rescheduled booking, and is cancelled when the booking is cancelled or checked in', async () => {
    const [moved, cancelled, arrived] = [await w.newCustomer({ book: [] }), await w.newCustomer({ book: [] }), await w.newCustomer({ book: [] })];
    w.setNow(SEED_NOW);
    const movedId = await book(moved, '2026-11-30T03:00:00Z');
    await rescheduleBooking(w.db.prisma, { bookingId: movedId, customerId: moved.id, startsAt: new Date('2026-12-01T05:00:00Z'), now: SEED_NOW });
    expect(await w.db.prisma.job.findUniqueOrThrow({ where: { dedupeKey: `booking-no-show:${movedId}` } })).toMatchObject({
      status: 'PENDING',
      runAt: new Date('2026-12-01T05:30:00Z'),
      payload: { bookingId: movedId, startsAt: '2026-12-01T05:00:00.000Z' },
    });
    const cancelledId = await book(cancelled, '2026-11-30T03:00:00Z');
    await cancelBooking(w.db.prisma, { bookingId: cancelledId, customerId: cancelled.id, reason: null, now: SEED_NOW });
    expect((await w.db.prisma.job.findUniqueOrThrow({ where: { dedupeKey: `booking-no-show:${cancelledId}` } })).status).toBe('CANCELLED');
    const arrivedId = await book(arrived, '2026-11-30T05:00:00Z');
    w.setNow(new Date('2026-11-30T05:10:00Z'));
    await checkIn(w.db.prisma, { shopId: w.shopId, bookingId: arrivedId, mileageInKm: 31_000, concern: '保养', actor: w.advisor(), now: w.now() });
    expect((await w.db.prisma.job.findUniqueOrThrow({ where: { dedupeKey: `booking-no-show:${arrivedId}` } })).status).toBe('CANCELLED');

    // The old time of the moved booking passes: nothing happens to it.
    w.setNow(new Date('2026-11-30T06:00:00Z'));
    await runner().runDue();
    expect((await w.db.prisma.booking.findUniqueOrThrow({ where: { id: movedId } })).status).toBe('CONFIRMED');
    expect(await w.db.prisma.advisorTask.count({ where: { kind: 'NO_SHOW', customerId: { in: [moved.id, cancelled.id, arrived.id] } } })).toBe(0);
  });

  it('runs exactly once with two workers racing over the same due checks', async () => {
    await quiesce();
    const customers = await Promise.all([1, 2, 3, 4, 5, 6].map(() => w.newCustomer({ book: [] })));
    const starts = ['2026-12-02T01:00:00Z', '2026-12-02T03:00:00Z', '2026-12-02T05:00:00Z', '2026-12-02T07:00:00Z', '2026-12-03T01:00:00Z', '2026-12-03T03:00:00Z'];
    const bookingIds: string[] = [];
    for (const [i, c] of customers.entries()) bookingIds.push(await book(c, starts[i]));
    await w.db.prisma.job.updateMany({ where: { kind: 'booking.reminder', status: 'PENDING' }, data: { status: 'CANCELLED' } });
    w.setNow(new Date('2026-12-03T06:00:00Z')); // Thursday 14:00: all six are due, inside the notice window
    const noticeRuns = new Map<string, number>();
    const counted = (prisma: typeof w.db.prisma): Record<string, JobHandler> => {
      const real = handlers(prisma);
      return {
        ...real,
        [CUSTOMER_NOTICE_JOB_KIND]: atMostOnce(async (payload, context) => {
          noticeRuns.set(context.jobId, (noticeRuns.get(context.jobId) ?? 0) + 1);
          return runOf(real[CUSTOMER_NOTICE_JOB_KIND])(payload, context);
        }),
      };
    };
    const prismaB = secondDb?.prisma ?? w.db.prisma;
    const a = new JobRunner(w.db.prisma, { handlers: counted(w.db.prisma), now: () => w.now(), workerId: 'worker-a' });
    const b = new JobRunner(prismaB, { handlers: counted(prismaB), now: () => w.now(), workerId: 'worker-b' });
    const [ranA, ranB] = await Promise.all([a.runDue(), b.runDue()]);
    // Six checks and the six notices they enqueued (the notices become due during the pass).
    expect(ranA + ranB).toBe(12);
    expect((await w.db.prisma.booking.findMany({ where: { id: { in: bookingIds } } })).map((b) => b.status)).toEqual(Array(6).fill('NO_SHOW'));
    const tasks = await w.db.prisma.advisorTask.findMany({ where: { kind: 'NO_SHOW', customerId: { in: customers.map((c) => c.id) } } });
    expect(tasks).toHaveLength(6);
    const notices = await w.db.prisma.job.findMany({ where: { kind: CUSTOMER_NOTICE_JOB_KIND, dedupeKey: { in: bookingIds.map((id) => `notice:booking.no-show:${id}`) } } });
    expect(notices.map((n) => n.status)).toEqual(Array(6).fill('DONE'));
    expect(notices.map((n) => noticeRuns.get(n.id))).toEqual(Array(6).fill(1));
    expect(await w.db.prisma.auditEvent.count({ where: { entityId: { in: bookingIds }, action: 'booking.no-show' } })).toBe(6);
  });
});

describe('quiet hours', () => {
  beforeAll(quiesce);

  it('a notice due at 22:00 goes out at 09:00 the next day, once, its deferral costing no attempt', async () => {
    const c = await w.newCustomer({ book: [] });
    w.setNow(new Date('2026-11-30T14:00:00Z')); // Monday 22:00 in Shanghai
    await checkIn(w.db.prisma, { shopId: w.shopId, vehicleId: c.vehicleId, services: ['OIL-CHANGE'], mileageInKm: 30_500, concern: '换机油', actor: w.advisor(), now: w.now() });
    const [notice] = await noticesFor(c.id, 'ro.checked-in');
    await runner().runDue();
    expect(await w.db.prisma.job.findUniqueOrThrow({ where: { id: notice.id } })).toMatchObject({ status: 'PENDING', attempts: 0, runAt: new Date('2026-12-01T01:00:00Z') });
    expect(sent.filter((s) => s.identityId === c.identityId)).toEqual([]);
    w.setNow(new Date('2026-12-01T00:59:59Z'));
    await runner().runDue();
    expect(sent.filter((s) => s.identityId === c.identityId)).toEqual([]);
    w.setNow(new Date('2026-12-01T01:00:00Z'));
    await runner().runDue();
    await runner().runDue();
    const mine = sent.filter((s) => s.identityId === c.identityId);
    expect(mine).toHaveLength(1);
    expect(mine[0].text).toContain(c.plate);
    expect(await w.db.prisma.job.findUniqueOrThrow({ where: { id: notice.id } })).toMatchObject({ status: 'DONE', attempts: 1 });
  });

  it('a booking reminder that would only reach the customer after the booking started is dropped', async () => {
    const c = await w.newCustomer({ book: [] });
    w.setNow(new Date('2026-12-03T13:30:00Z')); // Thursday 21:30, booking Friday 09:00
    const item = await w.db.prisma.serviceCatalogItem.findFirstOrThrow({ where: { shopId: w.shopId, code: 'PM-REGULAR' } });
    const booking = await createBooking(w.db.prisma, { shopId: w.shopId, customerId: c.id, vehicleId: c.vehicleId, catalogItemIds: [item.id], startsAt: new Date('2026-12-04T01:00:00Z'), channel: 'msteams', now: w.now() });
    await runner().runDue();
    expect(await w.db.prisma.job.findUniqueOrThrow({ where: { dedupeKey: `booking-reminder:${booking.id}` } })).toMatchObject({ status: 'DONE' });
    expect(sent.filter((s) => s.identityId === c.identityId)).toEqual([]);
  });
});

describe('a restart in the middle', () => {
  beforeEach(quiesce);

  it('a notice handler that dies after sending is not sent again: the job is dead, saying why, for a person to decide', async () => {
    const c = await w.newCustomer({ book: [] });
    w.setNow(new Date('2026-12-01T02:00:00Z'));
    await checkIn(w.db.prisma, { shopId: w.shopId, vehicleId: c.vehicleId, services: ['OIL-CHANGE'], mileageInKm: 30_600, concern: '换机油', actor: w.advisor(), now: w.now() });
    const [notice] = await noticesFor(c.id, 'ro.checked-in');
    const real = handlers();
    const dying = new JobRunner(w.db.prisma, {
      handlers: { [CUSTOMER_NOTICE_JOB_KIND]: atMostOnce(async (payload, context) => (await runOf(real[CUSTOMER_NOTICE_JOB_KIND])(payload, context), never())) },
      now: () => w.now(),
      workerId: 'dies-after-send',
    });
    void dying.runDue();
    await until(() => sent.some((s) => s.identityId === c.identityId));

    w.advance(6); // past the 5-minute lease: the process is gone
    await runner('restarted').runDue();
    expect(sent.filter((s) => s.identityId === c.identityId)).toHaveLength(1);
    const row = await w.db.prisma.job.findUniqueOrThrow({ where: { id: notice.id } });
    expect(row).toMatchObject({ status: 'FAILED', lockedBy: 'dies-after-send' });
    expect(row.lastError).toMatch(/^interrupted/);
    expect((await deadJobs(w.db.prisma, { kind: CUSTOMER_NOTICE_JOB_KIND })).map((d) => d.id)).toContain(notice.id);
  });

  it('a no-show check that dies after its transaction runs again and adds nothing', async () => {
    const c = await w.newCustomer({ book: [] });
    const bookingId = await book(c, '2026-12-04T03:00:00Z');
    w.setNow(new Date('2026-12-04T03:31:00Z'));
    const real = handlers();
    let finished = false;
    const dying = new JobRunner(w.db.prisma, {
      handlers: { [NO_SHOW_JOB_KIND]: async (payload, context) => (await runOf(real[NO_SHOW_JOB_KIND])(payload, context), (finished = true), never()) },
      now: () => w.now(),
      workerId: 'dies-after-commit',
    });
    void dying.runDue();
    await until(() => finished);
    w.advance(6);
    await runner('restarted').runDue();
    expect(await w.db.prisma.job.findUniqueOrThrow({ where: { dedupeKey: `booking-no-show:${bookingId}` } })).toMatchObject({ status: 'DONE', attempts: 2 });
    expect(await w.db.prisma.advisorTask.count({ where: { kind: 'NO_SHOW', customerId: c.id } })).toBe(1);
    expect((await noticesFor(c.id, 'booking.no-show')).map((n) => n.status)).toEqual(['DONE']);
  });
});

describe('maintenance due: reminders, then the advisor; opt-out honoured', () => {
  let regular: Customer;
  let optedOut: Customer;
  let late: Customer;
  const prior = new Date('2025-06-05T02:00:00Z');
  const visit = new Date('2025-12-05T02:00:00Z'); // a Friday, 10:00

  beforeAll(async () => {
    await quiesce();
    regular = await w.newCustomer({ book: [], plate: '沪M10001' });
    optedOut = await w.newCustomer({ book: [], plate: '沪M10002' });
    late = await w.newCustomer({ book: [], plate: '沪M10003' });
    for (const [i, c] of [regular, optedOut, late].entries()) {
      await w.db.prisma.mileageReading.create({ data: { vehicleId: c.vehicleId, km: 15_000, source: 'registration', recordedAt: prior } });
      await deliver(c, new Date(visit.getTime() + i * 3 * 3600_000), 20_000, { decline: c === regular ? 'CABIN-FILTER' : undefined });
    }
    await optOut(w.db.prisma, { customerId: optedOut.id, channel: 'wechat', now: new Date('2026-01-10T02:00:00Z') });
  }, 120_000);

  const dailyOnly = (workerId = 'daily') => new JobRunner(w.db.prisma, { handlers: { [DAILY_FOLLOW_UP_JOB_KIND]: handlers()[DAILY_FOLLOW_UP_JOB_KIND] }, now: () => w.now(), workerId });
  const reminderRow = (c: Customer) => w.db.prisma.maintenanceReminder.findMany({ where: { vehicleId: c.vehicleId } });

  it('the daily run reminds of the regular service due in a week, with the declined work riding along; the opted-out customer gets nothing', async () => {
    w.setNow(new Date('2026-11-28T02:00:00Z')); // Saturday 10:00; PM-REGULAR (12 months) is due 5 December
    expect(await ensureDailyJobs(w.db.prisma, w.now())).toBe(1);
    expect(await ensureDailyJobs(w.db.prisma, w.now())).toBe(0);
    await dailyOnly().runDue();
    const [notice] = await noticesFor(regular.id, 'maintenance.due');
    const regularItem = await w.db.prisma.serviceCatalogItem.findFirstOrThrow({ where: { shopId: w.shopId, code: 'PM-REGULAR' } });
    expect(notice.payload).toEqual({
      notice: 'maintenance.due',
      customerId: regular.id,
      vehicleId: regular.vehicleId,
      plate: '沪M10001',
      services: [{ catalogItemId: regularItem.id, zh: '常规保养', en: 'Regular maintenance', dueBy: 'date', dueDate: '2026-12-05', dueKm: 30_000 }],
      carried: [{ itemId: expect.any(String), zh: '更换空调滤芯', en: 'Cabin air filter', priceFen: 22_363, repairOrderNumber: expect.stringMatching(/^RO-20251205-/) }],
      reminderNumber: 1,
    });
    expect(await noticesFor(optedOut.id, 'maintenance.due')).toEqual([]);
    expect(await reminderRow(optedOut)).toEqual([]);
    // Tomorrow's run is scheduled by today's.
    expect(await w.db.prisma.job.count({ where: { kind: DAILY_FOLLOW_UP_JOB_KIND, status: 'PENDING', runAt: new Date('2026-11-29T02:00:00Z') } })).toBe(1);
  });

  it('a customer who says stop before the notice went out gets none: queued follow-up is cancelled and dropped at send time', async () => {
    const [queued] = await noticesFor(late.id, 'maintenance.due');
    expect(queued.status).toBe('PENDING');
    const result = await optOut(w.db.prisma, { customerId: late.id, channel: 'msteams', now: w.now() });
    expect(result).toMatchObject({ changed: true, cancelledNotices: 1 });
    expect(await optOut(w.db.prisma, { customerId: late.id, channel: 'msteams', now: w.advance(1) })).toMatchObject({ changed: false, cancelledNotices: 0 });
    expect(await w.db.prisma.customer.findUniqueOrThrow({ where: { id: late.id } })).toMatchObject({ consentService: false, serviceOptOutChannel: 'msteams', serviceOptOutAt: result.optedOutAt });
    expect((await w.db.prisma.job.findUniqueOrThrow({ where: { id: queued.id } })).status).toBe('CANCELLED');
    // Whatever was queued without the cancellation seeing it is dropped by the gate; their own car's news is not.
    expect(await noticeGate(w.db.prisma, { notice: 'maintenance.due', customerId: late.id }, w.now())).toEqual({ action: 'skip', reason: 'opted-out' });
    expect(await noticeGate(w.db.prisma, { notice: 'ro.ready', customerId: late.id }, w.now())).toEqual({ action: 'send' });
    await runner().runDue();
    expect((await noticesFor(regular.id, 'maintenance.due'))[0].status).toBe('DONE');
    // Surveys of the opted-out are not sent either.
    expect((await w.db.prisma.survey.findMany({ where: { customerId: { in: [late.id, optedOut.id] } } })).map((s) => s.status)).toEqual(['CANCELLED', 'CANCELLED']);
    expect(await optIn(w.db.prisma, { customerId: late.id, channel: 'phone', now: w.now() })).toEqual({ changed: true });
    await optOut(w.db.prisma, { customerId: late.id, channel: 'msteams', now: w.now() });
  });

  it('a run that dies after its work runs again without reminding twice', async () => {
    await w.db.prisma.maintenanceReminder.deleteMany({ where: { vehicleId: regular.vehicleId } });
    await w.db.prisma.job.deleteMany({ where: { dedupeKey: `notice:maintenance.due:${regular.vehicleId}:2026-11-29` } });
    w.setNow(new Date('2026-11-29T02:00:00Z'));
    const real = handlers();
    let finished = false;
    const dying = new JobRunner(w.db.prisma, {
      handlers: { [DAILY_FOLLOW_UP_JOB_KIND]: async (payload, context) => (await runOf(real[DAILY_FOLLOW_UP_JOB_KIND])(payload, context), (finished = true), never()) },
      now: () => w.now(),
      workerId: 'daily-dies',
    });
    void dying.runDue();
    await until(() => finished);
    expect((await reminderRow(regular))[0]).toMatchObject({ reminders: 1 });
    w.advance(6);
    await dailyOnly('daily-restarted').runDue();
    expect((await reminderRow(regular))[0]).toMatchObject({ reminders: 1 });
    expect(await w.db.prisma.job.count({ where: { dedupeKey: `notice:maintenance.due:${regular.vehicleId}:2026-11-29` } })).toBe(1);
    expect(await w.db.prisma.job.count({ where: { kind: DAILY_FOLLOW_UP_JOB_KIND, payload: { path: ['date'], equals: '2026-11-29' }, status: 'DONE' } })).toBe(1);
  });

  it('a second reminder 14 days later, then an advisor task, then nothing more', async () => {
    w.setNow(new Date('2026-12-13T02:00:00Z')); // the bot was down; the daily run comes late and goes on from today
    await runner().runDue();
    const notices = await noticesFor(regular.id, 'maintenance.due');
    expect(notices.map((n) => (n.payload as { reminderNumber: number }).reminderNumber)).toEqual([1, 1, 2]);
    expect(await w.db.prisma.job.count({ where: { kind: DAILY_FOLLOW_UP_JOB_KIND, status: 'PENDING' } })).toBe(1);
    expect(await w.db.prisma.advisorTask.count({ where: { kind: 'MAINTENANCE_DUE', customerId: regular.id } })).toBe(0);

    w.setNow(new Date('2026-12-27T02:00:00Z'));
    await w.db.prisma.job.updateMany({ where: { kind: DAILY_FOLLOW_UP_JOB_KIND, status: 'PENDING' }, data: { runAt: w.now() } });
    await runner().runDue();
    const tasks = await w.db.prisma.advisorTask.findMany({ where: { kind: 'MAINTENANCE_DUE', customerId: regular.id } });
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ advisorId: w.advisorId, details: expect.objectContaining({ vehicleId: regular.vehicleId, plate: '沪M10001', services: [expect.objectContaining({ zh: '常规保养', dueDate: '2026-12-05' })] }) });
    expect(await noticesFor(regular.id, 'maintenance.due')).toHaveLength(3);

    for (const day of ['2027-01-10', '2027-01-24']) {
      w.setNow(new Date(`${day}T02:00:00Z`));
      await w.db.prisma.job.updateMany({ where: { kind: DAILY_FOLLOW_UP_JOB_KIND, status: 'PENDING' }, data: { runAt: w.now() } });
      await runner().runDue();
    }
    expect(await noticesFor(regular.id, 'maintenance.due')).toHaveLength(3);
    expect(await w.db.prisma.advisorTask.count({ where: { kind: 'MAINTENANCE_DUE', customerId: regular.id } })).toBe(1);
    for (const c of [optedOut, late]) {
      expect(await w.db.prisma.advisorTask.count({ where: { kind: 'MAINTENANCE_DUE', customerId: c.id } })).toBe(0);
      expect((await noticesFor(c.id, 'maintenance.due')).filter((n) => n.status !== 'CANCELLED')).toEqual([]);
    }
  });
});

describe('satisfaction survey', () => {
  let customer: Customer;
  let orderId: string;
  let surveyId: string;
  beforeAll(quiesce);

  it('delivery schedules one survey a working day later (Saturday → Monday); the job sends it with its invitation', async () => {
    customer = await w.newCustomer({ book: [] });
    orderId = await deliver(customer, new Date('2027-03-06T01:00:00Z'), 33_000); // Saturday 09:00; delivered 10:30
    const survey = await w.db.prisma.survey.findUniqueOrThrow({ where: { repairOrderId: orderId } });
    surveyId = survey.id;
    expect(survey).toMatchObject({ status: 'SCHEDULED', scheduledAt: new Date('2027-03-08T02:30:00Z') });
    await transitionRepairOrder(w.db.prisma, { repairOrderId: orderId, to: 'CLOSED', reason: '结算完成', actor: w.advisor(), now: w.advance(60) });
    expect(await w.db.prisma.survey.count({ where: { repairOrderId: orderId } })).toBe(1);
    expect(await w.db.prisma.job.count({ where: { dedupeKey: `survey-send:${orderId}` } })).toBe(1);

    w.setNow(new Date('2027-03-07T02:30:00Z')); // Sunday
    await runner().runDue();
    expect((await w.db.prisma.survey.findUniqueOrThrow({ where: { id: surveyId } })).status).toBe('SCHEDULED');
    w.setNow(new Date('2027-03-08T02:30:00Z'));
    await runner().runDue();
    expect(await w.db.prisma.survey.findUniqueOrThrow({ where: { id: surveyId } })).toMatchObject({ status: 'SENT', sentAt: w.now(), expiresAt: new Date('2027-03-15T02:30:00Z') });
    const invites = await noticesFor(customer.id, 'survey.invite');
    expect(invites.map((n) => [n.status, n.payload])).toEqual([['DONE', { notice: 'survey.invite', customerId: customer.id, surveyId, repairOrderId: orderId, number: expect.stringMatching(/^RO-20270306-/), plate: customer.plate }]]);
  });

  it("keeps partial answers, refuses wrong ones, and hands a low score over once (the bot's hook: a complaint)", async () => {
    const open = (await openSurvey(w.db.prisma, { customerId: customer.id, now: w.now() }))!;
    expect(open).toMatchObject({ surveyId, repairOrderId: orderId, plate: customer.plate, next: { code: 'overall' }, answers: {} });
    expect(await surveyQuestions(w.db.prisma, w.shopId)).toEqual(open.questions);
    const answer = (question: string, score?: number | null, comment?: string) => recordSurveyAnswer(w.db.prisma, { surveyId, customerId: customer.id, question, score, comment, now: w.now() });
    const refusal = async (p: Promise<unknown>) => p.then(() => 'accepted', (e: SurveyError) => e.code);
    expect(await refusal(answer('overall', 6))).toBe('invalid-answer');
    expect(await refusal(answer('overall', null))).toBe('invalid-answer');
    expect(await refusal(answer('csi.service-quality', 4))).toBe('unknown-question');
    const stranger = await w.newCustomer({ book: [] });
    expect(await refusal(recordSurveyAnswer(w.db.prisma, { surveyId, customerId: stranger.id, question: 'overall', score: 5, now: w.now() }))).toBe('not-found');

    expect(await answer('overall', 2)).toMatchObject({ next: { code: 'recommend' }, complete: false, lowScore: true });
    expect(await w.db.prisma.job.findUniqueOrThrow({ where: { dedupeKey: `survey-low-score:${surveyId}` } })).toMatchObject({ kind: SURVEY_LOW_SCORE_JOB_KIND, status: 'PENDING' });
    expect(await answer('recommend', 5)).toMatchObject({ next: { code: 'explained' }, lowScore: true });
    // The customer stops here: what they said is kept.
    expect((await openSurvey(w.db.prisma, { customerId: customer.id, now: w.now() }))!.answers).toEqual({ overall: { score: 2, comment: null }, recommend: { score: 5, comment: null } });
    expect(await answer('explained', 0)).toMatchObject({ next: { code: 'comment' }, complete: true });
    expect(await answer('comment', null, '等了很久，也没人解释费用')).toMatchObject({ next: null, complete: true });

    expect(await finishSurvey(w.db.prisma, { surveyId, customerId: customer.id, now: w.advance(1) })).toEqual({ surveyId, status: 'ANSWERED', answered: 4, missingRequired: [], lowScore: true });
    expect(await refusal(answer('overall', 5))).toBe('closed');
    await runner().runDue();
    await runner().runDue();
    // One complaint on the repair order, in the customer's words with the scores; its owner's task;
    // the customer told who will call by when (complaint.followup), however often the job ran.
    const complaints = await w.db.prisma.complaint.findMany({ where: { customerId: customer.id } });
    expect(complaints).toHaveLength(1);
    expect(complaints[0]).toMatchObject({ source: 'survey', repairOrderId: orderId, description: '等了很久，也没人解释费用\n回访评分：总体满意度 2/5，推荐意愿 5/10' });
    const tasks = await w.db.prisma.advisorTask.findMany({ where: { kind: 'COMPLAINT', customerId: customer.id } });
    expect(tasks.map((task) => task.complaintId)).toEqual([complaints[0].id]);
    expect((await noticesFor(customer.id, 'complaint.followup')).map((n) => n.payload)).toEqual([expect.objectContaining({ complaintId: complaints[0].id, restated: false })]);
    await w.db.prisma.job.updateMany({ where: { dedupeKey: `survey-low-score:${surveyId}` }, data: { status: 'PENDING', runAt: w.now() } });
    await runner().runDue();
    expect(await w.db.prisma.complaint.count({ where: { customerId: customer.id } })).toBe(1);
  });

  it('with the complaint hook wired, a low score goes to it (after a short grace for a comment), CSI questions the shop switched on included', async () => {
    await w.db.prisma.shop.update({ where: { id: w.shopId }, data: { surveyCsiFactors: ['service-advisor', 'service-quality'] } });
    const c = await w.newCustomer({ book: [] });
    const order = await deliver(c, new Date('2027-03-08T01:00:00Z'), 41_000);
    w.setNow(new Date('2027-03-09T03:00:00Z'));
    await runner('hooked', w.db.prisma, { hook: true }).runDue();
    const survey = await w.db.prisma.survey.findUniqueOrThrow({ where: { repairOrderId: order } });
    expect(survey.status).toBe('SENT');
    const open = (await openSurvey(w.db.prisma, { customerId: c.id, now: w.now() }))!;
    expect(open.questions.map((q) => q.code)).toEqual(['overall', 'recommend', 'explained', 'csi.service-advisor', 'csi.service-quality', 'comment']);
    const answer = (question: string, score?: number | null) => recordSurveyAnswer(w.db.prisma, { surveyId: survey.id, customerId: c.id, question, score, now: w.now() });
    await answer('overall', 4);
    await answer('recommend', 3);
    await answer('explained', 1);
    expect(await answer('csi.service-advisor', null)).toMatchObject({ next: { code: 'csi.service-quality' } }); // optional: skipped
    await answer('csi.service-quality', 2);
    await runner('hooked', w.db.prisma, { hook: true }).runDue();
    expect(lowScores.filter((l) => l.surveyId === survey.id)).toEqual([]); // waiting for a comment
    w.advance(15);
    await runner('hooked', w.db.prisma, { hook: true }).runDue();
    await runner('hooked', w.db.prisma, { hook: true }).runDue();
    expect(lowScores.filter((l) => l.surveyId === survey.id)).toEqual([
      { surveyId: survey.id, shopId: w.shopId, customerId: c.id, repairOrderId: order, number: expect.any(String), vehicleId: c.vehicleId, plate: c.plate, advisorId: w.advisorId, overall: 4, recommend: 3, explained: true, comment: null, at: new Date('2027-03-09T03:00:00Z') },
    ]);
    expect(await w.db.prisma.advisorTask.count({ where: { kind: 'LOW_SCORE', customerId: c.id } })).toBe(0);
    await w.db.prisma.shop.update({ where: { id: w.shopId }, data: { surveyCsiFactors: [] } });
  });

  it('is not sent to a customer with no chat account to be asked on', async () => {
    const c = await w.newCustomer({ book: [] });
    await w.db.prisma.channelIdentity.deleteMany({ where: { customerId: c.id } });
    const order = await deliver(c, new Date('2027-03-09T01:00:00Z'), 47_000);
    w.setNow(new Date('2027-03-10T03:00:00Z'));
    await runner().runDue();
    expect((await w.db.prisma.survey.findUniqueOrThrow({ where: { repairOrderId: order } })).status).toBe('CANCELLED');
    expect(await noticesFor(c.id, 'survey.invite')).toEqual([]);
  });

  it('expires after its days: answers given before are kept, later ones refused', async () => {
    const c = await w.newCustomer({ book: [] });
    const order = await deliver(c, new Date('2027-03-10T01:00:00Z'), 52_000);
    w.setNow(new Date('2027-03-11T03:00:00Z'));
    await runner().runDue();
    const survey = await w.db.prisma.survey.findUniqueOrThrow({ where: { repairOrderId: order } });
    await recordSurveyAnswer(w.db.prisma, { surveyId: survey.id, customerId: c.id, question: 'overall', score: 5, now: w.now() });
    w.setNow(new Date('2027-03-18T03:00:00Z')); // 7 days after it was sent
    expect(await openSurvey(w.db.prisma, { customerId: c.id, now: w.now() })).toBeNull();
    await expect(recordSurveyAnswer(w.db.prisma, { surveyId: survey.id, customerId: c.id, question: 'recommend', score: 9, now: w.now() })).rejects.toMatchObject({ code: 'expired' });
    await ensureDailyJobs(w.db.prisma, w.now());
    await runner().runDue();
    expect(await w.db.prisma.survey.findUniqueOrThrow({ where: { id: survey.id }, include: { responses: true } })).toMatchObject({ status: 'EXPIRED', responses: [expect.objectContaining({ question: 'overall', score: 5 })] });
  });
});
