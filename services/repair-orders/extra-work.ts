import { z } from 'zod';
import type { PrismaClient } from '../db/client';
import type { Actor } from '../actor';
import { addWorkingMinutes, loadShopCalendar } from '../calendar';
import { hoursFromMinutes } from '../costs';
import { addDays, localParts, zonedInstant } from '../time';
import { RepairOrderError } from './errors';
import { applyTransition, EXTRA_WORK_OPEN } from './lifecycle';
import { APPROVAL_EXPIRY_JOB_KIND, amendmentMark, audit, decimalText, inTransaction, lockOrder, type Json, type LockedOrder, type Tx } from './internal';
import { enqueueNotice } from './notices';
import { createTask } from '../advisor-tasks';
import { lineColumns, lineInputSchema, pricingContext, resolveLines, resolvedCostLine, costLine, type ResolvedLine } from './pricing';
import { diffVersions, showItem, showVersion, type ShownVersion } from './versions';
import type { DecisionOutcome, DecisionRefusal, ExtraWorkDecisionKind, ShownItem, Urgency, VersionDifference } from './types';

/**
 * Extra work (追加作业): the advisor proposes items, each with urgency, a reason in plain
 * words, photos and priced lines; the customer decides per item. Every version shown is an
 * immutable row with the SHA-256 of exactly what was shown; a decision names the version it
 * was made on and is stored once per item revision. Changing an item after it was shown
 * makes a new version and asks again: earlier consent for that item no longer counts.
 */

const bilingual = z.object({ zh: z.string().trim().min(1).max(200), en: z.string().trim().min(1).max(200) });

const itemSchema = z.object({
  title: bilingual.optional(),
  /** A catalogue operation: its names are the title, its labour and parts the lines, unless given. */
  catalogItemId: z.string().min(1).optional(),
  operationCode: z.string().min(1).max(50).optional(),
  urgency: z.enum(['RED', 'YELLOW', 'GREEN']),
  reason: z.string().trim().min(1, 'reason: say why, in plain words').max(500),
  photoUrls: z.array(z.url({ protocol: /^https?$/ }).max(2000)).max(10).default([]),
  lines: z.array(lineInputSchema).max(30).optional(),
});

export type ExtraWorkItemInput = z.input<typeof itemSchema>;

const reviseItemSchema = itemSchema.partial().extend({ itemId: z.string().min(1).optional() });
export type ExtraWorkItemRevision = z.input<typeof reviseItemSchema>;

export interface ExtraWorkVersionResult {
  requestId: string;
  repairOrderId: string;
  version: number;
  versionHash: string;
  /** The items of the version in order, as shown. */
  items: ShownItem[];
  totalFen: number;
  /** Items waiting for the customer after this, and when an advisor will be asked to call. */
  pendingItems: number;
  expiresAt: Date | null;
  difference: VersionDifference | null;
}

type Shop = LockedOrder['shop'];

async function itemLines(tx: Tx, shop: Shop, input: z.infer<typeof reviseItemSchema>): Promise<{ lines: ResolvedLine[]; title: { zh: string; en: string } | null; catalogItemId: string | null }> {
  let operation: Awaited<ReturnType<typeof tx.serviceCatalogItem.findFirst<{ include: { parts: { include: { part: true } } } }>>> = null;
  if (input.catalogItemId || input.operationCode) {
    operation = await tx.serviceCatalogItem.findFirst({
      where: { shopId: shop.id, ...(input.catalogItemId ? { id: input.catalogItemId } : { code: input.operationCode }) },
      include: { parts: { include: { part: true }, orderBy: { part: { sku: 'asc' } } } },
    });
    if (!operation) throw new RepairOrderError('unknown-item', `no operation ${input.catalogItemId ?? input.operationCode} in this shop`, { operation: input.catalogItemId ?? input.operationCode });
  }
  let lines: ResolvedLine[] = [];
  if (input.lines) {
    // Lines of an operation's item belong to that operation unless they say otherwise (warranty cover).
    lines = await resolveLines(tx, shop, input.lines.map((l) => (operation && !l.catalogItemId && !l.operationCode ? { ...l, catalogItemId: operation.id } : l)));
  } else if (operation) {
    const common = { catalogItemId: operation.id, payer: null, coveragePercent: null, warrantyCovered: operation.warrantyCovered };
    lines.push({ ...common, kind: 'LABOUR', partId: null, sku: null, spec: null, unit: null, descriptionZh: operation.nameZh, descriptionEn: operation.nameEn, quantity: hoursFromMinutes(operation.labourMinutes), unitPriceFen: shop.labourRateFen });
    for (const cp of operation.parts) {
      lines.push({ ...common, kind: 'PART', partId: cp.partId, sku: cp.part.sku, spec: cp.part.spec, unit: cp.part.unit, descriptionZh: cp.part.nameZh, descriptionEn: cp.part.nameEn, quantity: cp.quantity.toFixed(3), unitPriceFen: cp.part.unitPriceFen });
    }
  }
  return { lines, title: input.title ?? (operation ? { zh: operation.nameZh, en: operation.nameEn } : null), catalogItemId: operation?.id ?? null };
}

