import crypto from 'node:crypto';
import type { Actor } from './actor';
import type { Prisma, PrismaClient } from './db/client';
import { maskMobile } from './registration';
import { plainName, plainText } from './text';

/**
 * The advisor's work list: follow-up tasks raised by the bot (handoffs, registration help,
 * declined work, promises at risk, complaints …). Every task is created by createTask, which
 * enqueues the push to its owner in the same transaction; every query is scoped to a shop.
 *
 * A task stores facts — its kind, typed details, the ids of what it is about (customer,
 * vehicle, booking, repair order, complaint), the contact to call back and what the customer
 * said. Screens word it themselves; `title` is only a neutral summary for database readers.
 * The full mobile number is shown to the task's owner alone (taskView); lists for others,
 * the REST API and logs get it masked.
 */

type Db = PrismaClient | Prisma.TransactionClient;
type Tx = Prisma.TransactionClient;
type TaskRow = Prisma.AdvisorTaskGetPayload<object>;
export type AdvisorTaskKind = TaskRow['kind'];
export type AdvisorTaskStatus = TaskRow['status'];

/** Job that pushes a task to its owner (Teams card, WeChat/console text); the bot's handler renders it. */
export const TASK_PUSH_JOB_KIND = 'advisor.task-push';

export interface TaskPushPayload {
  taskId: string;
  /** "created": a new task; "snooze-ended": a snoozed task is due for attention again. */
  reason: 'created' | 'snooze-ended';
}

/** Per kind, the facts a task carries in `details` (ids as strings, instants as ISO strings, money in fen). */
export interface TaskDetailsByKind {
  HANDOFF: { identityId: string; reason: string | null; conversationKey: string };
  PARTS_SHORTAGE: { bookingId: string; partSkus: string[] };
  REGISTRATION_HELP: { identityId: string; channel?: string | null; collected?: Record<string, unknown>; check?: 'link'; customerId?: string };
  PROMISE_AT_RISK: { repairOrderId: string; number: string; promisedAt: string; status: string };
  DECLINED_WORK: { itemId: string; repairOrderId: string; vehicleId: string; decision: 'DEFERRED' | 'DECLINED'; urgency: string; priceFen: number; reason: string };
  APPROVAL_EXPIRED: { repairOrderId: string; requestId: string; version: number; itemIds: string[]; items: string[] };
  COMPLAINT: ComplaintTaskDetails;
  LOW_SCORE: Record<string, unknown>;
  MAINTENANCE_DUE: Record<string, unknown>;
  NO_SHOW: Record<string, unknown>;
  OTHER: Record<string, unknown>;
}

export interface ComplaintTaskDetails {
  severity: 'NORMAL' | 'MAJOR';
  reasons: string[];
  /**
   * "owner": call the customer back within the SLA; "manager-alert": a 重大投诉, the manager is
   * told at once; "escalation": the owner's task went overdue (level = how often).
   */
  role: 'owner' | 'manager-alert' | 'escalation';
  level?: number;
  /** The owner's task, on a manager's task. */
  ownerTaskId?: string;
  ownerId?: string | null;
}

export interface NewTask<K extends AdvisorTaskKind = AdvisorTaskKind> {
  shopId: string;
  kind: K;
  /** The owner: an advisor id, null for anyone in the shop. Left out: ownerFor (the customer's advisor, else the shop's first). */
  advisorId?: string | null;
  customerId?: string | null;
  /** Left out: the booking's, repair order's or complaint's vehicle, or the customer's only one. */
  vehicleId?: string | null;
  bookingId?: string | null;
  repairOrderId?: string | null;
  complaintId?: string | null;
  /** Who to call back when it is not (only) the customer row: full number, shown to the owner alone. */
  contact?: { name?: string | null; mobile?: string | null } | null;
  /** What the customer said, in their words. */
  said?: string | null;
  details: TaskDetailsByKind[K];
  /** Neutral summary for database readers; default: kind, name and plate. */
  title?: string;
  dueAt: Date;
  /** Raised once per key: a second call returns the first task (created: false) and pushes nothing. */
  dedupeKey?: string | null;
  now: Date;
}

