/**
 * What an advisor types about repair orders, from Teams or the console (WeChat too, for a
 * linked advisor). One command per line, Chinese or English:
 *
 *   接车 <预约号|车牌> [里程 32000] [诉求 刹车有异响]     check in <ref|plate> [mileage N] [concern …]
 *   开工 / 完工 / 交车 <单号>                            start / ready / deliver <number>
 *   取消单 <单号> 原因 <…>                               cancel order <number> reason …
 *   加工时 <单号> <项目代码>  ·  加配件 <单号> <SKU> [数量]  add labour / add part …
 *   追加 <单号> <红|黄|绿> <项目> <原因> [照片 <url>…]     propose <number> <red|yellow|green> <operation> <reason> [photo <url>]
 *     (several items in one proposal, separated by "；")
 *   代客 <单号> <序号> <同意|下次|不做> 原因 <…>            on behalf <number> <n> <approve|later|decline> reason …
 *   结算单 <单号>  ·  发送结算单 <单号>                    settlement <number> · send settlement <number>
 *   维修单                                               orders
 *
 * <单号> is the full number (RO-20261127-0001) or its last digits. Refusals come back as
 * sentences from the catalogue; the services decide.
 */
import type { PrismaClient } from '../services/db/client';
import {
  RepairOrderError,
  addLines,
  checkIn,
  pendingApproval,
  proposeExtraWork,
  recordDecisionOnBehalf,
  settlementList,
  transitionRepairOrder,
  type RepairOrderStatus,
} from '../services/repair-orders';
import { matchServices } from '../services/catalog';
import { loadShopSnapshot } from '../services/shop-snapshot';
import { findPlate } from '../services/registration';
import { formatFen } from '../services/costs';
import { formatLocal } from '../services/time';
import type { Locale } from '../services/locale';
import { t, type PlainKey } from '../dialogs';
import { settlementText } from '../dialogs/settlement-text';
import { REPAIR_STATUS_KEYS } from '../dialogs/format';

export interface RepairCommandContext {
  prisma: PrismaClient;
  advisorId: string;
  shopId: string;
  timeZone: string;
  locale: Locale;
  now: Date;
  /** Sends to a customer's latest chat account (the settlement list). */
  sendToCustomer?: (customerId: string, text: string) => Promise<void>;
}

const RO = String.raw`(RO-\d{8}-\d{4}|\d{1,4})`;
const STATUS_WORDS: Array<[RegExp, RepairOrderStatus]> = [
  [new RegExp(`^(?:开工|start)\\s+${RO}$`, 'i'), 'IN_PROGRESS'],
  [new RegExp(`^(?:完工|ready)\\s+${RO}$`, 'i'), 'READY'],
  [new RegExp(`^(?:交车|deliver(?:ed)?)\\s+${RO}$`, 'i'), 'DELIVERED'],
];
const CANCEL = new RegExp(`^(?:取消单|cancel order)\\s+${RO}(?:\\s+(?:原因|reason)\\s*(.+))?$`, 'i');
const CHECK_IN = /^(?:接车|check in)\s+(\S+)(?:\s+(?:里程|mileage)\s*([\d.]+万?))?(?:\s+(?:诉求|concern)\s*(.+))?$/i;
const ADD_LABOUR = new RegExp(`^(?:加工时|add labour)\\s+${RO}\\s+(\\S+)$`, 'i');
const ADD_PART = new RegExp(`^(?:加配件|add part)\\s+${RO}\\s+(\\S+)(?:\\s+([\\d.]+))?$`, 'i');
const PROPOSE = new RegExp(`^(?:追加|propose)\\s+${RO}\\s+(.+)$`, 'i');
/** One proposed item: "<红|黄|绿> <项目> <原因> [照片 url]"; several are separated by "；" or ";". */
const PROPOSED_ITEM = /^(红|黄|绿|red|yellow|green)\s+(\S+)\s+(.+)$/i;
const ON_BEHALF = new RegExp(`^(?:代客|on behalf)\\s+${RO}\\s+(\\d{1,2})\\s+(同意|下次|不做|approve|later|decline)(?:\\s+(?:原因|reason)\\s*(.*))?$`, 'i');
const SETTLEMENT = new RegExp(`^(发送)?(?:结算单|(send )?settlement)\\s+${RO}$`, 'i');
const LIST = /^(?:维修单|在修|orders|repair orders)$/i;