/** The current content of a request's items (all but withdrawn), shown as the customer will see it. */
async function currentShownItems(tx: Tx, order: LockedOrder, requestId: string): Promise<ShownItem[]> {
  const items = await tx.extraWorkItem.findMany({
    where: { requestId, status: { not: 'WITHDRAWN' } },
    include: { lines: { where: { retiredInVersion: null }, orderBy: { position: 'asc' } } },
    orderBy: { position: 'asc' },
  });
  const context = pricingContext(order);
  const covered = await warrantyFlags(tx, items.flatMap((i) => i.lines.map((l) => l.catalogItemId)));
  return items.map((item) =>
    showItem(
      { itemId: item.id, position: item.position, title: { zh: item.titleZh, en: item.titleEn }, urgency: item.urgency as Urgency, reason: item.reason, photoUrls: item.photoUrls },
      item.lines.map((l) => costLine({ ...l, catalogItem: l.catalogItemId ? { warrantyCovered: covered.get(l.catalogItemId) ?? false, code: '' } : null })),
      context,
    ),
  );
}

async function warrantyFlags(tx: Tx, ids: Array<string | null>): Promise<Map<string, boolean>> {
  const wanted = [...new Set(ids.filter((i): i is string => Boolean(i)))];
  if (wanted.length === 0) return new Map();
  const rows = await tx.serviceCatalogItem.findMany({ where: { id: { in: wanted } }, select: { id: true, warrantyCovered: true } });
  return new Map(rows.map((r) => [r.id, r.warrantyCovered]));
}

async function writeVersion(
  tx: Tx,
  input: { order: LockedOrder; requestId: string; version: number; items: ShownItem[]; revisions: Map<string, number>; previous: ShownVersion | null; actor: Actor; now: Date },
) {
  const { shown, hash } = showVersion({ requestId: input.requestId, repairOrderId: input.order.id, version: input.version, items: input.items });
  const difference = input.previous ? diffVersions(input.previous, shown) : null;
  const row = await tx.extraWorkVersion.create({
    data: {
      requestId: input.requestId,
      number: input.version,
      hash,
      shown: shown as unknown as Json,
      totalFen: shown.totalFen,
      difference: (difference ?? undefined) as Json | undefined,
      actorType: input.actor.type,
      actorId: input.actor.id,
      createdAt: input.now,
      items: { create: shown.items.map((i) => ({ itemId: i.itemId, revision: input.revisions.get(i.itemId) ?? 1, hash: i.hash, totalFen: i.totalFen, shown: i as unknown as Json })) },
    },
  });
  return { row, shown, hash, difference };
}

async function scheduleExpiry(tx: Tx, order: LockedOrder, requestId: string, version: number, now: Date): Promise<Date> {
  const calendar = await loadShopCalendar(tx, order.shopId);
  const expiresAt = addWorkingMinutes(calendar, now, order.shop.approvalWindowMinutes);
  await tx.job.updateMany({ where: { kind: APPROVAL_EXPIRY_JOB_KIND, status: 'PENDING', payload: { path: ['requestId'], equals: requestId } }, data: { status: 'CANCELLED', finishedAt: now } });
  await tx.job.create({ data: { kind: APPROVAL_EXPIRY_JOB_KIND, runAt: expiresAt, payload: { requestId, version }, dedupeKey: `extra-work-expiry:${requestId}:v${version}` } });
  return expiresAt;
}

async function pendingOf(tx: Tx, where: { requestId?: string; repairOrderId?: string }) {
  return tx.extraWorkItem.count({ where: { status: 'PENDING', ...(where.requestId ? { requestId: where.requestId } : { request: { repairOrderId: where.repairOrderId } }) } });
}

async function announce(tx: Tx, order: LockedOrder, input: { requestId: string; version: number; hash: string; items: ShownItem[]; expiresAt: Date; revised: boolean; now: Date }) {
  const pending = await tx.extraWorkItem.findMany({ where: { requestId: input.requestId, status: 'PENDING' }, select: { id: true } });
  const pendingIds = new Set(pending.map((p) => p.id));
  await enqueueNotice(
    tx,
    {
      notice: 'ro.awaiting-approval',
      customerId: order.customerId,
      repairOrderId: order.id,
      number: order.number,
      plate: order.vehicle.plate,
      requestId: input.requestId,
      version: input.version,
      versionHash: input.hash,
      pendingItems: pendingIds.size,
      pendingTotalFen: input.items.filter((i) => pendingIds.has(i.itemId)).reduce((s, i) => s + i.totalFen, 0),
      revised: input.revised,
      expiresAt: input.expiresAt.toISOString(),
    },
    { now: input.now, dedupeKey: `notice:ro.awaiting-approval:${input.requestId}:v${input.version}` },
  );
}