export interface CreatedTask {
  task: TaskRow;
  /** False when the dedupe key named a task raised before. */
  created: boolean;
}

const TX_OPTIONS = { maxWait: 30_000, timeout: 30_000 } as const;

// A transaction client has $transaction too (nested ones, which PGlite cannot do) but no $disconnect.
function isClient(db: Db): db is PrismaClient {
  return typeof (db as PrismaClient).$disconnect === 'function';
}

/** Runs `work` in the caller's transaction, or in a new one when given the client. */
async function withTx<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return isClient(db) ? db.$transaction(work, TX_OPTIONS) : work(db);
}

/**
 * Who owns a task about a customer: their own advisor while active, else the shop's first
 * active advisor, else its first active manager (null only in a shop without staff).
 */
export async function ownerFor(db: Db, shopId: string, customerId?: string | null): Promise<{ id: string; name: string } | null> {
  if (customerId) {
    const customer = await db.customer.findUnique({ where: { id: customerId }, select: { advisor: { select: { id: true, name: true, active: true, shopId: true } } } });
    const own = customer?.advisor;
    if (own && own.active && own.shopId === shopId) return { id: own.id, name: own.name };
  }
  for (const role of ['ADVISOR', 'MANAGER'] as const) {
    const first = await db.advisor.findFirst({ where: { shopId, active: true, role }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true, name: true } });
    if (first) return first;
  }
  return null;
}

async function vehicleOf(db: Db, input: NewTask): Promise<string | null> {
  if (input.vehicleId !== undefined) return input.vehicleId;
  if (input.repairOrderId) {
    const order = await db.repairOrder.findUnique({ where: { id: input.repairOrderId }, select: { vehicleId: true } });
    if (order) return order.vehicleId;
  }
  if (input.bookingId) {
    const booking = await db.booking.findUnique({ where: { id: input.bookingId }, select: { vehicleId: true } });
    if (booking) return booking.vehicleId;
  }
  if (input.complaintId) {
    const complaint = await db.complaint.findUnique({ where: { id: input.complaintId }, select: { vehicleId: true } });
    if (complaint?.vehicleId) return complaint.vehicleId;
  }
  if (input.customerId) {
    const vehicles = await db.vehicle.findMany({ where: { customerId: input.customerId }, select: { id: true }, take: 2 });
    if (vehicles.length === 1) return vehicles[0].id;
  }
  return null;
}

async function neutralTitle(db: Db, kind: AdvisorTaskKind, customerId: string | null, vehicleId: string | null, contactName: string | null): Promise<string> {
  const customer = customerId ? await db.customer.findUnique({ where: { id: customerId }, select: { name: true } }) : null;
  const vehicle = vehicleId ? await db.vehicle.findUnique({ where: { id: vehicleId }, select: { plate: true } }) : null;
  return [kind, plainName(customer?.name ?? contactName), vehicle?.plate].filter(Boolean).join(' ');
}

/**
 * The one way a task comes to exist. In one transaction (the caller's, or its own): the task,
 * and a Job `advisor.task-push` {taskId} so its owner hears of it at once. With a dedupe key,
 * a task raised before is returned instead (`created: false`) and nothing is pushed again;
 * concurrent callers with one key get one task (INSERT … ON CONFLICT DO NOTHING, which does
 * not abort the caller's transaction as a unique violation would).
 */