const URGENCY: Record<string, 'RED' | 'YELLOW' | 'GREEN'> = { 红: 'RED', red: 'RED', 黄: 'YELLOW', yellow: 'YELLOW', 绿: 'GREEN', green: 'GREEN' };
const DECISION: Record<string, 'APPROVED' | 'DEFERRED' | 'DECLINED'> = { 同意: 'APPROVED', approve: 'APPROVED', 下次: 'DEFERRED', later: 'DEFERRED', 不做: 'DECLINED', decline: 'DECLINED' };
const STATUS_KEYS: Record<RepairOrderStatus, PlainKey> = REPAIR_STATUS_KEYS;

/** True when the text is one of the commands above (so a handoff relay does not swallow it). */
export function isRepairCommand(text: string): boolean {
  const s = text.trim();
  return [CHECK_IN, CANCEL, ADD_LABOUR, ADD_PART, PROPOSE, ON_BEHALF, SETTLEMENT, LIST, ...STATUS_WORDS.map(([re]) => re)].some((re) => re.test(s));
}

async function findOrder(ctx: RepairCommandContext, ref: string) {
  const where = /^RO-/i.test(ref) ? { number: ref.toUpperCase() } : { number: { endsWith: ref.padStart(4, '0') } };
  return ctx.prisma.repairOrder.findFirst({ where: { shopId: ctx.shopId, ...where }, orderBy: { checkedInAt: 'desc' }, include: { vehicle: true, customer: true } });
}

function mileage(text: string | undefined): number | null {
  if (!text) return null;
  const wan = text.endsWith('万');
  const n = Number(wan ? text.slice(0, -1) : text);
  return Number.isFinite(n) ? Math.round(wan ? n * 10_000 : n) : null;
}