/**
 * Proposes extra work: version 1 of a new request, priced by the pricing function, the order
 * waiting for approval, the customer told (notice ro.awaiting-approval), an advisor task
 * scheduled for when it goes unanswered (the shop's approval window in working minutes).
 */
export async function proposeExtraWork(
  prisma: PrismaClient,
  input: { repairOrderId: string; advisorId?: string | null; items: ExtraWorkItemInput[]; actor: Actor; now: Date; shopId?: string },
): Promise<ExtraWorkVersionResult> {
  const parsed = z.array(itemSchema).min(1, 'propose at least one item').max(20).safeParse(input.items);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `items.${i.path.join('.')}: ${i.message}`);
    throw new RepairOrderError('invalid-line', problems.join('; '), { problems });
  }
  const { now } = input;
  return inTransaction(prisma, async (tx) => {
    const order = await lockOrder(tx, input.repairOrderId, input.shopId);
    if (!EXTRA_WORK_OPEN.includes(order.status)) throw new RepairOrderError('not-editable', `repair order ${order.number} is ${order.status}: no extra work can be proposed`, { status: order.status });
    const advisorId = input.advisorId ?? order.advisorId;
    if (advisorId && !(await tx.advisor.findFirst({ where: { id: advisorId, shopId: order.shopId }, select: { id: true } }))) {
      throw new RepairOrderError('not-found', `no advisor ${advisorId} in this shop`);
    }
    const request = await tx.extraWorkRequest.create({ data: { repairOrderId: order.id, advisorId, createdAt: now, expiresAt: now, currentVersion: 1 } });
    const context = pricingContext(order);
    const shownItems: ShownItem[] = [];
    const revisions = new Map<string, number>();
    for (const [index, raw] of parsed.data.entries()) {
      const { lines, title, catalogItemId } = await itemLines(tx, order.shop, raw);
      if (!title) throw new RepairOrderError('invalid-line', `items.${index}: give a title or a catalogue operation`, { problems: [`items.${index}: give a title or a catalogue operation`] });
      if (lines.length === 0) throw new RepairOrderError('invalid-line', `items.${index}: give priced lines or a catalogue operation`, { problems: [`items.${index}: give priced lines or a catalogue operation`] });
      const item = await tx.extraWorkItem.create({
        data: {
          requestId: request.id,
          position: index + 1,
          titleZh: title.zh,
          titleEn: title.en,
          catalogItemId,
          urgency: raw.urgency,
          reason: raw.reason,
          photoUrls: raw.photoUrls,
          lines: { create: lines.map((l, i) => ({ ...lineColumns(l), position: i + 1, sinceVersion: 1 })) },
        },
      });
      revisions.set(item.id, 1);
      shownItems.push(showItem({ itemId: item.id, position: item.position, title, urgency: raw.urgency, reason: raw.reason, photoUrls: raw.photoUrls }, lines.map(resolvedCostLine), context));
    }
    const { hash, shown } = await writeVersion(tx, { order, requestId: request.id, version: 1, items: shownItems, revisions, previous: null, actor: input.actor, now });
    const expiresAt = await scheduleExpiry(tx, order, request.id, 1, now);
    await tx.extraWorkRequest.update({ where: { id: request.id }, data: { expiresAt } });
    if (order.status !== 'AWAITING_APPROVAL') await applyTransition(tx, order, { to: 'AWAITING_APPROVAL', actor: input.actor, now, via: 'extra-work' });
    await audit(tx, {
      shopId: order.shopId,
      repairOrderId: order.id,
      actor: input.actor,
      action: 'extra-work.proposed',
      at: now,
      data: { requestId: request.id, version: 1, versionHash: hash, totalFen: shown.totalFen, items: shown.items.map((i) => ({ itemId: i.itemId, title: i.title.zh, urgency: i.urgency, totalFen: i.totalFen })) },
    });
    await announce(tx, order, { requestId: request.id, version: 1, hash, items: shown.items, expiresAt, revised: false, now });
    return { requestId: request.id, repairOrderId: order.id, version: 1, versionHash: hash, items: shown.items, totalFen: shown.totalFen, pendingItems: shown.items.length, expiresAt, difference: null };
  });
}

/** Consent given for an item no longer counts: its lines leave the order, its follow-up is dropped. */
async function revokeConsent(tx: Tx, order: LockedOrder, item: { id: string; status: string }, reason: string, now: Date): Promise<void> {
  if (item.status === 'APPROVED') {
    await tx.repairOrderLine.updateMany({ where: { extraWorkItemId: item.id, status: 'ACTIVE' }, data: { status: 'REMOVED', retiredAt: now, changeReason: reason } });
    const mark = amendmentMark(order, now);
    if (mark.amendedAfterSettlementAt) await tx.repairOrder.update({ where: { id: order.id }, data: mark });
  }
  if (item.status === 'DEFERRED' || item.status === 'DECLINED') {
    await tx.advisorTask.updateMany({ where: { kind: 'DECLINED_WORK', status: 'OPEN', details: { path: ['itemId'], equals: item.id } }, data: { status: 'CANCELLED', completedAt: now } });
  }
}

