import {
  addTaskNote,
  completeTask,
  createTask,
  shopTasks,
  snoozeTask,
  TASK_PUSH_JOB_KIND,
  TaskInputError,
  TaskNotFoundError,
  tasksFor,
  taskView,
} from '../services/advisor-tasks';
import { openComplaint } from '../services/complaints';
import { startTestApp, type TestApp } from './support/app';
import { repairWorld, type RepairWorld } from './support/repair-fixtures';

/**
 * Advisor tasks (issue 10): one way to create them (dedupe, push job in the same transaction),
 * snooze / note / done, the owner alone sees the full mobile, lists by due time with overdue
 * first and everyone's for a manager, and the REST routes over the same functions.
 */
let w: RepairWorld;
let managerId: string;
beforeAll(async () => {
  w = await repairWorld();
  managerId = (await w.db.prisma.advisor.findFirstOrThrow({ where: { shopId: w.shopId, role: 'MANAGER' } })).id;
}, 60_000);
afterAll(() => w.close());

const at = (local: string) => new Date(`${local}+08:00`);
const SATURDAY_10 = at('2026-11-28T10:00:00');
const pushesOf = async (taskId: string) => (await w.db.prisma.job.findMany({ where: { kind: TASK_PUSH_JOB_KIND } })).filter((j) => (j.payload as { taskId: string }).taskId === taskId);

/** A complaint task for a new customer of 张敏: owner 张敏, mobile 1380000NNNN. */
async function complaintTask(said = '投诉，你们把我的车划了') {
  const customer = await w.newCustomer({ book: [] });
  const facts = await openComplaint(w.db.prisma, { shopId: w.shopId, customerId: customer.id, source: 'chat', said, signal: { severe: false, reasons: ['explicit', 'damage'] }, conversationKey: `msteams/${customer.id}`, now: w.now() });
  const row = await w.db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } });
  return { customer, mobile: row.mobile, facts };
}

