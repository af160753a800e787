import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { PrismaClient } from '../../../services/db/client';
import {
  addLines,
  auditTrail,
  checkIn,
  proposeExtraWork,
  RepairOrderError,
  settlementList,
  transitionRepairOrder,
  type RepairOrderRefusal,
} from '../../../services/repair-orders';
import { maskMobile } from '../../../services/registration';
import { addDays, daysBetween, isLocalDate, localParts, zonedInstant } from '../../../services/time';
import type { Actor } from '../../../services/actor';
import { errorResponses, HttpError } from '../server';
import { apiSecurity, idSchema, type ApiOptions } from './common';

/**
 * Repair orders for a dealer management system: check-in, lines, extra work, status, one
 * order with its audit trail, a day's orders. Refusals answer with the service's reason code
 * (`code`) beside the words: 404 for what does not exist in this shop, 400 for input the
 * rules refuse, 409 for what the order's state does not allow. Every change is audited with
 * the API key that made it.
 */

const STATUS = ['CHECKED_IN', 'IN_PROGRESS', 'AWAITING_APPROVAL', 'READY', 'DELIVERED', 'CLOSED', 'CANCELLED'] as const;
const PAYERS = ['CUSTOMER', 'WARRANTY', 'GOODWILL', 'INTERNAL'] as const;
const DATE_RANGE_DAYS = 5 * 365 + 1;

const STATUS_FOR: Record<RepairOrderRefusal, number> = {
  'not-found': 404,
  'unknown-item': 400,
  'invalid-line': 400,
  'reason-required': 400,
  'promise-in-past': 400,
  'advisor-required': 400,
  'illegal-transition': 409,
  'extra-work-pending': 409,
  'use-extra-work': 409,
  'not-editable': 409,
  'booking-not-checkable': 409,
  'consented-line': 409,
  'nothing-changed': 409,
  'vehicle-has-open-order': 409,
};

async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RepairOrderError) throw new HttpError(STATUS_FOR[error.code], error.message, error.code);
    throw error;
  }
}

const bilingual = z.object({ zh: z.string().trim().min(1).max(200), en: z.string().trim().min(1).max(200) });
const quantity = z.union([z.number().nonnegative().max(100_000), z.string().regex(/^\d{1,6}(\.\d{1,3})?$/, 'must be a decimal with at most 3 places')]);
const fen = z.number().int().nonnegative().max(100_000_000);
const code = z.string().trim().min(1).max(50);
const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone (2026-11-28T16:00:00+08:00)' });

const lineInput = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('LABOUR'),
    operationCode: code.optional().describe('Catalogue operation code (e.g. BRAKE-PAD-F): names, flat-rate hours and warranty cover'),
    description: bilingual.optional().describe('Required without an operation'),
    hours: quantity.optional().describe('Required without an operation'),
    rateFen: fen.optional().describe('Rate per hour in fen; default the shop rate'),
    payer: z.enum(PAYERS).nullish().describe('Default: by rule (warranty where it applies, else the customer)'),
    coveragePercent: z.number().int().min(0).max(100).nullish(),
  }),
  z.strictObject({
    kind: z.literal('PART'),
    sku: code.optional().describe('Part SKU; its names, spec and price are the defaults'),
    operationCode: code.optional().describe('The operation the part is for (decides warranty cover)'),
    description: bilingual.optional().describe('Required without a SKU'),
    quantity,
    unitPriceFen: fen.optional().describe('Required without a SKU'),
    payer: z.enum(PAYERS).nullish(),
    coveragePercent: z.number().int().min(0).max(100).nullish(),
  }),
]);