/**
 * Changes a request after it was shown: items changed (lines, prices, reason, photos),
 * added or withdrawn. A new version is written with the difference per item; every changed
 * item goes back to PENDING (an approval given for the old content no longer counts and its
 * lines leave the order), and the customer is asked again.
 */
export async function reviseExtraWork(
  prisma: PrismaClient,
  input: { requestId: string; items?: ExtraWorkItemRevision[]; withdraw?: string[]; actor: Actor; now: Date; shopId?: string },
): Promise<ExtraWorkVersionResult> {
  const parsed = z.array(reviseItemSchema).max(20).safeParse(input.items ?? []);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `items.${i.path.join('.')}: ${i.message}`);
    throw new RepairOrderError('invalid-line', problems.join('; '), { problems });
  }
  const { now } = input;
  const withdraw = new Set(input.withdraw ?? []);
  return inTransaction(prisma, async (tx) => {
    const head = await tx.extraWorkRequest.findUnique({ where: { id: input.requestId }, select: { repairOrderId: true } });
    if (!head) throw new RepairOrderError('not-found', `no extra-work request ${input.requestId}`);
    const order = await lockOrder(tx, head.repairOrderId, input.shopId);
    if (!EXTRA_WORK_OPEN.includes(order.status)) throw new RepairOrderError('not-editable', `repair order ${order.number} is ${order.status}: its extra work can no longer change`, { status: order.status });
    const request = await tx.extraWorkRequest.findUniqueOrThrow({ where: { id: input.requestId }, include: { items: true } });
    if (request.status === 'WITHDRAWN') throw new RepairOrderError('not-editable', `extra-work request ${request.id} was withdrawn`, { status: request.status });
    const previousRow = await tx.extraWorkVersion.findUniqueOrThrow({ where: { requestId_number: { requestId: request.id, number: request.currentVersion } } });
    const previous = previousRow.shown as unknown as ShownVersion;
    const version = request.currentVersion + 1;
    const context = pricingContext(order);
    const revokeReason = `extra work revised (version ${version}): consent to be asked again`;

    for (const itemId of withdraw) {
      const item = request.items.find((i) => i.id === itemId);
      if (!item || ['WITHDRAWN', 'EXPIRED'].includes(item.status)) throw new RepairOrderError('not-found', `no item ${itemId} to withdraw in request ${request.id}`);
      await revokeConsent(tx, order, item, `extra work withdrawn (version ${version})`, now);
      await tx.extraWorkItem.update({ where: { id: item.id }, data: { status: 'WITHDRAWN' } });
    }
    let nextPosition = Math.max(0, ...request.items.map((i) => i.position)) + 1;
    for (const [index, raw] of parsed.data.entries()) {
      if (raw.itemId) {
        const item = request.items.find((i) => i.id === raw.itemId);
        if (!item || ['WITHDRAWN', 'EXPIRED'].includes(item.status) || withdraw.has(item.id)) throw new RepairOrderError('not-found', `no item ${raw.itemId} to change in request ${request.id}`);
        const shownBefore = previous.items.find((i) => i.itemId === item.id);
        const resolved = raw.lines || raw.catalogItemId || raw.operationCode ? await itemLines(tx, order.shop, raw) : null;
        const currentLines = resolved
          ? resolved.lines.map(resolvedCostLine)
          : (await tx.extraWorkLine.findMany({ where: { itemId: item.id, retiredInVersion: null }, orderBy: { position: 'asc' } })).map((l) => costLine({ ...l, catalogItem: null }));
        if (!resolved) {
          // Stored lines carry no catalogue flag: read it, so the warranty rule prices them as before.
          const flags = await warrantyFlags(tx, currentLines.map((l) => (l.catalogItemId as string | null) ?? null));
          for (const l of currentLines) l.warrantyCovered = typeof l.catalogItemId === 'string' ? flags.get(l.catalogItemId) ?? false : false;
        }
        const content = {
          itemId: item.id,
          position: item.position,
          title: raw.title ?? resolved?.title ?? { zh: item.titleZh, en: item.titleEn },
          urgency: (raw.urgency ?? item.urgency) as Urgency,
          reason: raw.reason ?? item.reason,
          photoUrls: raw.photoUrls ?? item.photoUrls,
        };
        const next = showItem(content, currentLines, context);
        if (shownBefore && shownBefore.hash === next.hash) continue;
        await revokeConsent(tx, order, item, revokeReason, now);
        if (resolved) {
          if (resolved.lines.length === 0) throw new RepairOrderError('invalid-line', `items.${index}: an item needs priced lines`, { problems: [`items.${index}: an item needs priced lines`] });
          await tx.extraWorkLine.updateMany({ where: { itemId: item.id, retiredInVersion: null }, data: { retiredInVersion: version } });
          await tx.extraWorkLine.createMany({ data: resolved.lines.map((l, i) => ({ ...lineColumns(l), itemId: item.id, position: i + 1, sinceVersion: version })) });
        }
        await tx.extraWorkItem.update({
          where: { id: item.id },
          data: {
            titleZh: content.title.zh,
            titleEn: content.title.en,
            urgency: content.urgency,
            reason: content.reason,
            photoUrls: content.photoUrls,
            catalogItemId: resolved ? resolved.catalogItemId ?? item.catalogItemId : item.catalogItemId,
            status: 'PENDING',
            decidedAt: null,
            revision: { increment: 1 },
          },
        });
      } else {
        const full = itemSchema.safeParse(raw);
        if (!full.success) {
          const problems = full.error.issues.map((i) => `items.${index}.${i.path.join('.')}: ${i.message}`);
          throw new RepairOrderError('invalid-line', problems.join('; '), { problems });
        }
        const { lines, title, catalogItemId } = await itemLines(tx, order.shop, full.data);
        if (!title || lines.length === 0) throw new RepairOrderError('invalid-line', `items.${index}: a new item needs a title and priced lines, or a catalogue operation`, { problems: [`items.${index}: a new item needs a title and priced lines`] });
        await tx.extraWorkItem.create({
          data: {
            requestId: request.id,
            position: nextPosition++,
            titleZh: title.zh,
            titleEn: title.en,
            catalogItemId,
            urgency: full.data.urgency,
            reason: full.data.reason,
            photoUrls: full.data.photoUrls,
            lines: { create: lines.map((l, i) => ({ ...lineColumns(l), position: i + 1, sinceVersion: version })) },
          },
        });
      }
    }

    const items = await currentShownItems(tx, order, request.id);
    const { shown: candidate } = showVersion({ requestId: request.id, repairOrderId: order.id, version, items });
    const changes = diffVersions(previous, candidate);
    if (changes.items.length === 0) throw new RepairOrderError('nothing-changed', `the revision changes nothing the customer was shown in version ${request.currentVersion}`);
    const revisions = new Map((await tx.extraWorkItem.findMany({ where: { requestId: request.id }, select: { id: true, revision: true } })).map((i) => [i.id, i.revision]));
    const { hash, shown, difference } = await writeVersion(tx, { order, requestId: request.id, version, items, revisions, previous, actor: input.actor, now });

    const pending = await pendingOf(tx, { requestId: request.id });
    let expiresAt: Date | null = null;
    if (pending > 0) {
      expiresAt = await scheduleExpiry(tx, order, request.id, version, now);
    } else {
      await tx.job.updateMany({ where: { kind: APPROVAL_EXPIRY_JOB_KIND, status: 'PENDING', payload: { path: ['requestId'], equals: request.id } }, data: { status: 'CANCELLED', finishedAt: now } });
    }
    const remaining = await tx.extraWorkItem.count({ where: { requestId: request.id, status: { not: 'WITHDRAWN' } } });
    await tx.extraWorkRequest.update({
      where: { id: request.id },
      data: {
        currentVersion: version,
        status: remaining === 0 ? 'WITHDRAWN' : pending > 0 ? 'OPEN' : 'CLOSED',
        closedAt: pending > 0 ? null : now,
        expiredAt: null,
        ...(expiresAt ? { expiresAt } : {}),
      },
    });
    const fresh = await lockOrder(tx, order.id);
    if (pending > 0 && fresh.status !== 'AWAITING_APPROVAL') {
      await applyTransition(tx, fresh, { to: 'AWAITING_APPROVAL', actor: input.actor, now, via: 'extra-work' });
    } else if (pending === 0 && fresh.status === 'AWAITING_APPROVAL' && (await pendingOf(tx, { repairOrderId: order.id })) === 0) {
      await applyTransition(tx, fresh, { to: 'IN_PROGRESS', actor: input.actor, now, via: 'extra-work' });
    }
    await audit(tx, {
      shopId: order.shopId,
      repairOrderId: order.id,
      actor: input.actor,
      action: 'extra-work.revised',
      at: now,
      data: { requestId: request.id, version, versionHash: hash, previousVersionHash: previousRow.hash, totalFen: shown.totalFen, difference: difference as unknown as Record<string, unknown> },
    });
    if (pending > 0) await announce(tx, fresh, { requestId: request.id, version, hash, items: shown.items, expiresAt: expiresAt!, revised: true, now });
    return { requestId: request.id, repairOrderId: order.id, version, versionHash: hash, items: shown.items, totalFen: shown.totalFen, pendingItems: pending, expiresAt, difference };
  });
}