/** Runs the command; null when the text is not a repair-order command. */
export async function handleRepairCommand(text: string, ctx: RepairCommandContext): Promise<string | null> {
  const s = text.trim();
  const { locale } = ctx;
  const actor = { type: 'advisor' as const, id: ctx.advisorId };
  try {
    if (LIST.test(s)) {
      const orders = await ctx.prisma.repairOrder.findMany({
        where: { shopId: ctx.shopId, status: { notIn: ['DELIVERED', 'CLOSED', 'CANCELLED'] } },
        orderBy: { checkedInAt: 'asc' },
        include: { vehicle: true, customer: true },
        take: 30,
      });
      if (!orders.length) return t(locale, 'ro.noneOpen');
      return [
        t(locale, 'ro.listTitle'),
        ...orders.map((o) => t(locale, 'ro.listLine', { number: o.number, plate: o.vehicle.plate, customer: o.customer.name, status: t(locale, STATUS_KEYS[o.status as RepairOrderStatus]), promised: o.promisedAt ? formatLocal(o.promisedAt, ctx.timeZone, locale) : '—' })),
      ].join('\n');
    }

    const checkInMatch = CHECK_IN.exec(s);
    if (checkInMatch) {
      const [, target, km, concern] = checkInMatch;
      const plate = findPlate(target);
      let bookingId: string | undefined;
      if (!plate) {
        const booking = await ctx.prisma.booking.findFirst({ where: { shopId: ctx.shopId, id: { endsWith: target.toLowerCase() } }, include: { lines: { include: { catalogItem: true } } } });
        if (!booking) return t(locale, 'ro.bookingUnknown', { ref: target });
        bookingId = booking.id;
      }
      const booked = bookingId ? await ctx.prisma.booking.findUniqueOrThrow({ where: { id: bookingId }, include: { lines: { include: { catalogItem: true } } } }) : null;
      const result = await checkIn(ctx.prisma, {
        shopId: ctx.shopId,
        ...(bookingId ? { bookingId } : { plate: plate! }),
        advisorId: ctx.advisorId,
        mileageInKm: mileage(km),
        // A booked job is promised for when its booked slot ends, until the advisor says otherwise.
        promisedAt: booked && booked.endsAt > ctx.now ? booked.endsAt : null,
        // The customer's words when the advisor typed them; else what was booked.
        concern: concern?.trim() || (booked ? t('zh', 'ro.concernBooked', { services: booked.lines.map((l) => l.catalogItem.nameZh).join('、') }) : t('zh', 'ro.concernWalkIn')),
        actor,
        now: ctx.now,
      });
      return t(locale, result.created ? 'ro.checkedIn' : 'ro.alreadyCheckedIn', { number: result.number });
    }

    for (const [re, to] of STATUS_WORDS) {
      const m = re.exec(s);
      if (!m) continue;
      const order = await findOrder(ctx, m[1]);
      if (!order) return t(locale, 'ro.unknown', { ref: m[1] });
      const done = await transitionRepairOrder(ctx.prisma, { repairOrderId: order.id, to, actor, now: ctx.now, shopId: ctx.shopId });
      return t(locale, done.changed ? 'ro.moved' : 'ro.alreadyThere', { number: order.number, status: t(locale, STATUS_KEYS[done.to]) });
    }

    const cancel = CANCEL.exec(s);
    if (cancel) {
      const order = await findOrder(ctx, cancel[1]);
      if (!order) return t(locale, 'ro.unknown', { ref: cancel[1] });
      await transitionRepairOrder(ctx.prisma, { repairOrderId: order.id, to: 'CANCELLED', reason: cancel[2]?.trim() || null, actor, now: ctx.now, shopId: ctx.shopId });
      return t(locale, 'ro.moved', { number: order.number, status: t(locale, 'status.CANCELLED') });
    }

    const labour = ADD_LABOUR.exec(s);
    const part = ADD_PART.exec(s);
    if (labour || part) {
      const m = (labour ?? part)!;
      const order = await findOrder(ctx, m[1]);
      if (!order) return t(locale, 'ro.unknown', { ref: m[1] });
      const line = labour ? { kind: 'LABOUR' as const, operationCode: await operationCode(ctx, m[2]) } : { kind: 'PART' as const, sku: m[2].toUpperCase(), quantity: m[3] ?? '1' };
      const change = await addLines(ctx.prisma, { repairOrderId: order.id, lines: [line], actor, now: ctx.now, shopId: ctx.shopId });
      return t(locale, 'ro.lineAdded', { number: order.number, total: formatFen(change.totalFen, locale) });
    }

    const propose = PROPOSE.exec(s);
    if (propose) {
      const [, ref, list] = propose;
      const order = await findOrder(ctx, ref);
      if (!order) return t(locale, 'ro.unknown', { ref });
      const items = [];
      for (const part of list.split(/[；;]/).map((p) => p.trim()).filter(Boolean)) {
        const m = PROPOSED_ITEM.exec(part);
        if (!m) return t(locale, 'ro.proposeFormat', { part });
        const [, urgency, what, rest] = m;
        const photoUrls = [...rest.matchAll(/https?:\/\/\S+/g)].map((x) => x[0]);
        const reason = rest.replace(/(?:照片|photo)?\s*https?:\/\/\S+/g, '').trim();
        items.push({ operationCode: await operationCode(ctx, what), urgency: URGENCY[urgency.toLowerCase()], reason, photoUrls });
      }
      const version = await proposeExtraWork(ctx.prisma, { repairOrderId: order.id, advisorId: ctx.advisorId, items, actor, now: ctx.now, shopId: ctx.shopId });
      return t(locale, 'ro.proposed', { number: order.number, total: formatFen(version.totalFen, locale), version: version.version });
    }

    const onBehalf = ON_BEHALF.exec(s);
    if (onBehalf) {
      const [, ref, position, word, reason] = onBehalf;
      const order = await findOrder(ctx, ref);
      if (!order) return t(locale, 'ro.unknown', { ref });
      const view = (await pendingApproval(ctx.prisma, order.customerId)).find((v) => v.repairOrderId === order.id);
      const item = view?.items.find((i) => i.position === Number(position));
      if (!view || !item) return t(locale, 'ro.noSuchItem', { number: order.number, n: position });
      const outcome = await recordDecisionOnBehalf(ctx.prisma, {
        advisorId: ctx.advisorId,
        reason: reason ?? '',
        versionHash: view.versionHash,
        decisions: [{ itemId: item.itemId, decision: DECISION[word.toLowerCase()] }],
        now: ctx.now,
      });
      if (!outcome.recorded.length) return t(locale, 'ro.notRecorded', { reason: outcome.refused[0]?.reason ?? '' });
      return t(locale, 'ro.onBehalfRecorded', { title: item.title[locale], number: order.number });
    }

    const settlement = SETTLEMENT.exec(s);
    if (settlement) {
      const send = Boolean(settlement[1] || settlement[2]);
      const order = await findOrder(ctx, settlement[3]);
      if (!order) return t(locale, 'ro.unknown', { ref: settlement[3] });
      const list = await settlementList(ctx.prisma, order.id, { shopId: ctx.shopId });
      if (!send) return settlementText(list, locale, ctx.timeZone);
      if (!ctx.sendToCustomer) return t(locale, 'ro.cannotSend');
      const customerLocale: Locale = order.customer.locale === 'en' ? 'en' : 'zh';
      await ctx.sendToCustomer(order.customerId, settlementText(list, customerLocale, ctx.timeZone));
      return t(locale, 'ro.settlementSent', { number: order.number });
    }
  } catch (error) {
    if (error instanceof RepairOrderError) return t(locale, 'ro.refused', { why: refusal(locale, error) });
    throw error;
  }
  return null;
}

