import { z } from 'zod';
import type { Actor } from '../actor';
import type { Prisma, PrismaClient } from '../db/client';
import { addWorkingDays, loadShopCalendar } from '../calendar';
import { createTask, ownerFor } from '../advisor-tasks';
import { enqueueNotice } from '../repair-orders/notices';
import type { ComplaintSignal } from '../understanding';
import { classifyComplaint, REPEAT_WINDOW_DAYS, type ComplaintSeverity } from './severity';

export { classifyComplaint, MAJOR_REASONS, REPEAT_WINDOW_DAYS, type Classification, type ComplaintSeverity, type MajorReason } from './severity';

/**
 * Complaints (投诉): what the customer said is kept with the reasons it is a complaint, and
 * an advisor — the customer's own, else the shop's first — gets a task to call them back
 * within one working day of the shop calendar. A 重大投诉 (severity.ts) tells every active
 * manager at once. When the call-back time passes without the task done, a durable job
 * escalates to the managers and re-states the promise to the customer with a new time.
 * Facts only: the caller words the reply ("X will contact you by Y").
 */

type Tx = Prisma.TransactionClient;

/** Job checking a complaint's call-back time (payload { complaintId, taskId, dueAt }). */
export const COMPLAINT_SLA_JOB_KIND = 'complaint.sla-check';
/** The customer is called back within this many working days of the shop calendar. */
export const COMPLAINT_SLA_WORKING_DAYS = 1;
/**
 * A further complaining message from the same person in the same thread, within this many
 * minutes of the last one, is the same complaint (its words are added; it may become MAJOR).
 */
export const SAME_COMPLAINT_MINUTES = 60;

export const COMPLAINT_SOURCES = ['chat', 'survey', 'advisor', 'api'] as const;
export type ComplaintSource = (typeof COMPLAINT_SOURCES)[number];