// ───────────────────────────── decisions ─────────────────────────────

const decisionsSchema = z
  .array(z.object({ itemId: z.string().min(1), decision: z.enum(['APPROVED', 'DEFERRED', 'DECLINED']) }))
  .min(1, 'no decision given')
  .max(50);

interface Decider {
  customerId: string;
  /** The customer's own decision from a chat identity … */
  identityId: string | null;
  /** … or an advisor's on their behalf, with the reason. */
  advisorId: string | null;
  onBehalfReason: string | null;
  channel: string;
  activityId: string | null;
}

function followUpDue(now: Date, days: number, timeZone: string): Date {
  const { date, minute } = localParts(now, timeZone);
  return zonedInstant(addDays(date, days), minute, timeZone);
}

async function recordDecisions(prisma: PrismaClient, input: { decider: Decider; versionHash: string; decisions: Array<{ itemId: string; decision: ExtraWorkDecisionKind }>; now: Date; shopId?: string }): Promise<DecisionOutcome> {
  const { decider, now } = input;
  const refuseAll = (reason: DecisionRefusal): DecisionOutcome => ({
    repairOrderId: null,
    number: null,
    advisor: null,
    recorded: [],
    refused: input.decisions.map((d) => ({ itemId: d.itemId, reason })),
    stillPending: 0,
    status: null,
  });
  const versionHead = /^[0-9a-f]{64}$/.test(input.versionHash)
    ? await prisma.extraWorkVersion.findUnique({ where: { hash: input.versionHash }, select: { request: { select: { repairOrderId: true, repairOrder: { select: { customerId: true, shopId: true } } } } } })
    : null;
  if (!versionHead) return refuseAll('stale-version');
  // Someone else's card (or a forwarded one) learns nothing about the order.
  if (versionHead.request.repairOrder.customerId !== decider.customerId || (input.shopId && versionHead.request.repairOrder.shopId !== input.shopId)) return refuseAll('not-yours');

  return inTransaction(prisma, async (tx) => {
    const order = await lockOrder(tx, versionHead.request.repairOrderId);
    if (decider.identityId) {
      const identity = await tx.channelIdentity.findUnique({ where: { id: decider.identityId }, select: { customerId: true } });
      if (identity?.customerId !== order.customerId) return refuseAll('not-yours');
    }
    const version = await tx.extraWorkVersion.findUniqueOrThrow({ where: { hash: input.versionHash }, include: { items: true, request: true } });
    const outcome: DecisionOutcome = {
      repairOrderId: order.id,
      number: order.number,
      advisor: order.advisor ? { id: order.advisor.id, name: order.advisor.name } : null,
      recorded: [],
      refused: [],
      stillPending: 0,
      status: order.status,
    };
    const actor: Actor = decider.advisorId ? { type: 'advisor', id: decider.advisorId } : { type: 'customer', id: decider.customerId };
    for (const wanted of input.decisions) {
      const item = await tx.extraWorkItem.findUnique({ where: { id: wanted.itemId }, include: { request: { select: { repairOrderId: true } } } });
      if (!item || item.request.repairOrderId !== order.id) {
        outcome.refused.push({ itemId: wanted.itemId, reason: 'not-yours' });
        continue;
      }
      if (item.status === 'APPROVED' || item.status === 'DEFERRED' || item.status === 'DECLINED') {
        const last = await tx.extraWorkDecision.findFirst({ where: { itemId: item.id }, orderBy: { decidedAt: 'desc' } });
        outcome.refused.push({ itemId: item.id, reason: 'already-decided', ...(last ? { current: { decision: last.decision, at: last.decidedAt } } : {}) });
        continue;
      }
      if (item.status !== 'PENDING') {
        outcome.refused.push({ itemId: item.id, reason: 'not-pending' });
        continue;
      }
      const seen = version.items.find((vi) => vi.itemId === item.id);
      const latest = await tx.extraWorkVersionItem.findFirst({ where: { itemId: item.id }, orderBy: { version: { number: 'desc' } } });
      // What they saw of this item must still be what is asked: an item changed since needs a new look.
      if (item.requestId !== version.requestId || !seen || !latest || seen.hash !== latest.hash || seen.revision !== item.revision) {
        outcome.refused.push({ itemId: item.id, reason: 'stale-version' });
        continue;
      }
      const claimed = await tx.extraWorkItem.updateMany({ where: { id: item.id, status: 'PENDING', revision: item.revision }, data: { status: wanted.decision, decidedAt: now } });
      if (claimed.count === 0) {
        outcome.refused.push({ itemId: item.id, reason: 'already-decided' });
        continue;
      }
      const decision = await tx.extraWorkDecision.create({
        data: {
          itemId: item.id,
          itemRevision: item.revision,
          versionId: version.id,
          versionHash: version.hash,
          itemHash: seen.hash,
          decision: wanted.decision,
          customerId: order.customerId,
          identityId: decider.identityId,
          advisorId: decider.advisorId,
          onBehalfReason: decider.onBehalfReason,
          channel: decider.channel,
          activityId: decider.activityId,
          priceFen: seen.totalFen,
          decidedAt: now,
        },
      });
      if (wanted.decision === 'APPROVED') {
        const lines = await tx.extraWorkLine.findMany({ where: { itemId: item.id, retiredInVersion: null }, orderBy: { position: 'asc' } });
        for (const line of lines) {
          const { id: extraWorkLineId, itemId: _item, position: _position, sinceVersion: _since, retiredInVersion: _retired, ...columns } = line;
          await tx.repairOrderLine.create({ data: { ...columns, quantity: decimalText(line.quantity), repairOrderId: order.id, extraWorkItemId: item.id, extraWorkLineId, createdAt: now } });
        }
        const mark = amendmentMark(order, now);
        if (mark.amendedAfterSettlementAt) await tx.repairOrder.update({ where: { id: order.id }, data: mark });
      } else {
        await createTask(tx, {
          shopId: order.shopId,
          advisorId: order.advisorId,
          customerId: order.customerId,
          vehicleId: order.vehicleId,
          repairOrderId: order.id,
          kind: 'DECLINED_WORK',
          title: `追加项目跟进：${item.titleZh}（${order.vehicle.plate}，${wanted.decision === 'DEFERRED' ? '稍后再做' : '已拒绝'}）`,
          details: { itemId: item.id, repairOrderId: order.id, vehicleId: order.vehicleId, decision: wanted.decision, urgency: item.urgency, priceFen: seen.totalFen, reason: item.reason },
          dedupeKey: `extra-work-item:${item.id}:r${item.revision}`,
          dueAt: followUpDue(now, order.shop.followUpDays, order.shop.timeZone),
          now,
        });
      }
      await audit(tx, {
        shopId: order.shopId,
        repairOrderId: order.id,
        actor,
        action: 'extra-work.decided',
        at: now,
        data: {
          decisionId: decision.id,
          itemId: item.id,
          decision: wanted.decision,
          priceFen: seen.totalFen,
          version: version.number,
          versionHash: version.hash,
          channel: decider.channel,
          ...(decider.advisorId ? { onBehalfOf: order.customerId, reason: decider.onBehalfReason } : { identityId: decider.identityId }),
        },
      });
      outcome.recorded.push({ itemId: item.id, title: { zh: item.titleZh, en: item.titleEn }, decision: wanted.decision, priceFen: seen.totalFen, decisionId: decision.id });
    }

    if (outcome.recorded.length > 0) {
      if ((await pendingOf(tx, { requestId: version.requestId })) === 0) {
        await tx.extraWorkRequest.updateMany({ where: { id: version.requestId, status: 'OPEN' }, data: { status: 'CLOSED', closedAt: now } });
        await tx.job.updateMany({ where: { kind: APPROVAL_EXPIRY_JOB_KIND, status: 'PENDING', payload: { path: ['requestId'], equals: version.requestId } }, data: { status: 'CANCELLED', finishedAt: now } });
      }
      outcome.stillPending = await pendingOf(tx, { repairOrderId: order.id });
      if (outcome.stillPending === 0 && order.status === 'AWAITING_APPROVAL') {
        await applyTransition(tx, order, { to: 'IN_PROGRESS', actor, now, via: 'decision' });
        outcome.status = 'IN_PROGRESS';
      }
      if (decider.advisorId) {
        const advisor = await tx.advisor.findUniqueOrThrow({ where: { id: decider.advisorId } });
        await enqueueNotice(
          tx,
          {
            notice: 'ro.decided-on-behalf',
            customerId: order.customerId,
            repairOrderId: order.id,
            number: order.number,
            plate: order.vehicle.plate,
            advisor: { id: advisor.id, name: advisor.name },
            reason: decider.onBehalfReason!,
            decisions: outcome.recorded.map((r) => ({ itemId: r.itemId, title: r.title, decision: r.decision, priceFen: r.priceFen })),
          },
          { now, dedupeKey: `notice:ro.decided-on-behalf:${outcome.recorded[0].decisionId}` },
        );
      }
    } else {
      outcome.stillPending = await pendingOf(tx, { repairOrderId: order.id });
    }
    return outcome;
  });
}