export async function createTask<K extends AdvisorTaskKind>(db: Db, input: NewTask<K>): Promise<CreatedTask> {
  return withTx(db, async (tx) => {
    if (input.dedupeKey) {
      const raised = await tx.advisorTask.findUnique({ where: { dedupeKey: input.dedupeKey } });
      if (raised) return { task: raised, created: false };
    }
    const advisorId = input.advisorId !== undefined ? input.advisorId : (await ownerFor(tx, input.shopId, input.customerId))?.id ?? null;
    const customerId = input.customerId ?? null;
    const vehicleId = await vehicleOf(tx, input as NewTask);
    const contactName = plainName(input.contact?.name) ?? null;
    const contactMobile = input.contact?.mobile ?? null;
    const id = crypto.randomUUID().replace(/-/g, '');
    // Callers' titles are theirs as given (names in them already made plain); screens render their own.
    const title = input.title !== undefined ? input.title.slice(0, 200) : await neutralTitle(tx, input.kind, customerId, vehicleId, contactName);
    const inserted = await tx.advisorTask.createMany({
      data: [
        {
          id,
          shopId: input.shopId,
          advisorId,
          customerId,
          vehicleId,
          bookingId: input.bookingId ?? null,
          repairOrderId: input.repairOrderId ?? null,
          complaintId: input.complaintId ?? null,
          kind: input.kind,
          title,
          details: input.details as unknown as Prisma.InputJsonValue,
          contactName,
          contactMobile,
          said: input.said ? input.said.slice(0, 2000) : null,
          dedupeKey: input.dedupeKey ?? null,
          dueAt: input.dueAt,
          createdAt: input.now,
        },
      ],
      skipDuplicates: true,
    });
    if (inserted.count === 0) {
      // Another transaction raised it first with the same key.
      return { task: await tx.advisorTask.findUniqueOrThrow({ where: { dedupeKey: input.dedupeKey! } }), created: false };
    }
    await enqueuePush(tx, { taskId: id, reason: 'created' }, input.now, `task-push:${id}`);
    return { task: await tx.advisorTask.findUniqueOrThrow({ where: { id } }), created: true };
  });
}

async function enqueuePush(tx: Tx, payload: TaskPushPayload, runAt: Date, dedupeKey: string): Promise<void> {
  await tx.job.upsert({
    where: { dedupeKey },
    create: { kind: TASK_PUSH_JOB_KIND, payload: payload as unknown as Prisma.InputJsonValue, runAt, dedupeKey },
    update: {},
  });
}

export class TaskNotFoundError extends Error {}
/** A request a task cannot take (a snooze into the past, an empty note, a list the viewer may not see). */
export class TaskInputError extends Error {
  constructor(
    readonly code: 'snooze-not-future' | 'note-empty' | 'not-a-manager',
    message: string,
  ) {
    super(message);
  }
}

/** Open, or snoozed with the snooze over: a task someone should act on now. */
function actionable(now: Date): Prisma.AdvisorTaskWhereInput {
  return { OR: [{ status: 'OPEN' }, { status: 'SNOOZED', snoozedUntil: { lte: now } }] };
}

/**
 * The open tasks of an advisor and the shop's tasks for anyone, soonest due first
 * (the chat command's list; tasksFor is the richer view).
 */
export async function openTasks(prisma: PrismaClient, advisorId: string, now: Date, limit = 20) {
  const advisor = await prisma.advisor.findUniqueOrThrow({ where: { id: advisorId } });
  return prisma.advisorTask.findMany({
    where: { shopId: advisor.shopId, AND: [actionable(now), { OR: [{ advisorId }, { advisorId: null }] }] },
    orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
    take: limit,
    include: { customer: { include: { vehicles: true } } },
  });
}

interface ActInput {
  advisorId: string;
  taskId: string;
  now: Date;
  /** Who acted, for the audit trail: the advisor unless said otherwise (a REST API key). */
  actor?: Actor;
}

async function auditTask(tx: Tx, shopId: string, actor: Actor, advisorId: string, action: string, taskId: string, at: Date, data: Record<string, unknown> = {}) {
  const extra = actor.type === 'advisor' && actor.id === advisorId ? data : { advisorId, ...data };
  await tx.auditEvent.create({
    data: { shopId, actorType: actor.type, actorId: actor.id, action, entityType: 'AdvisorTask', entityId: taskId, at, data: Object.keys(extra).length ? (extra as Prisma.InputJsonValue) : undefined },
  });
}