describe('createTask', () => {
  beforeEach(() => w.setNow(SATURDAY_10));

  it('links the task to what it is about, and enqueues one push to the owner', async () => {
    const customer = await w.newCustomer();
    const input = {
      shopId: w.shopId,
      kind: 'PARTS_SHORTAGE' as const,
      customerId: customer.id,
      bookingId: customer.bookingId,
      details: { bookingId: customer.bookingId!, partSkus: ['BRK-PAD-R'] },
      dueAt: w.now(),
      dedupeKey: `test-parts:${customer.bookingId}`,
      now: w.now(),
    };
    const first = await createTask(w.db.prisma, input);
    // Owner by default: the customer's advisor. The vehicle comes from the booking. Title: a neutral summary.
    expect(first).toMatchObject({ created: true, task: { advisorId: w.advisorId, vehicleId: customer.vehicleId, bookingId: customer.bookingId, createdAt: w.now() } });
    expect(first.task.title).toBe(`PARTS_SHORTAGE ${(await w.db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })).name} ${customer.plate}`);
    const second = await createTask(w.db.prisma, input);
    expect(second).toMatchObject({ created: false, task: { id: first.task.id } });
    const pushes = await pushesOf(first.task.id);
    expect(pushes).toEqual([expect.objectContaining({ status: 'PENDING', runAt: w.now(), payload: { taskId: first.task.id, reason: 'created' } })]);
  });

  it('concurrent raises with one key give one task and one push, in the callers’ transactions', async () => {
    const customer = await w.newCustomer({ book: [] });
    const raise = () =>
      w.db.prisma.$transaction((tx) =>
        createTask(tx, { shopId: w.shopId, kind: 'OTHER', advisorId: null, customerId: customer.id, details: {}, dueAt: w.now(), dedupeKey: `race:${customer.id}`, now: w.now() }),
      );
    const results = await Promise.all(Array.from({ length: 5 }, raise));
    expect(new Set(results.map((r) => r.task.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await pushesOf(results[0].task.id)).toHaveLength(1);
  });

  it('a caller’s transaction that fails leaves neither the task nor its push', async () => {
    const customer = await w.newCustomer({ book: [] });
    const pushesBefore = await w.db.prisma.job.count({ where: { kind: TASK_PUSH_JOB_KIND } });
    await expect(
      w.db.prisma.$transaction(async (tx) => {
        await createTask(tx, { shopId: w.shopId, kind: 'OTHER', customerId: customer.id, details: {}, dueAt: w.now(), dedupeKey: `rollback:${customer.id}`, now: w.now() });
        throw new Error('the caller failed after raising the task');
      }),
    ).rejects.toThrow('the caller failed');
    expect(await w.db.prisma.advisorTask.count({ where: { customerId: customer.id } })).toBe(0);
    expect(await w.db.prisma.job.count({ where: { kind: TASK_PUSH_JOB_KIND } })).toBe(pushesBefore);
  });
});

describe('who sees the full mobile', () => {
  beforeEach(() => w.setNow(SATURDAY_10));

  it('the owner sees name, full mobile, plate and what was said; another advisor, a manager and the REST list see it masked', async () => {
    const { customer, mobile, facts } = await complaintTask();
    const masked = `${mobile.slice(0, 3)}****${mobile.slice(7)}`;
    const owner = await taskView(w.db.prisma, facts.taskId, { advisorId: w.advisorId }, w.now());
    expect(owner).toMatchObject({
      kind: 'COMPLAINT',
      status: 'OPEN',
      viewerIsOwner: true,
      owner: { id: w.advisorId, name: '张敏' },
      person: { customerId: customer.id, mobile, mobileMasked: false },
      vehicle: { id: customer.vehicleId, plate: customer.plate },
      complaint: { id: facts.complaintId, severity: 'NORMAL', status: 'OPEN' },
      said: '投诉，你们把我的车划了',
      dueAt: facts.dueAt,
    });
    for (const viewer of [{ advisorId: w.otherAdvisorId }, { advisorId: managerId }, { advisorId: null }]) {
      const view = await taskView(w.db.prisma, facts.taskId, viewer, w.now());
      expect(view).toMatchObject({ viewerIsOwner: false, person: { mobile: masked, mobileMasked: true }, said: '投诉，你们把我的车划了' });
    }
    const rest = (await shopTasks(w.db.prisma, { shopId: w.shopId, status: 'OPEN', now: w.now() })).find((t) => t.id === facts.taskId);
    expect(rest?.person?.mobile).toBe(masked);
    // The neutral title carries no number at all.
    expect(owner.title).not.toContain(mobile);
    expect(owner.title).not.toContain(masked);
  });

  it('an advisor of another shop does not see the task', async () => {
    const { facts } = await complaintTask();
    const shop = await w.db.prisma.shop.create({ data: { code: `OTHER${Date.now()}`, name: '别家店', labourRateFen: 20_000 } });
    const stranger = await w.db.prisma.advisor.create({ data: { shopId: shop.id, name: '外人' } });
    await expect(taskView(w.db.prisma, facts.taskId, { advisorId: stranger.id }, w.now())).rejects.toThrow(TaskNotFoundError);
    await expect(completeTask(w.db.prisma, { advisorId: stranger.id, taskId: facts.taskId, now: w.now() })).rejects.toThrow(TaskNotFoundError);
  });

  it('a task for anyone shows the number to every advisor of the shop until one takes it', async () => {
    const { task } = await createTask(w.db.prisma, { shopId: w.shopId, kind: 'REGISTRATION_HELP', advisorId: null, contact: { name: '新客户', mobile: '13655556666' }, details: { identityId: 'x' }, dueAt: w.now(), now: w.now() });
    expect((await taskView(w.db.prisma, task.id, { advisorId: w.otherAdvisorId }, w.now())).person).toMatchObject({ name: '新客户', mobile: '13655556666', mobileMasked: false });
    expect((await taskView(w.db.prisma, task.id, { advisorId: null }, w.now())).person?.mobile).toBe('136****6666');
    await completeTask(w.db.prisma, { advisorId: w.advisorId, taskId: task.id, now: w.now() });
    expect((await taskView(w.db.prisma, task.id, { advisorId: w.otherAdvisorId }, w.now())).person?.mobile).toBe('136****6666');
  });
});

describe('snooze, note, done', () => {
  beforeEach(() => w.setNow(SATURDAY_10));

  it('a snoozed task leaves the list until its time, is pushed again then, and still counts as due when it was due', async () => {
    const { facts } = await complaintTask();
    const until = at('2026-11-30T09:00:00');
    await expect(snoozeTask(w.db.prisma, { advisorId: w.advisorId, taskId: facts.taskId, until: w.now(), now: w.now() })).rejects.toThrow(TaskInputError);
    const snoozed = await snoozeTask(w.db.prisma, { advisorId: w.advisorId, taskId: facts.taskId, until, now: w.now() });
    expect(snoozed).toMatchObject({ status: 'SNOOZED', snoozedUntil: until, dueAt: facts.dueAt });
    // The same snooze again is one snooze.
    await snoozeTask(w.db.prisma, { advisorId: w.advisorId, taskId: facts.taskId, until, now: w.advance(1) });
    expect((await pushesOf(facts.taskId)).map((j) => [j.runAt, (j.payload as { reason: string }).reason])).toEqual([
      [SATURDAY_10, 'created'],
      [until, 'snooze-ended'],
    ]);
    expect(await w.db.prisma.auditEvent.count({ where: { entityId: facts.taskId, action: 'task.snoozed' } })).toBe(1);

    const ids = async (options: { includeSnoozed?: boolean } = {}) => (await tasksFor(w.db.prisma, w.advisorId, { now: w.now(), limit: 500, ...options })).map((t) => t.id);
    expect(await ids()).not.toContain(facts.taskId);
    expect(await ids({ includeSnoozed: true })).toContain(facts.taskId);
    expect((await taskView(w.db.prisma, facts.taskId, { advisorId: w.advisorId }, w.now())).status).toBe('SNOOZED');
    w.setNow(until);
    expect(await ids()).toContain(facts.taskId);
    expect((await taskView(w.db.prisma, facts.taskId, { advisorId: w.advisorId }, w.now())).status).toBe('OPEN');
  });

  it('notes are kept in order with their author; a note sent twice with one key is stored once', async () => {
    const { facts } = await complaintTask();
    expect(await addTaskNote(w.db.prisma, { advisorId: w.advisorId, taskId: facts.taskId, text: '已致电，无人接听', idempotencyKey: 'activity-1', now: w.advance(5) })).toEqual({ taskId: facts.taskId, added: true });
    expect(await addTaskNote(w.db.prisma, { advisorId: w.advisorId, taskId: facts.taskId, text: '已致电，无人接听', idempotencyKey: 'activity-1', now: w.advance(1) })).toEqual({ taskId: facts.taskId, added: false });
    await addTaskNote(w.db.prisma, { advisorId: managerId, taskId: facts.taskId, text: '下午再打一次 [链接](https://x.example)', now: w.advance(5) });
    await expect(addTaskNote(w.db.prisma, { advisorId: w.advisorId, taskId: facts.taskId, text: '   ', now: w.now() })).rejects.toThrow(TaskInputError);
    const view = await taskView(w.db.prisma, facts.taskId, { advisorId: w.advisorId }, w.now());
    expect(view.notes.map((n) => [n.text, n.author?.name, n.closing])).toEqual([
      ['已致电，无人接听', '张敏', false],
      ['下午再打一次 ［链接］（x.example）', '王经理', false],
    ]);
  });

  it('done with a note: once, audited; the complaint is in hand; a second done is refused', async () => {
    const { facts } = await complaintTask();
    await snoozeTask(w.db.prisma, { advisorId: w.advisorId, taskId: facts.taskId, until: at('2026-11-28T15:00:00'), now: w.now() });
    const outcomes = await Promise.allSettled(Array.from({ length: 3 }, () => completeTask(w.db.prisma, { advisorId: w.advisorId, taskId: facts.taskId, note: '已道歉，周一免费抛光', now: w.now() })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').every((o) => (o as PromiseRejectedResult).reason instanceof TaskNotFoundError)).toBe(true);
    const view = await taskView(w.db.prisma, facts.taskId, { advisorId: w.advisorId }, w.now());
    expect(view).toMatchObject({ status: 'DONE', completedAt: w.now(), overdue: false });
    expect(view.notes).toEqual([expect.objectContaining({ text: '已道歉，周一免费抛光', closing: true })]);
    expect(await w.db.prisma.auditEvent.count({ where: { entityId: facts.taskId, action: 'task.completed' } })).toBe(1);
    expect((await w.db.prisma.complaint.findUniqueOrThrow({ where: { id: facts.complaintId } })).status).toBe('IN_PROGRESS');
    await expect(snoozeTask(w.db.prisma, { advisorId: w.advisorId, taskId: facts.taskId, until: at('2026-12-01T09:00:00'), now: w.now() })).rejects.toThrow(TaskNotFoundError);
  });
});

describe('lists', () => {
  it('by due time with overdue first; a manager sees everyone’s, an advisor theirs and those for anyone', async () => {
    w.setNow(at('2026-12-02T10:00:00'));
    const customer = await w.newCustomer({ book: [] });
    const make = (advisorId: string | null, due: string) =>
      createTask(w.db.prisma, { shopId: w.shopId, kind: 'OTHER', advisorId, customerId: customer.id, details: {}, dueAt: at(due), now: w.now() }).then((r) => r.task.id);
    const later = await make(w.advisorId, '2026-12-03T10:00:00');
    const overdue = await make(w.advisorId, '2026-12-02T09:00:00');
    const moreOverdue = await make(null, '2026-12-01T09:00:00');
    const others = await make(w.otherAdvisorId, '2026-12-02T11:00:00');

    const mine = (await tasksFor(w.db.prisma, w.advisorId, { now: w.now(), limit: 500 })).filter((t) => t.person?.customerId === customer.id);
    expect(mine.map((t) => [t.id, t.overdue])).toEqual([
      [moreOverdue, true],
      [overdue, true],
      [later, false],
    ]);
    const all = (await tasksFor(w.db.prisma, managerId, { now: w.now(), manager: true, limit: 500 })).filter((t) => t.person?.customerId === customer.id);
    expect(all.map((t) => t.id)).toEqual([moreOverdue, overdue, others, later]);
    // Full only where the manager is the owner — and on the task for anyone, which any advisor may take.
    expect(all.map((t) => t.person?.mobileMasked)).toEqual([false, true, true, true]);
    await expect(tasksFor(w.db.prisma, w.advisorId, { now: w.now(), manager: true })).rejects.toMatchObject({ code: 'not-a-manager' });
  });
});

describe('REST /api/v1/tasks', () => {
  const KEY = 'test-api-key-0123456789';
  const NOW = new Date('2026-11-28T02:00:00Z');
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AFTERCARE_API_KEY: KEY }, () => NOW);
  }, 60_000);
  afterAll(() => t.close());
  const api = (path: string, body?: unknown) =>
    fetch(`${t.url}${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY }, body: body === undefined ? undefined : JSON.stringify(body) });

  it('lists tasks with their links and the mobile masked; snooze, note and done on behalf of an advisor, audited with the key', async () => {
    const shop = await t.db.prisma.shop.findFirstOrThrow();
    const advisor = await t.db.prisma.advisor.findFirstOrThrow({ where: { shopId: shop.id, name: '张敏' } });
    const customer = await t.db.prisma.customer.create({ data: { shopId: shop.id, name: '冯女士', mobile: '13512345678', advisorId: advisor.id } });
    const vehicle = await t.db.prisma.vehicle.create({ data: { shopId: shop.id, customerId: customer.id, plate: '沪D77777' } });
    const facts = await openComplaint(t.db.prisma, { shopId: shop.id, customerId: customer.id, source: 'chat', said: '我要打12315', signal: { severe: true, reasons: ['regulator'] }, now: NOW });

    const list = (await (await api('/api/v1/tasks')).json()) as { tasks: Array<Record<string, unknown>> };
    const row = list.tasks.find((x) => x.id === facts.taskId);
    expect(row).toMatchObject({
      kind: 'COMPLAINT',
      status: 'OPEN',
      advisor: '张敏',
      advisorId: advisor.id,
      escalationLevel: 1,
      customer: { id: customer.id, name: '冯女士', mobile: '135****5678' },
      vehicle: { id: vehicle.id, plate: '沪D77777' },
      complaint: { id: facts.complaintId, severity: 'MAJOR', status: 'OPEN' },
      said: '我要打12315',
      notes: [],
    });
    expect(JSON.stringify(list)).not.toContain('13512345678');

    expect((await api(`/api/v1/tasks/${facts.taskId}/snooze`, { advisorId: advisor.id, until: '2026-11-28T09:00:00+08:00' })).status).toBe(400);
    const snoozed = await api(`/api/v1/tasks/${facts.taskId}/snooze`, { advisorId: advisor.id, until: '2026-11-28T15:00:00+08:00' });
    expect(await snoozed.json()).toEqual({ id: facts.taskId, status: 'SNOOZED', snoozedUntil: '2026-11-28T07:00:00.000Z' });
    const snoozedList = (await (await api('/api/v1/tasks?status=SNOOZED')).json()) as { tasks: Array<{ id: string }> };
    expect(snoozedList.tasks.map((x) => x.id)).toContain(facts.taskId);

    for (let i = 0; i < 2; i++) {
      const note = await api(`/api/v1/tasks/${facts.taskId}/notes`, { advisorId: advisor.id, text: '客户要求经理回电', requestId: 'dms-42' });
      expect(await note.json()).toEqual({ taskId: facts.taskId, added: i === 0 });
    }
    expect((await api(`/api/v1/tasks/${facts.taskId}/notes`, { advisorId: advisor.id, text: '' })).status).toBe(400);
    expect((await api(`/api/v1/tasks/${facts.taskId}/notes`, { advisorId: advisor.id, text: 'x', extra: true })).status).toBe(400);

    const done = await api(`/api/v1/tasks/${facts.taskId}/complete`, { advisorId: advisor.id, note: '经理已回电' });
    expect(await done.json()).toEqual({ id: facts.taskId, status: 'DONE' });
    expect((await api(`/api/v1/tasks/${facts.taskId}/complete`, { advisorId: advisor.id })).status).toBe(404);
    expect((await api(`/api/v1/tasks/${facts.taskId}/snooze`, { advisorId: advisor.id, until: '2026-11-29T15:00:00+08:00' })).status).toBe(404);

    const closed = (await (await api('/api/v1/tasks?status=DONE')).json()) as { tasks: Array<{ id: string; notes: Array<{ text: string; closing: boolean; author: string | null }> }> };
    expect(closed.tasks.find((x) => x.id === facts.taskId)?.notes).toEqual([
      { text: '客户要求经理回电', closing: false, at: NOW.toISOString(), author: 'api-key' },
      { text: '经理已回电', closing: true, at: NOW.toISOString(), author: 'api-key' },
    ]);
    const audits = await t.db.prisma.auditEvent.findMany({ where: { entityId: facts.taskId } });
    expect(audits.map((a) => [a.action, a.actorType, a.actorId, (a.data as { advisorId?: string } | null)?.advisorId]).sort()).toEqual([
      ['task.completed', 'api-key', 'env', advisor.id],
      ['task.noted', 'api-key', 'env', advisor.id],
      ['task.snoozed', 'api-key', 'env', advisor.id],
    ]);
  });
});