const customerDecisionSchema = z.object({
  customerId: z.string().min(1),
  identityId: z.string().min(1),
  channel: z.string().min(1).max(40),
  activityId: z.string().min(1).max(500).nullish(),
  versionHash: z.string().min(1).max(200),
  decisions: decisionsSchema,
  now: z.date(),
});

/**
 * The customer decides per item, from the version they were shown (its hash). Only the
 * order's customer may decide; a decision arriving twice is recorded once; an item changed
 * since the version they saw is refused as stale. Approved items' lines join the order;
 * deferred and declined items become advisor follow-ups. After the last pending item the
 * order goes back to work. The result lists what was recorded and what was refused, and why.
 */
export async function decideExtraWork(prisma: PrismaClient, rawInput: z.input<typeof customerDecisionSchema>): Promise<DecisionOutcome> {
  const input = customerDecisionSchema.parse(rawInput);
  return recordDecisions(prisma, {
    decider: { customerId: input.customerId, identityId: input.identityId, advisorId: null, onBehalfReason: null, channel: input.channel, activityId: input.activityId ?? null },
    versionHash: input.versionHash,
    decisions: input.decisions,
    now: input.now,
  });
}

const onBehalfSchema = z.object({
  advisorId: z.string().min(1),
  reason: z.string({ error: 'reason is required: why the advisor decides for the customer' }).trim().min(1, 'reason is required: why the advisor decides for the customer').max(500),
  versionHash: z.string().min(1).max(200),
  decisions: decisionsSchema,
  /** How the customer said it ("phone" unless said otherwise). */
  channel: z.string().min(1).max(40).default('phone'),
  activityId: z.string().min(1).max(500).nullish(),
  now: z.date(),
});