const checkInBody = z
  .strictObject({
    bookingId: idSchema.optional().describe('Check in this booking; or give vehicleId or plate for a walk-in'),
    vehicleId: idSchema.optional(),
    plate: z.string().trim().min(7).max(10).optional(),
    services: z.array(code).max(20).optional().describe('Walk-in: catalogue operation codes agreed at the desk'),
    advisorId: idSchema.optional().describe("Default: the customer's advisor"),
    mileageInKm: z.number().int().min(0).max(2_000_000).nullable(),
    concern: z.string().trim().min(1).max(2000).describe('What the customer says is wrong, in their words'),
    promisedAt: instant.optional(),
  })
  .refine((b) => [b.bookingId, b.vehicleId, b.plate].filter(Boolean).length === 1, { message: 'give exactly one of bookingId, vehicleId or plate' })
  .refine((b) => !(b.bookingId && b.services), { message: 'services are for walk-ins; a booking brings its own', path: ['services'] });

const linesBody = z.strictObject({ lines: z.array(lineInput).min(1).max(50) });

const extraWorkBody = z.strictObject({
  advisorId: idSchema.optional().describe("Who proposes it; default the order's advisor"),
  items: z
    .array(
      z.strictObject({
        title: bilingual.optional().describe('Required without an operation'),
        operationCode: code.optional().describe('A catalogue operation: title and lines by default'),
        urgency: z.enum(['RED', 'YELLOW', 'GREEN']).describe('RED: safety, now; YELLOW: soon; GREEN: fine for now'),
        reason: z.string().trim().min(1).max(500).describe('Why, in plain words (前刹车片剩余2mm，建议更换)'),
        photoUrls: z.array(z.url({ protocol: /^https?$/ }).max(2000)).max(10).optional(),
        lines: z.array(lineInput).min(1).max(30).optional(),
      }),
    )
    .min(1)
    .max(20),
});

const statusBody = z.strictObject({
  status: z.enum(STATUS),
  reason: z.string().trim().min(1).max(500).optional().describe('Required to cancel and to re-open a READY order'),
});

const params = z.object({ id: idSchema });

const money = z.number().int();
const lineOut = z
  .object({
    id: z.string(),
    kind: z.enum(['LABOUR', 'PART']),
    description: bilingual,
    sku: z.string().nullable(),
    quantity: z.string().describe('Hours for labour, units for parts; three decimals'),
    unitPriceFen: money,
    payer: z.enum(PAYERS).nullable().describe('null: by rule'),
    status: z.enum(['ACTIVE', 'CORRECTED', 'REMOVED']),
    correctsId: z.string().nullable(),
    changeReason: z.string().nullable(),
    extraWorkItemId: z.string().nullable(),
  })
  .meta({ id: 'RepairOrderLine' });

const totalsOut = z
  .object({
    labourFen: money,
    partsFen: money,
    warrantyFen: money,
    goodwillFen: money,
    internalFen: money,
    coveredFen: money,
    subtotalFen: money,
    discountFen: money,
    taxableFen: money,
    taxRateBp: money,
    taxFen: money,
    totalFen: money,
  })
  .meta({ id: 'RepairOrderTotals', description: 'From the one pricing function; fen (1/100 CNY)' });

const auditOut = z
  .object({
    at: z.iso.datetime(),
    action: z.string(),
    actor: z.object({ type: z.string(), id: z.string().nullable(), name: z.string().nullable() }),
    onBehalfOf: z.object({ customerId: z.string(), name: z.string() }).nullable(),
    reason: z.string().nullable(),
    decision: z
      .object({ itemId: z.string(), title: bilingual, decision: z.enum(['APPROVED', 'DEFERRED', 'DECLINED']), priceFen: money, version: z.number().int(), versionHash: z.string(), channel: z.string(), activityId: z.string().nullable() })
      .nullable(),
  })
  .meta({ id: 'RepairOrderAuditEntry' });

