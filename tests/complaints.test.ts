import { JobRunner } from '../services/jobs';
import { jobHandlers } from '../bot/job-handlers';
import type { ProactiveMessenger } from '../bot/proactive';
import { completeTask, taskView, TASK_PUSH_JOB_KIND } from '../services/advisor-tasks';
import {
  checkComplaintDeadline,
  COMPLAINT_SLA_JOB_KIND,
  ComplaintError,
  complaintsOf,
  openComplaint,
  resolveComplaint,
  type OpenComplaintInput,
} from '../services/complaints';
import { CUSTOMER_NOTICE_JOB_KIND } from '../services/repair-orders';
import { understand } from '../services/understanding';
import { demoUnderstandingContext } from '../services/understanding/demo-context';
import { repairWorld, type RepairWorld } from './support/repair-fixtures';

/**
 * Complaints (issue 10): severity by rule from what the recogniser hears, the call-back promise
 * on the shop calendar, the same complaint said twice, repeats, escalation of a missed promise,
 * resolution. The clock is the test's: nothing waits in real time.
 */
let w: RepairWorld;
let managerId: string;
beforeAll(async () => {
  w = await repairWorld();
  managerId = (await w.db.prisma.advisor.findFirstOrThrow({ where: { shopId: w.shopId, role: 'MANAGER' } })).id;
}, 60_000);
afterAll(() => w.close());

/** Shanghai wall-clock time as an instant. */
const at = (local: string) => new Date(`${local}+08:00`);
const SATURDAY_10 = at('2026-11-28T10:00:00');

/** What the recogniser hears in a message, as the chat would pass it on. */
const signal = (text: string, now = SATURDAY_10) => understand(text, demoUnderstandingContext(now, 'Asia/Shanghai')).complaint;

async function complain(text: string, extra: Partial<OpenComplaintInput> & { customerId?: string } = {}) {
  const customerId = extra.customerId ?? (await w.newCustomer({ book: [] })).id;
  const now = extra.now ?? w.now();
  const facts = await openComplaint(w.db.prisma, { shopId: w.shopId, customerId, source: 'chat', said: text, signal: signal(text, now), conversationKey: `msteams/${customerId}`, ...extra, now });
  return { customerId, facts };
}