/**
 * An advisor records what the customer decided by phone. Audited as the advisor's act with
 * the reason; the customer gets a copy (notice ro.decided-on-behalf). Without a reason it is
 * refused (RepairOrderError 'reason-required') and nothing is written.
 */
export async function recordDecisionOnBehalf(prisma: PrismaClient, rawInput: z.input<typeof onBehalfSchema>): Promise<DecisionOutcome> {
  const parsed = onBehalfSchema.safeParse(rawInput);
  if (!parsed.success) {
    const reasonIssue = parsed.error.issues.find((i) => i.path[0] === 'reason');
    if (reasonIssue) throw new RepairOrderError('reason-required', reasonIssue.message);
    throw parsed.error;
  }
  const input = parsed.data;
  const advisor = await prisma.advisor.findUnique({ where: { id: input.advisorId } });
  if (!advisor) throw new RepairOrderError('not-found', `no advisor ${input.advisorId}`);
  const version = /^[0-9a-f]{64}$/.test(input.versionHash)
    ? await prisma.extraWorkVersion.findUnique({ where: { hash: input.versionHash }, select: { request: { select: { repairOrder: { select: { customerId: true, shopId: true } } } } } })
    : null;
  if (version && version.request.repairOrder.shopId !== advisor.shopId) throw new RepairOrderError('not-found', `no such extra work in advisor ${advisor.name}'s shop`);
  return recordDecisions(prisma, {
    decider: {
      customerId: version?.request.repairOrder.customerId ?? '',
      identityId: null,
      advisorId: advisor.id,
      onBehalfReason: input.reason,
      channel: input.channel,
      activityId: input.activityId ?? null,
    },
    versionHash: input.versionHash,
    decisions: input.decisions,
    now: input.now,
    shopId: advisor.shopId,
  });
}