export class ComplaintError extends Error {
  constructor(
    readonly code: 'not-found' | 'not-allowed' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

const TX_OPTIONS = { maxWait: 30_000, timeout: 30_000 } as const;
const DAY_MS = 86_400_000;

const openSchema = z
  .object({
    shopId: z.string().min(1),
    customerId: z.string().min(1).nullish(),
    identityId: z.string().min(1).nullish(),
    contact: z.object({ name: z.string().max(100).nullish(), mobile: z.string().regex(/^1\d{10}$/).nullish() }).nullish(),
    repairOrderId: z.string().min(1).nullish(),
    vehicleId: z.string().min(1).nullish(),
    source: z.enum(COMPLAINT_SOURCES),
    said: z.string().trim().min(1).max(2000),
    signal: z.object({ severe: z.boolean(), reasons: z.array(z.string().max(40)).max(20) }).nullable(),
    conversationKey: z.string().min(1).max(300).nullish(),
    notifyCustomer: z.boolean().optional(),
    now: z.date(),
  })
  .refine((i) => i.customerId || i.identityId || i.contact?.mobile, { message: 'a complaint needs a customer, a chat account or a contact mobile' });

export interface OpenComplaintInput {
  shopId: string;
  /** The registered customer; else identityId and/or contact say who it is. */
  customerId?: string | null;
  /** The chat account it was said from. */
  identityId?: string | null;
  /** A number to call back (unregistered, or another number given): full for the owner only. */
  contact?: { name?: string | null; mobile?: string | null } | null;
  repairOrderId?: string | null;
  /** Left out: the repair order's vehicle, or the customer's only one. */
  vehicleId?: string | null;
  source: ComplaintSource;
  /** What the customer said, in their words. */
  said: string;
  /** The recogniser's signal for the message (null: a low survey score, an advisor's note …). */
  signal: ComplaintSignal | null;
  /** The conversation it was said in (channel/conversation id): the thread for SAME_COMPLAINT_MINUTES. */
  conversationKey?: string | null;
  /**
   * Also tell the customer who will call and by when, as a customer.notice (complaint.followup,
   * restated false) — for complaints taken by an advisor or the API; a chat answers in the turn.
   */
  notifyCustomer?: boolean;
  /** Who recorded it, for the audit trail (default: the customer, else the system). */
  actor?: Actor;
  now: Date;
}

export interface ComplaintFacts {
  complaintId: string;
  /** False: the same complaint said again in its thread (its words were added). */
  created: boolean;
  severity: ComplaintSeverity;
  reasons: string[];
  /** This call made it MAJOR (a new 重大投诉, or a further message that raised it). */
  becameMajor: boolean;
  /** Who calls the customer back (null only in a shop without staff). */
  owner: { id: string; name: string } | null;
  /** By when they call: one working day on the shop calendar (the current promise when said again). */
  dueAt: Date;
  /** Managers told by this call (each got a task, pushed at once). */
  managersTold: Array<{ id: string; name: string }>;
  /** The earlier complaint that made this one a repeat. */
  repeatOf: { complaintId: string; openedAt: Date } | null;
  /** The owner's task. */
  taskId: string;
}

async function inTx<T>(prisma: PrismaClient, work: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(work, TX_OPTIONS);
}

/** Complaints of one person are handled one at a time: the same-thread and repeat rules read what the other wrote. */
async function lockPerson(tx: Tx, input: { customerId?: string | null; identityId?: string | null }): Promise<void> {
  if (input.customerId) await tx.$queryRaw`SELECT id FROM "Customer" WHERE id = ${input.customerId} FOR UPDATE`;
  else if (input.identityId) await tx.$queryRaw`SELECT id FROM "ChannelIdentity" WHERE id = ${input.identityId} FOR UPDATE`;
}

function personWhere(input: { customerId?: string | null; identityId?: string | null; contact?: { mobile?: string | null } | null }): Prisma.ComplaintWhereInput {
  if (input.customerId) return { customerId: input.customerId };
  const or: Prisma.ComplaintWhereInput[] = [];
  if (input.identityId) or.push({ identityId: input.identityId });
  if (input.contact?.mobile) or.push({ contactMobile: input.contact.mobile });
  return { customerId: null, OR: or };
}

function threadKeyOf(input: { conversationKey?: string | null; source: string; repairOrderId?: string | null }): string {
  return input.conversationKey ?? `${input.source}:${input.repairOrderId ?? '-'}`;
}

async function managersOf(tx: Tx, shopId: string, except: string | null) {
  const managers = await tx.advisor.findMany({ where: { shopId, role: 'MANAGER', active: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true, name: true } });
  return managers.filter((m) => m.id !== except);
}

interface ComplaintRow {
  id: string;
  shopId: string;
  customerId: string | null;
  vehicleId: string | null;
  repairOrderId: string | null;
  contactName: string | null;
  contactMobile: string | null;
  severity: ComplaintSeverity;
  reasons: string[];
  description: string;
}

/** A task for each active manager: a 重大投诉 (manager-alert) or an overdue call-back (escalation). */
async function tellManagers(
  tx: Tx,
  complaint: ComplaintRow,
  input: { role: 'manager-alert' | 'escalation'; level: number; ownerTaskId: string; ownerId: string | null; dueAt: Date; now: Date },
) {
  const told: Array<{ id: string; name: string }> = [];
  for (const manager of await managersOf(tx, complaint.shopId, input.ownerId)) {
    const { created } = await createTask(tx, {
      shopId: complaint.shopId,
      kind: 'COMPLAINT',
      advisorId: manager.id,
      customerId: complaint.customerId,
      vehicleId: complaint.vehicleId,
      repairOrderId: complaint.repairOrderId,
      complaintId: complaint.id,
      contact: complaint.contactMobile ? { name: complaint.contactName, mobile: complaint.contactMobile } : null,
      said: complaint.description,
      details: { severity: complaint.severity, reasons: complaint.reasons, role: input.role, level: input.level, ownerTaskId: input.ownerTaskId, ownerId: input.ownerId },
      dueAt: input.dueAt,
      dedupeKey: `complaint:${complaint.id}:${input.role}:${input.level}:${manager.id}`,
      now: input.now,
    });
    if (created) told.push(manager);
  }
  return told;
}

async function enqueueSlaCheck(tx: Tx, complaintId: string, taskId: string, dueAt: Date): Promise<void> {
  const dedupeKey = `complaint-sla:${taskId}:${dueAt.toISOString()}`;
  await tx.job.upsert({
    where: { dedupeKey },
    create: { kind: COMPLAINT_SLA_JOB_KIND, payload: { complaintId, taskId, dueAt: dueAt.toISOString() }, runAt: dueAt, dedupeKey },
    update: {},
  });
}

function ownerTaskWhere(complaintId: string): Prisma.AdvisorTaskWhereInput {
  return { complaintId, kind: 'COMPLAINT', details: { path: ['role'], equals: 'owner' } };
}

/**
 * Opens a complaint (or adds to the one said moments ago in the same thread) and returns the
 * facts for the reply. See the module comment and severity.ts for the rules.
 */
export async function openComplaint(prisma: PrismaClient, given: OpenComplaintInput): Promise<ComplaintFacts> {
  const parsed = openSchema.safeParse(given);
  if (!parsed.success) throw new ComplaintError('invalid', parsed.error.issues.map((i) => i.message).join('; '));
  const input = { ...given, said: parsed.data.said };
  const now = input.now;
  return inTx(prisma, async (tx) => {
    if (input.customerId) {
      const customer = await tx.customer.findUnique({ where: { id: input.customerId }, select: { shopId: true } });
      if (!customer || customer.shopId !== input.shopId) throw new ComplaintError('not-found', `no customer ${input.customerId} in this shop`);
    }
    let repairOrder: { id: string; vehicleId: string } | null = null;
    if (input.repairOrderId) {
      repairOrder = await tx.repairOrder.findFirst({ where: { id: input.repairOrderId, shopId: input.shopId, ...(input.customerId ? { customerId: input.customerId } : {}) }, select: { id: true, vehicleId: true } });
      if (!repairOrder) throw new ComplaintError('not-found', `no repair order ${input.repairOrderId} of this customer`);
    }
    await lockPerson(tx, input);
    const person = personWhere(input);
    const threadKey = threadKeyOf(input);

    const same = await tx.complaint.findFirst({
      where: { shopId: input.shopId, AND: [person], threadKey, status: { not: 'RESOLVED' }, lastSaidAt: { gte: new Date(now.getTime() - SAME_COMPLAINT_MINUTES * 60_000) } },
      orderBy: { lastSaidAt: 'desc' },
    });
    if (same) return saidAgain(tx, same, input);

    const earlier = await tx.complaint.findFirst({
      where: { shopId: input.shopId, AND: [person], openedAt: { gte: new Date(now.getTime() - REPEAT_WINDOW_DAYS * DAY_MS), lte: now } },
      orderBy: { openedAt: 'desc' },
      select: { id: true, openedAt: true },
    });
    const { severity, reasons } = classifyComplaint({ signal: input.signal, said: input.said, repeat: earlier !== null });
    const owner = await ownerFor(tx, input.shopId, input.customerId);
    const calendar = await loadShopCalendar(tx, input.shopId);
    const dueAt = addWorkingDays(calendar, now, COMPLAINT_SLA_WORKING_DAYS);
    const vehicleId =
      input.vehicleId ??
      repairOrder?.vehicleId ??
      (input.customerId ? await tx.vehicle.findMany({ where: { customerId: input.customerId }, select: { id: true }, take: 2 }).then((v) => (v.length === 1 ? v[0].id : null)) : null);
    const complaint = await tx.complaint.create({
      data: {
        shopId: input.shopId,
        customerId: input.customerId ?? null,
        identityId: input.identityId ?? null,
        contactName: input.contact?.name ?? null,
        contactMobile: input.contact?.mobile ?? null,
        repairOrderId: repairOrder?.id ?? null,
        vehicleId,
        advisorId: owner?.id ?? null,
        severity,
        source: input.source,
        description: input.said,
        reasons,
        repeatOfId: earlier?.id ?? null,
        threadKey,
        lastSaidAt: now,
        contactBy: dueAt,
        openedAt: now,
      },
    });
    const { task } = await createTask(tx, {
      shopId: input.shopId,
      kind: 'COMPLAINT',
      advisorId: owner?.id ?? null,
      customerId: complaint.customerId,
      vehicleId,
      repairOrderId: complaint.repairOrderId,
      complaintId: complaint.id,
      contact: input.contact?.mobile ? { name: input.contact.name, mobile: input.contact.mobile } : null,
      said: input.said,
      details: { severity, reasons, role: 'owner' },
      dueAt,
      dedupeKey: `complaint:${complaint.id}:owner`,
      now,
    });
    let managersTold: Array<{ id: string; name: string }> = [];
    if (severity === 'MAJOR') {
      // Severe ones escalate at once: the managers hear of it now, not when the day is out.
      await tx.advisorTask.update({ where: { id: task.id }, data: { escalationLevel: 1, escalatedAt: now } });
      managersTold = await tellManagers(tx, complaint, { role: 'manager-alert', level: 1, ownerTaskId: task.id, ownerId: owner?.id ?? null, dueAt, now });
    }
    await enqueueSlaCheck(tx, complaint.id, task.id, dueAt);
    if (input.notifyCustomer && complaint.customerId) {
      await enqueueNotice(
        tx,
        { notice: 'complaint.followup', customerId: complaint.customerId, complaintId: complaint.id, advisorName: owner?.name ?? null, dueAt: dueAt.toISOString(), restated: false },
        { now, dedupeKey: `notice:complaint.followup:${complaint.id}:0` },
      );
    }
    const actor = input.actor ?? (input.customerId ? { type: 'customer' as const, id: input.customerId } : { type: 'system' as const, id: `complaint.${input.source}` });
    await tx.auditEvent.create({
      data: {
        shopId: input.shopId,
        actorType: actor.type,
        actorId: actor.id,
        action: 'complaint.opened',
        entityType: 'Complaint',
        entityId: complaint.id,
        at: now,
        data: { severity, reasons, source: input.source, ownerId: owner?.id ?? null, taskId: task.id, dueAt: dueAt.toISOString(), managersTold: managersTold.map((m) => m.id), repeatOf: earlier?.id ?? null },
      },
    });
    return {
      complaintId: complaint.id,
      created: true,
      severity,
      reasons,
      becameMajor: severity === 'MAJOR',
      owner,
      dueAt,
      managersTold,
      repeatOf: earlier ? { complaintId: earlier.id, openedAt: earlier.openedAt } : null,
      taskId: task.id,
    };
  });
}

/** The same complaint said again: its words are kept once more, and it may become MAJOR now. */
async function saidAgain(tx: Tx, complaint: Prisma.ComplaintGetPayload<object>, input: OpenComplaintInput): Promise<ComplaintFacts> {
  const now = input.now;
  const repeat = complaint.repeatOfId !== null;
  const classification = classifyComplaint({ signal: input.signal, said: input.said, repeat, earlierReasons: complaint.reasons });
  const severity: ComplaintSeverity = complaint.severity === 'MAJOR' || classification.severity === 'MAJOR' ? 'MAJOR' : 'NORMAL';
  const becameMajor = complaint.severity !== 'MAJOR' && severity === 'MAJOR';
  // A redelivered message (or one said twice) is recorded once.
  const description = complaint.description.split('\n').includes(input.said) ? complaint.description : `${complaint.description}\n${input.said}`.slice(0, 8000);
  const updated = await tx.complaint.update({ where: { id: complaint.id }, data: { reasons: classification.reasons, severity, description, lastSaidAt: now } });
  const task = await tx.advisorTask.findFirst({ where: ownerTaskWhere(complaint.id) });
  if (!task) throw new ComplaintError('not-found', `complaint ${complaint.id} has no owner task`);
  await tx.advisorTask.update({
    where: { id: task.id },
    data: { said: description.slice(0, 2000), details: { severity, reasons: classification.reasons, role: 'owner' }, ...(becameMajor ? { escalationLevel: Math.max(1, task.escalationLevel), escalatedAt: now } : {}) },
  });
  const managersTold = becameMajor
    ? await tellManagers(tx, { ...updated, severity }, { role: 'manager-alert', level: 1, ownerTaskId: task.id, ownerId: complaint.advisorId, dueAt: task.dueAt, now })
    : [];
  await tx.auditEvent.create({
    data: {
      shopId: complaint.shopId,
      actorType: input.actor?.type ?? (complaint.customerId ? 'customer' : 'system'),
      actorId: input.actor?.id ?? complaint.customerId ?? `complaint.${input.source}`,
      action: 'complaint.said-again',
      entityType: 'Complaint',
      entityId: complaint.id,
      at: now,
      data: { severity, reasons: classification.reasons, becameMajor, managersTold: managersTold.map((m) => m.id) },
    },
  });
  const owner = complaint.advisorId ? await tx.advisor.findUnique({ where: { id: complaint.advisorId }, select: { id: true, name: true } }) : null;
  const earlier = complaint.repeatOfId ? await tx.complaint.findUnique({ where: { id: complaint.repeatOfId }, select: { id: true, openedAt: true } }) : null;
  return {
    complaintId: complaint.id,
    created: false,
    severity,
    reasons: classification.reasons,
    becameMajor,
    owner,
    dueAt: complaint.contactBy ?? task.dueAt,
    managersTold,
    repeatOf: earlier ? { complaintId: earlier.id, openedAt: earlier.openedAt } : null,
    taskId: task.id,
  };
}

export interface DeadlineOutcome {
  escalated: boolean;
  /** Why nothing happened: the call was made (task done), the complaint resolved, or the due time moved since. */
  skipped?: 'task-closed' | 'resolved' | 'moved' | 'not-due';
  level?: number;
  /** The new promise to the customer. */
  newDueAt?: Date;
  managersTold?: Array<{ id: string; name: string }>;
}

/**
 * Run at a complaint's call-back time (job complaint.sla-check). If the owner's task is still
 * open (or snoozed): one level more of escalation (a task for each active manager), a new
 * call-back time one working day on, the customer told it again (customer.notice
 * complaint.followup, restated), and the next check at that time. Runs once per due time:
 * a check for a due time that has moved does nothing.
 */
export async function checkComplaintDeadline(prisma: PrismaClient, input: { complaintId: string; taskId: string; dueAt: string; now: Date }): Promise<DeadlineOutcome> {
  return inTx(prisma, async (tx) => {
    const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "Complaint" WHERE id = ${input.complaintId} FOR UPDATE`;
    if (locked.length === 0) return { escalated: false, skipped: 'resolved' };
    const complaint = await tx.complaint.findUniqueOrThrow({ where: { id: input.complaintId } });
    if (complaint.status === 'RESOLVED') return { escalated: false, skipped: 'resolved' };
    const task = await tx.advisorTask.findUnique({ where: { id: input.taskId }, include: { advisor: { select: { id: true, name: true } } } });
    if (!task || task.status === 'DONE' || task.status === 'CANCELLED') return { escalated: false, skipped: 'task-closed' };
    if (task.dueAt.toISOString() !== input.dueAt) return { escalated: false, skipped: 'moved' };
    if (task.dueAt > input.now) return { escalated: false, skipped: 'not-due' };
    const calendar = await loadShopCalendar(tx, complaint.shopId);
    const newDueAt = addWorkingDays(calendar, input.now, COMPLAINT_SLA_WORKING_DAYS);
    const level = task.escalationLevel + 1;
    await tx.advisorTask.update({ where: { id: task.id }, data: { escalationLevel: level, escalatedAt: input.now, dueAt: newDueAt, originalDueAt: task.originalDueAt ?? task.dueAt } });
    const restated = complaint.restatedCount + 1;
    await tx.complaint.update({ where: { id: complaint.id }, data: { contactBy: newDueAt, restatedCount: restated } });
    const managersTold = await tellManagers(tx, complaint, { role: 'escalation', level, ownerTaskId: task.id, ownerId: task.advisorId, dueAt: newDueAt, now: input.now });
    if (complaint.customerId) {
      await enqueueNotice(
        tx,
        { notice: 'complaint.followup', customerId: complaint.customerId, complaintId: complaint.id, advisorName: task.advisor?.name ?? null, dueAt: newDueAt.toISOString(), restated: true },
        { now: input.now, dedupeKey: `notice:complaint.followup:${complaint.id}:${restated}` },
      );
    }
    await enqueueSlaCheck(tx, complaint.id, task.id, newDueAt);
    await tx.auditEvent.create({
      data: {
        shopId: complaint.shopId,
        actorType: 'system',
        actorId: COMPLAINT_SLA_JOB_KIND,
        action: 'complaint.escalated',
        entityType: 'Complaint',
        entityId: complaint.id,
        at: input.now,
        data: { taskId: task.id, level, missedDueAt: input.dueAt, newDueAt: newDueAt.toISOString(), managersTold: managersTold.map((m) => m.id) },
      },
    });
    return { escalated: true, level, newDueAt, managersTold };
  });
}

export interface ResolveInput {
  complaintId: string;
  /** The owner or a manager of the complaint's shop. */
  advisorId: string;
  /** What was done or agreed (goodwill, repair, apology …), in the advisor's words. */
  resolution: string;
  now: Date;
  actor?: Actor;
}

/**
 * Closes a complaint with its resolution: its open tasks (the owner's and the managers') are
 * done, the owner's with the resolution as its closing note, and no further escalation runs.
 * Resolving again returns the first resolution (alreadyResolved).
 */
export async function resolveComplaint(prisma: PrismaClient, input: ResolveInput): Promise<{ complaintId: string; status: 'RESOLVED'; resolvedAt: Date; resolution: string; alreadyResolved: boolean; tasksClosed: number }> {
  const resolution = z.string().trim().min(1).max(2000).safeParse(input.resolution);
  if (!resolution.success) throw new ComplaintError('invalid', 'a resolution needs some words (at most 2000 characters)');
  return inTx(prisma, async (tx) => {
    const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "Complaint" WHERE id = ${input.complaintId} FOR UPDATE`;
    const advisor = await tx.advisor.findUnique({ where: { id: input.advisorId }, select: { id: true, shopId: true, role: true } });
    const complaint = locked.length ? await tx.complaint.findUniqueOrThrow({ where: { id: input.complaintId } }) : null;
    if (!complaint || !advisor || advisor.shopId !== complaint.shopId) throw new ComplaintError('not-found', `no complaint ${input.complaintId}`);
    if (advisor.role !== 'MANAGER' && complaint.advisorId !== advisor.id) throw new ComplaintError('not-allowed', 'only the complaint’s owner or a manager resolves it');
    if (complaint.status === 'RESOLVED') {
      return { complaintId: complaint.id, status: 'RESOLVED', resolvedAt: complaint.resolvedAt!, resolution: complaint.resolution ?? '', alreadyResolved: true, tasksClosed: 0 };
    }
    const actor = input.actor ?? { type: 'advisor' as const, id: advisor.id };
    await tx.complaint.update({ where: { id: complaint.id }, data: { status: 'RESOLVED', resolvedAt: input.now, resolution: resolution.data, resolvedById: advisor.id } });
    const open = await tx.advisorTask.findMany({ where: { complaintId: complaint.id, status: { in: ['OPEN', 'SNOOZED'] } }, select: { id: true, advisorId: true, details: true } });
    for (const task of open) {
      await tx.advisorTask.update({ where: { id: task.id }, data: { status: 'DONE', completedAt: input.now, advisorId: task.advisorId ?? advisor.id } });
      if ((task.details as { role?: string } | null)?.role === 'owner') {
        await tx.advisorTaskNote.create({ data: { taskId: task.id, actorType: actor.type, actorId: actor.id, text: resolution.data, closing: true, createdAt: input.now } });
      }
    }
    await tx.job.updateMany({ where: { kind: COMPLAINT_SLA_JOB_KIND, status: 'PENDING', payload: { path: ['complaintId'], equals: complaint.id } }, data: { status: 'CANCELLED', finishedAt: input.now } });
    await tx.auditEvent.create({
      data: {
        shopId: complaint.shopId,
        actorType: actor.type,
        actorId: actor.id,
        action: 'complaint.resolved',
        entityType: 'Complaint',
        entityId: complaint.id,
        at: input.now,
        data: { advisorId: advisor.id, tasksClosed: open.map((t) => t.id) },
      },
    });
    return { complaintId: complaint.id, status: 'RESOLVED', resolvedAt: input.now, resolution: resolution.data, alreadyResolved: false, tasksClosed: open.length };
  });
}

export interface ComplaintSummary {
  id: string;
  severity: ComplaintSeverity;
  status: 'OPEN' | 'IN_PROGRESS' | 'RESOLVED';
  reasons: string[];
  source: string;
  openedAt: Date;
  /** The current promise: who calls and by when. */
  owner: { id: string; name: string } | null;
  contactBy: Date | null;
  restatedCount: number;
  resolvedAt: Date | null;
  resolution: string | null;
  repairOrder: { id: string; number: string } | null;
}

/** A customer's complaints, newest first (for "my complaint?" in chat and the advisor's screen). */
export async function complaintsOf(db: PrismaClient | Tx, input: { shopId: string; customerId: string; limit?: number }): Promise<ComplaintSummary[]> {
  const rows = await db.complaint.findMany({
    where: { shopId: input.shopId, customerId: input.customerId },
    orderBy: [{ openedAt: 'desc' }, { id: 'desc' }],
    take: input.limit ?? 10,
    include: { advisor: { select: { id: true, name: true } }, repairOrder: { select: { id: true, number: true } } },
  });
  return rows.map((c) => ({
    id: c.id,
    severity: c.severity,
    status: c.status,
    reasons: c.reasons,
    source: c.source,
    openedAt: c.openedAt,
    owner: c.advisor,
    contactBy: c.contactBy,
    restatedCount: c.restatedCount,
    resolvedAt: c.resolvedAt,
    resolution: c.resolution,
    repairOrder: c.repairOrder,
  }));
}