const tasksOf = (complaintId: string) => w.db.prisma.advisorTask.findMany({ where: { complaintId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
const jobsOf = async (kind: string, key: string, value: string) =>
  (await w.db.prisma.job.findMany({ where: { kind }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })).filter((j) => (j.payload as Record<string, unknown>)[key] === value);

describe('what the customer said decides the severity', () => {
  beforeEach(() => w.setNow(SATURDAY_10));

  it.each([
    ['投诉', 'NORMAL', ['explicit']],
    ['太差了', 'NORMAL', ['dissatisfied']],
    ['划了我的车', 'NORMAL', ['damage']],
    ['I want to complain', 'NORMAL', ['explicit']],
    ['我要打12315', 'MAJOR', ['regulator']],
    ['曝光你们', 'MAJOR', ['media']],
    ['I will call my lawyer about this', 'MAJOR', ['legal']],
    ['My brakes failed after your service, I nearly crashed', 'MAJOR', ['safety', 'after-service']],
  ] as const)('%s → %s', async (text, severity, reasons) => {
    expect(signal(text)).not.toBeNull();
    const { customerId, facts } = await complain(text);
    expect(facts).toMatchObject({ created: true, severity, owner: { id: w.advisorId, name: '张敏' }, repeatOf: null });
    expect(facts.reasons).toEqual(expect.arrayContaining([...reasons]));
    // One working day: Saturday 10:00 → Monday 10:00 (Sunday is closed).
    expect(facts.dueAt).toEqual(at('2026-11-30T10:00:00'));

    const complaint = await w.db.prisma.complaint.findUniqueOrThrow({ where: { id: facts.complaintId } });
    expect(complaint).toMatchObject({ customerId, severity, status: 'OPEN', source: 'chat', description: text, advisorId: w.advisorId, contactBy: facts.dueAt });
    expect(complaint.reasons).toEqual(facts.reasons);

    const tasks = await tasksOf(facts.complaintId);
    const owner = tasks.find((t) => t.advisorId === w.advisorId)!;
    expect(owner).toMatchObject({ id: facts.taskId, kind: 'COMPLAINT', status: 'OPEN', customerId, dueAt: facts.dueAt, said: text, escalationLevel: severity === 'MAJOR' ? 1 : 0 });
    expect(owner.details).toMatchObject({ role: 'owner', severity });
    // Every new task is pushed to its owner, in the same transaction.
    for (const task of tasks) expect(await jobsOf(TASK_PUSH_JOB_KIND, 'taskId', task.id)).toHaveLength(1);
    // The call-back time is checked by a durable job.
    expect(await jobsOf(COMPLAINT_SLA_JOB_KIND, 'complaintId', facts.complaintId)).toEqual([expect.objectContaining({ runAt: facts.dueAt, status: 'PENDING' })]);

    if (severity === 'MAJOR') {
      expect(facts.managersTold).toEqual([{ id: managerId, name: '王经理' }]);
      expect(tasks.filter((t) => t.advisorId === managerId)).toEqual([expect.objectContaining({ kind: 'COMPLAINT', details: expect.objectContaining({ role: 'manager-alert', ownerTaskId: owner.id }) })]);
    } else {
      expect(facts.managersTold).toEqual([]);
      expect(tasks).toHaveLength(1);
    }
  });

  it('safety words said within a complaint make it major, though on their own they are a symptom to book', async () => {
    // The recogniser books "刹车失灵差点出事" in as a fault; told as a complaint it is a 重大投诉.
    expect(signal('刹车失灵差点出事')).toBeNull();
    const { facts } = await complain('刹车失灵差点出事', { signal: null });
    expect(facts).toMatchObject({ severity: 'MAJOR', reasons: ['safety'], managersTold: [{ id: managerId, name: '王经理' }] });
  });

  it('a complaint from someone not registered is owned by the shop’s first advisor, with their number for the owner only', async () => {
    const identity = await w.db.prisma.channelIdentity.create({ data: { channel: 'wechat', externalId: `wx-${Date.now()}` } });
    const facts = await openComplaint(w.db.prisma, {
      shopId: w.shopId,
      identityId: identity.id,
      contact: { name: '路人甲', mobile: '13711112222' },
      source: 'chat',
      said: '投诉你们的服务',
      signal: signal('投诉你们的服务'),
      notifyCustomer: true,
      now: w.now(),
    });
    const first = await w.db.prisma.advisor.findFirstOrThrow({ where: { shopId: w.shopId, role: 'ADVISOR', active: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    expect(facts.owner).toEqual({ id: first.id, name: first.name });
    const ownerView = await taskView(w.db.prisma, facts.taskId, { advisorId: first.id }, w.now());
    expect(ownerView.person).toEqual({ customerId: null, name: '路人甲', mobile: '13711112222', mobileMasked: false });
    const other = (await w.db.prisma.advisor.findFirstOrThrow({ where: { shopId: w.shopId, role: 'ADVISOR', NOT: { id: first.id } } })).id;
    expect((await taskView(w.db.prisma, facts.taskId, { advisorId: other }, w.now())).person?.mobile).toBe('137****2222');
    // No customer row to write to: the advisor's call carries the promise.
    expect(await jobsOf(CUSTOMER_NOTICE_JOB_KIND, 'complaintId', facts.complaintId)).toEqual([]);
  });

  it('refuses a complaint that is nobody’s, or about another customer’s repair order', async () => {
    await expect(openComplaint(w.db.prisma, { shopId: w.shopId, source: 'api', said: '投诉', signal: null, now: w.now() })).rejects.toThrow(ComplaintError);
    const { customerId } = await complain('投诉');
    const stranger = await w.newCustomer({ book: [] });
    const order = await w.db.prisma.repairOrder.create({
      data: { shopId: w.shopId, number: 'RO-20261128-9901', customerId: stranger.id, vehicleId: stranger.vehicleId, concern: 'x', checkedInAt: w.now() },
    });
    await expect(complain('投诉', { customerId, repairOrderId: order.id })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('the same complaint said twice, and repeats', () => {
  beforeEach(() => w.setNow(SATURDAY_10));

  it('further words in the same conversation within the hour are the same complaint, and may make it major', async () => {
    const { customerId, facts: first } = await complain('投诉');
    expect(first.severity).toBe('NORMAL');
    w.advance(10);
    const second = await complain('再不处理我要打12315', { customerId });
    expect(second.facts).toMatchObject({ complaintId: first.complaintId, created: false, severity: 'MAJOR', becameMajor: true, taskId: first.taskId, dueAt: first.dueAt });
    expect(second.facts.reasons).toEqual(['explicit', 'regulator']);
    expect(second.facts.managersTold).toEqual([{ id: managerId, name: '王经理' }]);
    // Said again (a redelivered message): nothing new.
    w.advance(1);
    const third = await complain('再不处理我要打12315', { customerId });
    expect(third.facts).toMatchObject({ complaintId: first.complaintId, created: false, becameMajor: false, managersTold: [] });

    const complaint = await w.db.prisma.complaint.findUniqueOrThrow({ where: { id: first.complaintId } });
    expect(complaint.description).toBe('投诉\n再不处理我要打12315');
    const tasks = await tasksOf(first.complaintId);
    expect(tasks.map((t) => (t.details as { role: string }).role).sort()).toEqual(['manager-alert', 'owner']);
    expect(tasks.find((t) => t.id === first.taskId)).toMatchObject({ escalationLevel: 1, said: '投诉\n再不处理我要打12315' });
    expect(await w.db.prisma.complaint.count({ where: { customerId } })).toBe(1);
  });

  it('words in another conversation within the hour are another complaint, a repeat of the first', async () => {
    const { customerId, facts: first } = await complain('投诉');
    w.advance(10);
    const elsewhere = await complain('投诉', { customerId, conversationKey: `wechat/${customerId}` });
    expect(elsewhere.facts).toMatchObject({ created: true, severity: 'MAJOR', repeatOf: { complaintId: first.complaintId } });
    expect(elsewhere.facts.complaintId).not.toBe(first.complaintId);
    expect(await w.db.prisma.complaint.count({ where: { customerId } })).toBe(2);
  });

  it('the same message delivered five times at once opens one complaint', async () => {
    const customer = await w.newCustomer({ book: [] });
    const results = await Promise.all(Array.from({ length: 5 }, () => complain('I want to complain', { customerId: customer.id })));
    expect(new Set(results.map((r) => r.facts.complaintId)).size).toBe(1);
    expect(results.filter((r) => r.facts.created)).toHaveLength(1);
    expect(await w.db.prisma.advisorTask.count({ where: { customerId: customer.id, kind: 'COMPLAINT' } })).toBe(1);
  });

  it('a complaint within 90 days of an earlier one is a repeat: 重大投诉; after 90 days it is not', async () => {
    const { customerId, facts: first } = await complain('太差了');
    await resolveComplaint(w.db.prisma, { complaintId: first.complaintId, advisorId: w.advisorId, resolution: '已致歉并免费补做', now: w.advance(60) });
    w.setNow(at('2027-02-25T10:00:00')); // 89 days later
    const repeat = await complain('太差了', { customerId });
    expect(repeat.facts).toMatchObject({ created: true, severity: 'MAJOR', repeatOf: { complaintId: first.complaintId }, managersTold: [{ id: managerId, name: '王经理' }] });
    expect(repeat.facts.reasons).toEqual(['dissatisfied', 'repeat']);
    expect((await w.db.prisma.complaint.findUniqueOrThrow({ where: { id: repeat.facts.complaintId } })).repeatOfId).toBe(first.complaintId);

    w.setNow(SATURDAY_10);
    const other = await complain('太差了');
    w.setNow(new Date(SATURDAY_10.getTime() + 91 * 86_400_000));
    const later = await complain('太差了', { customerId: other.customerId });
    expect(later.facts).toMatchObject({ created: true, severity: 'NORMAL', repeatOf: null, reasons: ['dissatisfied'] });
  });

  it('words after an hour of quiet are a new complaint, which repeats the first', async () => {
    const { customerId, facts: first } = await complain('投诉');
    w.advance(61);
    const again = await complain('投诉', { customerId });
    expect(again.facts).toMatchObject({ created: true, severity: 'MAJOR', repeatOf: { complaintId: first.complaintId } });
  });
});

describe('the call-back promise on the shop calendar', () => {
  it.each([
    ['a holiday week (国庆): Thursday before it → the Friday after', '2027-09-30T15:00:00', '2027-10-08T15:00:00'],
    ['a make-up working day (调休): Saturday → the Sunday that is worked', '2027-09-25T15:00:00', '2027-09-26T15:00:00'],
    ['after Saturday’s close → the make-up Sunday opens, one day on is Monday', '2027-09-25T17:30:00', '2027-09-27T08:30:00'],
    ['Thursday evening before 春节 → a whole working day after the holiday (Monday 15th) → Tuesday’s opening', '2027-02-04T19:00:00', '2027-02-16T08:30:00'],
  ])('%s', async (_label, said, due) => {
    w.setNow(at(said));
    const { facts } = await complain('投诉');
    expect(facts.dueAt).toEqual(at(due));
  });

  it('counts a holiday added to the shop calendar', async () => {
    // A test holiday on Monday 30 November 2026: Saturday's complaint is due on Tuesday.
    const day = await w.db.prisma.workingCalendarDay.create({ data: { shopId: w.shopId, date: new Date('2026-11-30T00:00:00Z'), kind: 'HOLIDAY', name: '测试假日' } });
    try {
      w.setNow(SATURDAY_10);
      const { facts } = await complain('投诉');
      expect(facts.dueAt).toEqual(at('2026-12-01T10:00:00'));
    } finally {
      await w.db.prisma.workingCalendarDay.delete({ where: { id: day.id } });
    }
  });
});

describe('a missed promise escalates and is re-stated', () => {
  const handlers = () => {
    const all = jobHandlers(w.db.prisma, { send: async () => 'sent' } as unknown as ProactiveMessenger);
    return { [COMPLAINT_SLA_JOB_KIND]: all[COMPLAINT_SLA_JOB_KIND] };
  };
  const runner = (workerId: string) => new JobRunner(w.db.prisma, { handlers: handlers(), now: () => w.now(), workerId });

  it('escalates an overdue task to the manager once, tells the customer the new time, and stops when the call is made', async () => {
    w.setNow(SATURDAY_10);
    const { customerId, facts } = await complain('太差了');
    const monday = at('2026-11-30T10:00:00');
    const tuesday = at('2026-12-01T10:00:00');

    w.setNow(at('2026-11-30T09:59:00'));
    await runner('a').runDue();
    expect((await w.db.prisma.advisorTask.findUniqueOrThrow({ where: { id: facts.taskId } })).escalationLevel).toBe(0);

    // Due: two workers race for the job; it runs once. The new promise is a working day from now.
    w.setNow(monday);
    await Promise.all([runner('a').runDue(), runner('b').runDue()]);
    const task = await w.db.prisma.advisorTask.findUniqueOrThrow({ where: { id: facts.taskId } });
    expect(task).toMatchObject({ status: 'OPEN', escalationLevel: 1, escalatedAt: w.now(), dueAt: tuesday, originalDueAt: monday });
    const escalations = (await tasksOf(facts.complaintId)).filter((t) => (t.details as { role: string }).role === 'escalation');
    expect(escalations).toEqual([expect.objectContaining({ advisorId: managerId, dueAt: tuesday, details: expect.objectContaining({ level: 1, ownerTaskId: task.id }) })]);
    expect(await jobsOf(TASK_PUSH_JOB_KIND, 'taskId', escalations[0].id)).toHaveLength(1);
    const notices = await jobsOf(CUSTOMER_NOTICE_JOB_KIND, 'complaintId', facts.complaintId);
    expect(notices.map((n) => n.payload)).toEqual([
      { notice: 'complaint.followup', customerId, complaintId: facts.complaintId, advisorName: '张敏', dueAt: tuesday.toISOString(), restated: true },
    ]);
    expect(await w.db.prisma.complaint.findUniqueOrThrow({ where: { id: facts.complaintId } })).toMatchObject({ contactBy: tuesday, restatedCount: 1 });
    expect((await jobsOf(COMPLAINT_SLA_JOB_KIND, 'complaintId', facts.complaintId)).map((j) => [j.status, j.runAt])).toEqual([
      ['DONE', monday],
      ['PENDING', tuesday],
    ]);

    // A second pass, and the old job's payload again: nothing more.
    await runner('a').runDue();
    expect(await checkComplaintDeadline(w.db.prisma, { complaintId: facts.complaintId, taskId: facts.taskId, dueAt: monday.toISOString(), now: w.now() })).toEqual({ escalated: false, skipped: 'moved' });
    expect(await jobsOf(CUSTOMER_NOTICE_JOB_KIND, 'complaintId', facts.complaintId)).toHaveLength(1);

    // The owner calls on Tuesday morning: the complaint is in hand, the next check does nothing.
    w.setNow(at('2026-12-01T09:00:00'));
    await completeTask(w.db.prisma, { advisorId: w.advisorId, taskId: facts.taskId, note: '已电话联系，客户同意周四回店复查', now: w.now() });
    expect((await w.db.prisma.complaint.findUniqueOrThrow({ where: { id: facts.complaintId } })).status).toBe('IN_PROGRESS');
    w.setNow(at('2026-12-01T10:30:00'));
    await runner('a').runDue();
    expect(await jobsOf(CUSTOMER_NOTICE_JOB_KIND, 'complaintId', facts.complaintId)).toHaveLength(1);
    expect((await w.db.prisma.advisorTask.findUniqueOrThrow({ where: { id: facts.taskId } })).escalationLevel).toBe(1);
  });

  it('a major complaint left overdue escalates one level more, the manager told again', async () => {
    w.setNow(SATURDAY_10);
    const { facts } = await complain('曝光你们');
    w.setNow(at('2026-11-30T10:00:00'));
    const outcome = await checkComplaintDeadline(w.db.prisma, { complaintId: facts.complaintId, taskId: facts.taskId, dueAt: facts.dueAt.toISOString(), now: w.now() });
    expect(outcome).toMatchObject({ escalated: true, level: 2, newDueAt: at('2026-12-01T10:00:00'), managersTold: [{ id: managerId, name: '王经理' }] });
    const roles = (await tasksOf(facts.complaintId)).map((t) => (t.details as { role: string }).role);
    expect(roles.sort()).toEqual(['escalation', 'manager-alert', 'owner']);
  });

  it('a complaint taken by an advisor tells the customer the promise too', async () => {
    w.setNow(SATURDAY_10);
    const { customerId, facts } = await complain('客户来电投诉等待时间太长', { source: 'advisor', notifyCustomer: true, actor: { type: 'advisor', id: w.advisorId }, conversationKey: null });
    const notices = await jobsOf(CUSTOMER_NOTICE_JOB_KIND, 'complaintId', facts.complaintId);
    expect(notices.map((n) => n.payload)).toEqual([{ notice: 'complaint.followup', customerId, complaintId: facts.complaintId, advisorName: '张敏', dueAt: facts.dueAt.toISOString(), restated: false }]);
  });
});

describe('resolution', () => {
  it('only the owner or a manager resolves; the tasks close with the resolution and no escalation follows; again is the same', async () => {
    w.setNow(SATURDAY_10);
    const { customerId, facts } = await complain('我要投诉，刹车失灵差点出事');
    expect(facts.severity).toBe('MAJOR');
    await expect(resolveComplaint(w.db.prisma, { complaintId: facts.complaintId, advisorId: w.otherAdvisorId, resolution: '处理好了', now: w.now() })).rejects.toMatchObject({ code: 'not-allowed' });
    await expect(resolveComplaint(w.db.prisma, { complaintId: facts.complaintId, advisorId: managerId, resolution: '   ', now: w.now() })).rejects.toMatchObject({ code: 'invalid' });

    const resolved = await resolveComplaint(w.db.prisma, { complaintId: facts.complaintId, advisorId: managerId, resolution: '免费更换刹车总泵，经理致歉', now: w.advance(120) });
    expect(resolved).toMatchObject({ status: 'RESOLVED', alreadyResolved: false, tasksClosed: 2 });
    const tasks = await tasksOf(facts.complaintId);
    expect(tasks.every((t) => t.status === 'DONE')).toBe(true);
    expect(await w.db.prisma.advisorTaskNote.findMany({ where: { taskId: facts.taskId } })).toEqual([expect.objectContaining({ text: '免费更换刹车总泵，经理致歉', closing: true, actorId: managerId })]);
    expect((await jobsOf(COMPLAINT_SLA_JOB_KIND, 'complaintId', facts.complaintId)).map((j) => j.status)).toEqual(['CANCELLED']);
    expect(await w.db.prisma.auditEvent.count({ where: { entityId: facts.complaintId, action: 'complaint.resolved' } })).toBe(1);

    const again = await resolveComplaint(w.db.prisma, { complaintId: facts.complaintId, advisorId: w.advisorId, resolution: '另一个说法', now: w.advance(5) });
    expect(again).toMatchObject({ alreadyResolved: true, resolution: '免费更换刹车总泵，经理致歉', resolvedAt: resolved.resolvedAt });

    const [summary] = await complaintsOf(w.db.prisma, { shopId: w.shopId, customerId });
    expect(summary).toMatchObject({ id: facts.complaintId, severity: 'MAJOR', status: 'RESOLVED', owner: { id: w.advisorId, name: '张敏' }, resolution: '免费更换刹车总泵，经理致歉' });
  });
});