/**
 * Run when a version has waited the shop's approval window (job repair.approval-expiry):
 * items still pending stay answerable, and the advisor gets a task to call the customer.
 */
export async function expireApproval(prisma: PrismaClient, input: { requestId: string; version: number; now: Date }): Promise<{ taskId: string | null }> {
  const head = await prisma.extraWorkRequest.findUnique({ where: { id: input.requestId }, select: { repairOrderId: true } });
  if (!head) return { taskId: null };
  return inTransaction(prisma, async (tx) => {
    const order = await lockOrder(tx, head.repairOrderId);
    const request = await tx.extraWorkRequest.findUniqueOrThrow({ where: { id: input.requestId } });
    if (request.status !== 'OPEN' || request.currentVersion !== input.version) return { taskId: null };
    const pending = await tx.extraWorkItem.findMany({ where: { requestId: request.id, status: 'PENDING' }, select: { id: true, titleZh: true } });
    if (pending.length === 0) return { taskId: null };
    const { task, created } = await createTask(tx, {
      shopId: order.shopId,
      advisorId: request.advisorId ?? order.advisorId,
      customerId: order.customerId,
      vehicleId: order.vehicleId,
      repairOrderId: order.id,
      kind: 'APPROVAL_EXPIRED',
      title: `追加项目未答复，请致电客户：${order.customer.name}（${order.vehicle.plate}，${order.number}）`,
      details: { repairOrderId: order.id, requestId: request.id, version: input.version, itemIds: pending.map((p) => p.id), items: pending.map((p) => p.titleZh) },
      dedupeKey: `extra-work-expired:${request.id}:v${input.version}`,
      dueAt: input.now,
      now: input.now,
    });
    if (!created) return { taskId: task.id };
    await tx.extraWorkRequest.update({ where: { id: request.id }, data: { expiredAt: input.now } });
    await audit(tx, { shopId: order.shopId, repairOrderId: order.id, actor: { type: 'system', id: APPROVAL_EXPIRY_JOB_KIND }, action: 'extra-work.unanswered', at: input.now, data: { requestId: request.id, version: input.version, taskId: task.id, pendingItems: pending.length } });
    return { taskId: task.id };
  });
}