/** An operation by its code ("BRAKE-PAD-F") or by the name a customer would use ("刹车片"). */
async function operationCode(ctx: RepairCommandContext, what: string): Promise<string> {
  const { items } = await loadShopSnapshot(ctx.prisma, ctx.shopId);
  const catalogue = [...items.values()];
  const byCode = catalogue.find((i) => i.code.toLowerCase() === what.toLowerCase());
  if (byCode) return byCode.code;
  return matchServices(catalogue, what)[0]?.code ?? what.toUpperCase();
}

function refusal(locale: Locale, error: RepairOrderError): string {
  const d = error.details as Record<string, unknown>;
  switch (error.code) {
    case 'illegal-transition':
      return t(locale, 'ro.why.illegal', { from: t(locale, STATUS_KEYS[d.from as RepairOrderStatus] ?? 'status.CHECKED_IN'), to: t(locale, STATUS_KEYS[d.to as RepairOrderStatus] ?? 'status.CHECKED_IN') });
    case 'extra-work-pending':
      return t(locale, 'ro.why.pending', { n: Number(d.pendingItems ?? 0) });
    case 'reason-required':
      return t(locale, 'ro.why.reason');
    case 'not-editable':
      return t(locale, 'ro.why.notEditable', { status: t(locale, STATUS_KEYS[d.status as RepairOrderStatus] ?? 'status.CLOSED') });
    case 'unknown-item':
      return t(locale, 'ro.why.unknownItem');
    case 'vehicle-has-open-order':
      return t(locale, 'ro.why.openOrder', { number: String(d.number ?? '') });
    case 'booking-not-checkable':
      return t(locale, 'ro.why.booking');
    default:
      return error.message;
  }
}