const orderOut = z
  .object({
    id: z.string(),
    number: z.string(),
    status: z.enum(STATUS),
    plate: z.string(),
    customer: z.object({ name: z.string(), mobile: z.string().describe('Masked: 138****5678') }),
    advisor: z.object({ id: z.string(), name: z.string() }).nullable(),
    bookingId: z.string().nullable(),
    concern: z.string(),
    mileageInKm: z.number().int().nullable(),
    checkedInAt: z.iso.datetime(),
    promisedAt: z.iso.datetime().nullable(),
    promises: z.array(z.object({ promisedAt: z.iso.datetime(), reason: z.string().nullable(), at: z.iso.datetime() })),
    readyAt: z.iso.datetime().nullable(),
    deliveredAt: z.iso.datetime().nullable(),
    closedAt: z.iso.datetime().nullable(),
    cancelledAt: z.iso.datetime().nullable(),
    cancelReason: z.string().nullable(),
    lines: z.array(lineOut).describe('Every line ever on the order; only ACTIVE ones are priced'),
    totals: totalsOut,
    extraWork: z.array(
      z.object({
        requestId: z.string(),
        status: z.enum(['OPEN', 'CLOSED', 'WITHDRAWN']),
        version: z.number().int(),
        versionHash: z.string(),
        expiresAt: z.iso.datetime(),
        items: z.array(
          z.object({
            itemId: z.string(),
            title: bilingual,
            urgency: z.enum(['RED', 'YELLOW', 'GREEN']),
            reason: z.string(),
            photoUrls: z.array(z.string()),
            status: z.enum(['PENDING', 'APPROVED', 'DEFERRED', 'DECLINED', 'EXPIRED', 'WITHDRAWN']),
            totalFen: money.describe('As last shown, tax included'),
          }),
        ),
      }),
    ),
    audit: z.array(auditOut).describe('Who did what, when; decisions with the version, the price shown and on whose behalf'),
  })
  .meta({ id: 'RepairOrder' });

const summaryOut = z
  .object({
    id: z.string(),
    number: z.string(),
    status: z.enum(STATUS),
    plate: z.string(),
    customer: z.object({ name: z.string(), mobile: z.string() }),
    advisor: z.string().nullable(),
    checkedInAt: z.iso.datetime(),
    promisedAt: z.iso.datetime().nullable(),
    pendingDecisions: z.number().int(),
  })
  .meta({ id: 'RepairOrderSummary' });

const listQuery = (today: () => string) =>
  z.strictObject({
    date: z
      .string()
      .refine(isLocalDate, { message: 'must be a date YYYY-MM-DD', abort: true })
      .superRefine((date, ctx) => {
        if (Math.abs(daysBetween(today(), date)) > DATE_RANGE_DAYS) ctx.addIssue({ code: 'custom', message: 'must be within 5 years of today' });
      })
      .optional()
      .describe('Shop-local check-in date YYYY-MM-DD, within 5 years of today; default today'),
  });

const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function orderDetail(prisma: PrismaClient, shopId: string, id: string): Promise<z.infer<typeof orderOut>> {
  const order = await prisma.repairOrder.findFirst({
    where: { id, shopId },
    include: {
      vehicle: true,
      customer: true,
      advisor: true,
      promises: { orderBy: { createdAt: 'asc' } },
      lines: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
      extraWork: { orderBy: { createdAt: 'asc' }, include: { items: { orderBy: { position: 'asc' } }, versions: { orderBy: { number: 'desc' }, take: 1, include: { items: true } } } },
    },
  });
  if (!order) throw new HttpError(404, `no repair order ${id}`, 'not-found');
  const settlement = await settlementList(prisma, order.id);
  const trail = await auditTrail(prisma, order.id);
  const { discount: _discount, ...totals } = settlement.totals;
  return {
    id: order.id,
    number: order.number,
    status: order.status,
    plate: order.vehicle.plate,
    customer: { name: order.customer.name, mobile: maskMobile(order.customer.mobile) },
    advisor: order.advisor ? { id: order.advisor.id, name: order.advisor.name } : null,
    bookingId: order.bookingId,
    concern: order.concern,
    mileageInKm: order.mileageInKm,
    checkedInAt: order.checkedInAt.toISOString(),
    promisedAt: iso(order.promisedAt),
    promises: order.promises.map((p) => ({ promisedAt: p.promisedAt.toISOString(), reason: p.reason, at: p.createdAt.toISOString() })),
    readyAt: iso(order.readyAt),
    deliveredAt: iso(order.deliveredAt),
    closedAt: iso(order.closedAt),
    cancelledAt: iso(order.cancelledAt),
    cancelReason: order.cancelReason,
    lines: order.lines.map((l) => ({
      id: l.id,
      kind: l.kind,
      description: { zh: l.descriptionZh, en: l.descriptionEn },
      sku: l.sku,
      quantity: l.quantity.toFixed(3),
      unitPriceFen: l.unitPriceFen,
      payer: l.payer,
      status: l.status,
      correctsId: l.correctsId,
      changeReason: l.changeReason,
      extraWorkItemId: l.extraWorkItemId,
    })),
    totals,
    extraWork: order.extraWork.map((r) => {
      const latest = r.versions[0];
      return {
        requestId: r.id,
        status: r.status,
        version: r.currentVersion,
        versionHash: latest?.hash ?? '',
        expiresAt: r.expiresAt.toISOString(),
        items: r.items.map((i) => ({
          itemId: i.id,
          title: { zh: i.titleZh, en: i.titleEn },
          urgency: i.urgency,
          reason: i.reason,
          photoUrls: i.photoUrls,
          status: i.status,
          totalFen: latest?.items.find((vi) => vi.itemId === i.id)?.totalFen ?? 0,
        })),
      };
    }),
    audit: trail.map((e) => ({ at: e.at.toISOString(), action: e.action, actor: e.actor, onBehalfOf: e.onBehalfOf, reason: e.reason, decision: e.decision })),
  };
}