async function noteRow(tx: Tx, input: { taskId: string; actor: Actor; text: string; closing: boolean; idempotencyKey?: string | null; now: Date }): Promise<boolean> {
  const written = await tx.advisorTaskNote.createMany({
    data: [{ taskId: input.taskId, actorType: input.actor.type, actorId: input.actor.id, text: input.text, closing: input.closing, idempotencyKey: input.idempotencyKey ?? null, createdAt: input.now }],
    skipDuplicates: true,
  });
  return written.count === 1;
}

function noteText(text: string): string {
  const plain = plainText(text, 1000);
  if (!plain) throw new TaskInputError('note-empty', 'a note needs some text');
  return plain;
}

/**
 * Closes an open (or snoozed) task for `advisorId`, with an optional closing note. Completing
 * is a conditional update: of concurrent completions one wins and is audited, the others get
 * TaskNotFoundError. A task for anyone becomes the completing advisor's. Closing the owner's
 * task of a complaint marks the complaint IN_PROGRESS (the customer was contacted).
 */
export async function completeTask(prisma: PrismaClient, input: ActInput & { note?: string | null }) {
  const advisor = await prisma.advisor.findUniqueOrThrow({ where: { id: input.advisorId } });
  const actor = input.actor ?? { type: 'advisor' as const, id: advisor.id };
  const note = input.note ? noteText(input.note) : null;
  return prisma.$transaction(async (tx) => {
    const task = await tx.advisorTask.findFirst({ where: { id: input.taskId, shopId: advisor.shopId, status: { in: ['OPEN', 'SNOOZED'] } } });
    if (!task) throw new TaskNotFoundError(`no open task ${input.taskId}`);
    const claimed = await tx.advisorTask.updateMany({
      where: { id: task.id, status: { in: ['OPEN', 'SNOOZED'] } },
      data: { status: 'DONE', completedAt: input.now, advisorId: task.advisorId ?? input.advisorId },
    });
    if (claimed.count === 0) throw new TaskNotFoundError(`no open task ${input.taskId}`);
    if (note) await noteRow(tx, { taskId: task.id, actor, text: note, closing: true, now: input.now });
    if (task.complaintId && (task.details as { role?: string } | null)?.role === 'owner') {
      await tx.complaint.updateMany({ where: { id: task.complaintId, status: 'OPEN' }, data: { status: 'IN_PROGRESS' } });
    }
    await auditTask(tx, advisor.shopId, actor, advisor.id, 'task.completed', task.id, input.now);
    return tx.advisorTask.findUniqueOrThrow({ where: { id: task.id } });
  }, TX_OPTIONS);
}

/**
 * Puts an open task off until `until` (later than now). It leaves the lists until then and is
 * pushed to its owner again at that time. The due time is unchanged: a snoozed complaint still
 * escalates when its promise runs out. Snoozing again moves the time; the same snooze twice is one.
 */
export async function snoozeTask(prisma: PrismaClient, input: ActInput & { until: Date }) {
  if (!(input.until.getTime() > input.now.getTime())) throw new TaskInputError('snooze-not-future', `snooze until ${input.until.toISOString()} is not after now`);
  const advisor = await prisma.advisor.findUniqueOrThrow({ where: { id: input.advisorId } });
  const actor = input.actor ?? { type: 'advisor' as const, id: advisor.id };
  return prisma.$transaction(async (tx) => {
    const task = await tx.advisorTask.findFirst({ where: { id: input.taskId, shopId: advisor.shopId, status: { in: ['OPEN', 'SNOOZED'] } } });
    if (!task) throw new TaskNotFoundError(`no open task ${input.taskId}`);
    if (task.status === 'SNOOZED' && task.snoozedUntil?.getTime() === input.until.getTime()) return task;
    const moved = await tx.advisorTask.updateMany({
      where: { id: task.id, status: { in: ['OPEN', 'SNOOZED'] } },
      data: { status: 'SNOOZED', snoozedUntil: input.until, advisorId: task.advisorId ?? input.advisorId },
    });
    if (moved.count === 0) throw new TaskNotFoundError(`no open task ${input.taskId}`);
    await enqueuePush(tx, { taskId: task.id, reason: 'snooze-ended' }, input.until, `task-push:${task.id}:snoozed:${input.until.toISOString()}`);
    await auditTask(tx, advisor.shopId, actor, advisor.id, 'task.snoozed', task.id, input.now, { until: input.until.toISOString() });
    return tx.advisorTask.findUniqueOrThrow({ where: { id: task.id } });
  }, TX_OPTIONS);
}

/**
 * Adds a note to a task of the advisor's shop (any status: a remark after closing is kept too).
 * With an idempotency key (the activity or request that carried it) a redelivered or
 * double-tapped note is stored once. Returns whether this call stored it.
 */
export async function addTaskNote(prisma: PrismaClient, input: ActInput & { text: string; idempotencyKey?: string | null }): Promise<{ taskId: string; added: boolean }> {
  const text = noteText(input.text);
  const advisor = await prisma.advisor.findUniqueOrThrow({ where: { id: input.advisorId } });
  const actor = input.actor ?? { type: 'advisor' as const, id: advisor.id };
  return prisma.$transaction(async (tx) => {
    const task = await tx.advisorTask.findFirst({ where: { id: input.taskId, shopId: advisor.shopId }, select: { id: true } });
    if (!task) throw new TaskNotFoundError(`no task ${input.taskId}`);
    const added = await noteRow(tx, { taskId: task.id, actor, text, closing: false, idempotencyKey: input.idempotencyKey, now: input.now });
    if (added) await auditTask(tx, advisor.shopId, actor, advisor.id, 'task.noted', task.id, input.now);
    return { taskId: task.id, added };
  }, TX_OPTIONS);
}

// ───── views ─────

/** Who is looking: an advisor (by id), or nobody in particular (REST list, logs, jobs): then mobiles are masked. */
export type TaskViewer = { advisorId: string } | { advisorId: null };

export type TaskState = 'OPEN' | 'SNOOZED' | 'DONE' | 'CANCELLED';

export interface TaskView {
  id: string;
  kind: AdvisorTaskKind;
  /** As it stands now: a snooze that has run out is OPEN again. */
  status: TaskState;
  snoozedUntil: Date | null;
  dueAt: Date;
  /** The first due time, when a missed promise moved it. */
  originalDueAt: Date | null;
  overdue: boolean;
  escalationLevel: number;
  escalatedAt: Date | null;
  createdAt: Date;
  completedAt: Date | null;
  owner: { id: string; name: string } | null;
  /** The viewer owns the task (or it is for anyone and the viewer is of its shop): the mobile is in full. */
  viewerIsOwner: boolean;
  /** Who to call: the customer, or the contact given. `mobile` is full for the owner, masked (138****5678) for everyone else. */
  person: { customerId: string | null; name: string | null; mobile: string | null; mobileMasked: boolean } | null;
  vehicle: { id: string; plate: string } | null;
  booking: { id: string; startsAt: Date } | null;
  repairOrder: { id: string; number: string } | null;
  complaint: { id: string; severity: 'NORMAL' | 'MAJOR'; status: 'OPEN' | 'IN_PROGRESS' | 'RESOLVED'; reasons: string[] } | null;
  said: string | null;
  details: Record<string, unknown>;
  /** Neutral summary stored with the task (screens render their own from kind and details). */
  title: string;
  notes: Array<{ id: string; text: string; closing: boolean; at: Date; actorType: string; author: { id: string; name: string } | null }>;
}