export const repairOrdersApi: FastifyPluginAsyncZod<ApiOptions> = async (app, { prisma, shop, now }) => {
  const actor = (request: { apiActor?: Actor }): Actor => {
    // Set by the key check of every /api/v1 route: without it nothing may be written.
    if (!request.apiActor) throw new Error('repair-order route reached without an authenticated API key');
    return request.apiActor;
  };

  app.post(
    '/repair-orders',
    {
      schema: {
        tags: ['Repair orders'],
        summary: 'Check in a booking or a walk-in (接车)',
        description: 'A booking already checked in answers 200 with its order (a retried request creates nothing); a new order answers 201. The customer is told (advisor, promised time).',
        security: apiSecurity,
        body: checkInBody,
        response: { 200: orderOut, 201: orderOut, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const result = await answer(() =>
        checkIn(prisma, {
          shopId: shop.id,
          bookingId: b.bookingId,
          vehicleId: b.vehicleId,
          plate: b.plate,
          services: b.services,
          advisorId: b.advisorId,
          mileageInKm: b.mileageInKm,
          concern: b.concern,
          promisedAt: b.promisedAt ? new Date(b.promisedAt) : null,
          actor: actor(request),
          now: now(),
        }),
      );
      void reply.code(result.created ? 201 : 200);
      return orderDetail(prisma, shop.id, result.repairOrderId);
    },
  );

  app.post(
    '/repair-orders/:id/lines',
    {
      schema: {
        tags: ['Repair orders'],
        summary: 'Add labour and part lines',
        description: 'Priced by the one pricing function before anything is written: a line asking for warranty where it does not apply is refused (400 invalid-line). A change to an order that was READY once is counted as a settled-line amendment.',
        security: apiSecurity,
        params,
        body: linesBody,
        response: { 201: z.object({ lineIds: z.array(z.string()), totalFen: money }), ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500) },
      },
    },
    async (request, reply) => {
      const result = await answer(() => addLines(prisma, { repairOrderId: request.params.id, lines: request.body.lines, actor: actor(request), now: now(), shopId: shop.id }));
      void reply.code(201);
      return result;
    },
  );

  app.post(
    '/repair-orders/:id/extra-work',
    {
      schema: {
        tags: ['Repair orders'],
        summary: 'Propose extra work (追加作业) for the customer to approve per item',
        description: 'Creates version 1 of a request (with the SHA-256 of exactly what is shown), moves the order to AWAITING_APPROVAL and tells the customer. Unanswered for the shop’s approval window (working time), an advisor task is raised.',
        security: apiSecurity,
        params,
        body: extraWorkBody,
        response: {
          201: z.object({
            requestId: z.string(),
            version: z.number().int(),
            versionHash: z.string(),
            totalFen: money,
            expiresAt: z.iso.datetime().nullable(),
            items: z.array(z.object({ itemId: z.string(), title: bilingual, urgency: z.enum(['RED', 'YELLOW', 'GREEN']), totalFen: money })),
          }),
          ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500),
        },
      },
    },
    async (request, reply) => {
      const result = await answer(() => proposeExtraWork(prisma, { repairOrderId: request.params.id, advisorId: request.body.advisorId, items: request.body.items, actor: actor(request), now: now(), shopId: shop.id }));
      void reply.code(201);
      return {
        requestId: result.requestId,
        version: result.version,
        versionHash: result.versionHash,
        totalFen: result.totalFen,
        expiresAt: iso(result.expiresAt),
        items: result.items.map((i) => ({ itemId: i.itemId, title: i.title, urgency: i.urgency, totalFen: i.totalFen })),
      };
    },
  );

  app.post(
    '/repair-orders/:id/status',
    {
      schema: {
        tags: ['Repair orders'],
        summary: 'Move a repair order along its lifecycle',
        description:
          'CHECKED_IN → IN_PROGRESS → READY → DELIVERED → CLOSED, CANCELLED before READY, READY → IN_PROGRESS to re-open (with a reason). AWAITING_APPROVAL is reached by proposing extra work (409 use-extra-work). ' +
          'READY is refused while extra work waits for the customer (409 extra-work-pending). Moving to the status the order has answers 200 with changed=false and writes nothing.',
        security: apiSecurity,
        params,
        body: statusBody,
        response: { 200: z.object({ id: z.string(), number: z.string(), from: z.enum(STATUS), status: z.enum(STATUS), changed: z.boolean() }), ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500) },
      },
    },
    async (request) => {
      const result = await answer(() => transitionRepairOrder(prisma, { repairOrderId: request.params.id, to: request.body.status, reason: request.body.reason, actor: actor(request), now: now(), shopId: shop.id }));
      return { id: request.params.id, number: result.number, from: result.from, status: result.to, changed: result.changed };
    },
  );

  app.get(
    '/repair-orders/:id',
    {
      schema: { tags: ['Repair orders'], summary: 'One repair order with its lines, totals, extra work and audit trail', security: apiSecurity, params, response: { 200: orderOut, ...errorResponses(400, 401, 403, 404, 500) } },
    },
    async (request) => orderDetail(prisma, shop.id, request.params.id),
  );

  app.get(
    '/repair-orders',
    {
      schema: {
        tags: ['Repair orders'],
        summary: 'Repair orders checked in on a day, in check-in order (at most 500)',
        security: apiSecurity,
        querystring: listQuery(() => localParts(now(), shop.timeZone).date),
        response: { 200: z.object({ date: z.string(), timeZone: z.string(), repairOrders: z.array(summaryOut) }), ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request) => {
      const date = request.query.date ?? localParts(now(), shop.timeZone).date;
      const orders = await prisma.repairOrder.findMany({
        where: { shopId: shop.id, checkedInAt: { gte: zonedInstant(date, 0, shop.timeZone), lt: zonedInstant(addDays(date, 1), 0, shop.timeZone) } },
        include: { vehicle: true, customer: true, advisor: true, extraWork: { include: { items: { where: { status: 'PENDING' }, select: { id: true } } } } },
        orderBy: [{ checkedInAt: 'asc' }, { number: 'asc' }],
        take: 500,
      });
      return {
        date,
        timeZone: shop.timeZone,
        repairOrders: orders.map((o) => ({
          id: o.id,
          number: o.number,
          status: o.status,
          plate: o.vehicle.plate,
          customer: { name: o.customer.name, mobile: maskMobile(o.customer.mobile) },
          advisor: o.advisor?.name ?? null,
          checkedInAt: o.checkedInAt.toISOString(),
          promisedAt: iso(o.promisedAt),
          pendingDecisions: o.extraWork.reduce((s, r) => s + r.items.length, 0),
        })),
      };
    },
  );
};