const VIEW_INCLUDE = {
  advisor: { select: { id: true, name: true } },
  customer: { select: { id: true, name: true, mobile: true } },
  complaint: { select: { id: true, severity: true, status: true, reasons: true } },
  notes: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
} satisfies Prisma.AdvisorTaskInclude;

type ViewRow = Prisma.AdvisorTaskGetPayload<{ include: typeof VIEW_INCLUDE }>;

function stateOf(task: { status: AdvisorTaskStatus; snoozedUntil: Date | null }, now: Date): TaskState {
  if (task.status === 'SNOOZED') return task.snoozedUntil && task.snoozedUntil > now ? 'SNOOZED' : 'OPEN';
  return task.status;
}

async function views(db: Db, rows: ViewRow[], viewer: { advisorId: string | null; shopAdvisor: boolean }, now: Date): Promise<TaskView[]> {
  const ids = (pick: (r: ViewRow) => string | null) => [...new Set(rows.map(pick).filter((x): x is string => Boolean(x)))];
  const authorIds = [...new Set(rows.flatMap((r) => r.notes.filter((n) => n.actorType === 'advisor' && n.actorId).map((n) => n.actorId!)))];
  // Sequential: inside a transaction these share one connection.
  const vehicles = await db.vehicle.findMany({ where: { id: { in: ids((r) => r.vehicleId) } }, select: { id: true, plate: true } });
  const bookings = await db.booking.findMany({ where: { id: { in: ids((r) => r.bookingId) } }, select: { id: true, startsAt: true } });
  const orders = await db.repairOrder.findMany({ where: { id: { in: ids((r) => r.repairOrderId) } }, select: { id: true, number: true } });
  const authors = await db.advisor.findMany({ where: { id: { in: authorIds } }, select: { id: true, name: true } });
  const byId = <T extends { id: string }>(list: T[]) => new Map(list.map((x) => [x.id, x]));
  const [vehicleOf, bookingOf, orderOf, authorOf] = [byId(vehicles), byId(bookings), byId(orders), byId(authors)];
  return rows.map((task) => {
    const viewerIsOwner = viewer.advisorId !== null && (task.advisorId === viewer.advisorId || (task.advisorId === null && viewer.shopAdvisor));
    const name = task.customer?.name ?? task.contactName ?? null;
    const mobile = task.contactMobile ?? task.customer?.mobile ?? null;
    const status = stateOf(task, now);
    return {
      id: task.id,
      kind: task.kind,
      status,
      snoozedUntil: task.snoozedUntil,
      dueAt: task.dueAt,
      originalDueAt: task.originalDueAt,
      overdue: (status === 'OPEN' || status === 'SNOOZED') && task.dueAt < now,
      escalationLevel: task.escalationLevel,
      escalatedAt: task.escalatedAt,
      createdAt: task.createdAt,
      completedAt: task.completedAt,
      owner: task.advisor ? { id: task.advisor.id, name: task.advisor.name } : null,
      viewerIsOwner,
      person:
        name || mobile || task.customerId
          ? { customerId: task.customerId, name: plainName(name), mobile: mobile && !viewerIsOwner ? maskMobile(mobile) : mobile, mobileMasked: Boolean(mobile) && !viewerIsOwner }
          : null,
      vehicle: (task.vehicleId && vehicleOf.get(task.vehicleId)) || null,
      booking: (task.bookingId && bookingOf.get(task.bookingId)) || null,
      repairOrder: (task.repairOrderId && orderOf.get(task.repairOrderId)) || null,
      complaint: task.complaint,
      // Shown on cards and in chat: as text, never as markup (a line per message said).
      said: task.said ? task.said.split('\n').map((line) => plainText(line, 2000)).filter(Boolean).join('\n') : null,
      details: (task.details ?? {}) as Record<string, unknown>,
      title: task.title,
      notes: task.notes.map((n) => ({ id: n.id, text: n.text, closing: n.closing, at: n.createdAt, actorType: n.actorType, author: (n.actorType === 'advisor' && n.actorId && authorOf.get(n.actorId)) || null })),
    };
  });
}

async function viewerOf(db: Db, viewer: TaskViewer, shopId: string) {
  if (viewer.advisorId === null) return { advisorId: null, shopAdvisor: false, manager: false };
  const advisor = await db.advisor.findUnique({ where: { id: viewer.advisorId }, select: { id: true, shopId: true, role: true, active: true } });
  if (!advisor || advisor.shopId !== shopId) return null;
  return { advisorId: advisor.id, shopAdvisor: advisor.active, manager: advisor.role === 'MANAGER' };
}

/**
 * One task as `viewer` may see it: the owner gets the customer's full mobile to call back,
 * everyone else (another advisor, a manager, the REST API, a log) the masked one.
 * An advisor of another shop gets TaskNotFoundError.
 */
export async function taskView(db: Db, taskId: string, viewer: TaskViewer, now: Date): Promise<TaskView> {
  const task = await db.advisorTask.findUnique({ where: { id: taskId }, include: VIEW_INCLUDE });
  if (!task) throw new TaskNotFoundError(`no task ${taskId}`);
  const who = await viewerOf(db, viewer, task.shopId);
  if (!who) throw new TaskNotFoundError(`no task ${taskId}`);
  return (await views(db, [task], who, now))[0];
}

export interface TasksForOptions {
  now: Date;
  /** Everyone's tasks in the shop: only for a manager (TaskInputError 'not-a-manager' otherwise). */
  manager?: boolean;
  /** Also the tasks snoozed until later (listed by due time with the rest). */
  includeSnoozed?: boolean;
  limit?: number;
}

/**
 * The tasks an advisor should act on — their own and those for anyone — or, for a manager
 * who asks, everyone's; soonest due first, so overdue ones lead. Mobiles are full only on
 * the viewer's own tasks.
 */
export async function tasksFor(db: Db, advisorId: string, options: TasksForOptions): Promise<TaskView[]> {
  const advisor = await db.advisor.findUniqueOrThrow({ where: { id: advisorId }, select: { id: true, shopId: true, role: true, active: true } });
  if (options.manager && advisor.role !== 'MANAGER') throw new TaskInputError('not-a-manager', `advisor ${advisorId} is not a manager`);
  const live: Prisma.AdvisorTaskWhereInput = options.includeSnoozed ? { status: { in: ['OPEN', 'SNOOZED'] } } : actionable(options.now);
  const mine: Prisma.AdvisorTaskWhereInput = options.manager ? {} : { OR: [{ advisorId }, { advisorId: null }] };
  const rows = await db.advisorTask.findMany({
    where: { shopId: advisor.shopId, AND: [live, mine] },
    orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
    take: options.limit ?? 50,
    include: VIEW_INCLUDE,
  });
  return views(db, rows, { advisorId: advisor.id, shopAdvisor: advisor.active }, options.now);
}

/**
 * A shop's tasks as anyone but their owners see them (the REST list): soonest due first,
 * mobiles masked. `status` is the state now (a snooze that ran out counts as OPEN).
 */
export async function shopTasks(db: Db, input: { shopId: string; status: TaskState; now: Date; limit?: number }): Promise<TaskView[]> {
  const where: Prisma.AdvisorTaskWhereInput =
    input.status === 'OPEN' ? actionable(input.now) : input.status === 'SNOOZED' ? { status: 'SNOOZED', snoozedUntil: { gt: input.now } } : { status: input.status };
  const rows = await db.advisorTask.findMany({ where: { shopId: input.shopId, AND: [where] }, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }], take: input.limit ?? 200, include: VIEW_INCLUDE });
  return views(db, rows, { advisorId: null, shopAdvisor: false }, input.now);
}
