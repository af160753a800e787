import crypto from 'node:crypto';
import type { PrismaClient, RawSql, StatementPart } from './db/client';
import { maskMobile } from './registration';
import { createTask } from './advisor-tasks';
import { plainName } from './text';
import { shopCalendar } from './shop-snapshot';
import { callbackDeadline } from './handoff';

/**
 * Customers, their vehicles and the chat identities that reach them.
 */

export interface ConversationIdentityInput {
  channel: string;
  externalId: string;
  displayName?: string | null;
  conversationReference: unknown;
  /** "<channel>/<conversation id>", to tell whether a person has this conversation. */
  conversationKey: string;
  now: Date;
}

export interface TouchedIdentity {
  id: string;
  advisorId: string | null;
  customer: { id: string; name: string; locale: string } | null;
  /** An advisor handoff is open in this conversation. */
  inHandoff: boolean;
}

/** Ids in the same shape as Prisma's cuid() defaults: 'c' + 24 base-36 characters. */
export function newId(): string {
  // randomUUID draws from a cached pool of entropy; randomBytes asked the system every time.
  return `c${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}`;
}

/** Who wrote, as `touchedIdentity` reads it, from `source` (aliased `up`): one identity row. */
function identityColumn(source: string, where: string, conversationKeyParam: string): string {
  return `(SELECT json_build_object('id', up."id", 'customerId', up."customerId", 'advisorId', up."advisorId",
              'customerName', c."name", 'customerLocale', c."locale",
              'inHandoff', EXISTS (SELECT 1 FROM "Handoff" h WHERE h."conversationKey" = ${conversationKeyParam} AND h."status" IN ('WAITING', 'ACTIVE')))
            FROM ${source} LEFT JOIN "Customer" c ON c."id" = up."customerId" ${where})`;
}

/**
 * Records who wrote and how to reach them later, and answers who they are. It runs on every
 * inbound message (it was seven round trips), so it is one CTE that rides with the claim.
 */
export function identityUpsertPart(input: ConversationIdentityInput, firstParam: number): StatementPart {
  const p = (i: number) => `$${firstParam + i}`;
  const reference = JSON.stringify(input.conversationReference ?? null);
  return {
    ctes: `identity_up AS (
      INSERT INTO "ChannelIdentity" ("id", "channel", "externalId", "displayName", "conversationReference", "lastInboundAt", "createdAt", "updatedAt")
      VALUES (${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}::jsonb, ${p(5)}, ${p(5)}, ${p(5)})
      ON CONFLICT ("channel", "externalId") DO UPDATE SET
        "displayName" = COALESCE(EXCLUDED."displayName", "ChannelIdentity"."displayName"),
        "conversationReference" = EXCLUDED."conversationReference",
        "lastInboundAt" = EXCLUDED."lastInboundAt",
        "updatedAt" = EXCLUDED."updatedAt"
      RETURNING "id", "customerId", "advisorId"
    )`,
    expr: identityColumn('identity_up up', '', p(6)),
    // Stored plain: the name reaches advisors' task lists and pushes, where markup would become links.
    params: [newId(), input.channel, input.externalId, plainName(input.displayName), reference, input.now, input.conversationKey],
  };
}

/** The identity as the upsert's expression returns it, read without writing (null: no such identity). */
export function identityReadPart(input: Pick<ConversationIdentityInput, 'channel' | 'externalId' | 'conversationKey'>, firstParam: number): StatementPart {
  const p = (i: number) => `$${firstParam + i}`;
  return {
    ctes: '',
    expr: identityColumn('"ChannelIdentity" up', `WHERE up."channel" = ${p(0)} AND up."externalId" = ${p(1)}`, p(2)),
    params: [input.channel, input.externalId, input.conversationKey],
  };
}

/**
 * Identities this process upserted a moment ago with the same name and conversation reference:
 * their next messages read the identity instead of writing it again. The write was a fifth of
 * the claim's database time on every message (bench/README.md, "Results — 2026-11-28 evening"),
 * and what it keeps current changes rarely: the name and reference are compared here (the
 * reference without its activity id, which is every message's own), and "last inbound" is
 * written again once it is a minute old. Another process's write in between leaves a reference
 * at most a minute stale.
 */
export class RecentIdentities {
  readonly #written = new Map<string, { fingerprint: string; at: number }>();

  constructor(
    private readonly freshMs = 60_000,
    private readonly max = 10_000,
  ) {}

  /** The claim's part for this identity: a read when this process wrote the same a moment ago, else the upsert. */
  part(input: ConversationIdentityInput): (firstParam: number) => StatementPart {
    const key = `${input.channel}\u0000${input.externalId}`;
    const { activityId: _activityId, ...reference } = (input.conversationReference ?? {}) as Record<string, unknown>;
    const fingerprint = `${plainName(input.displayName)}\u0000${JSON.stringify(reference)}`;
    const at = input.now.getTime();
    const known = this.#written.get(key);
    if (known && known.fingerprint === fingerprint && at - known.at < this.freshMs && at >= known.at) {
      return (first) => identityReadPart(input, first);
    }
    this.#written.delete(key);
    this.#written.set(key, { fingerprint, at });
    if (this.#written.size > this.max) this.#written.delete(this.#written.keys().next().value!);
    return (first) => identityUpsertPart(input, first);
  }
}

/** What `identityUpsertPart`'s expression returned. */
export function touchedIdentity(row: unknown): TouchedIdentity {
  const r = row as { id: string; customerId: string | null; advisorId: string | null; customerName: string | null; customerLocale: string | null; inHandoff: boolean };
  return {
    id: r.id,
    advisorId: r.advisorId,
    customer: r.customerId ? { id: r.customerId, name: r.customerName ?? '', locale: r.customerLocale ?? 'zh' } : null,
    inHandoff: r.inHandoff,
  };
}

/** The identity upsert on its own (a turn whose claim did not carry it). */
export async function touchIdentity(sql: Pick<RawSql, 'query'>, input: ConversationIdentityInput): Promise<TouchedIdentity> {
  const part = identityUpsertPart(input, 1);
  const rows = await sql.query<{ identity: unknown }>(`WITH ${part.ctes} SELECT ${part.expr} AS "identity"`, part.params);
  return touchedIdentity(rows[0].identity);
}

export async function plateOwner(prisma: PrismaClient, shopId: string, plate: string) {
  const vehicle = await prisma.vehicle.findUnique({ where: { shopId_plate: { shopId, plate } }, include: { customer: true } });
  return vehicle?.customer ?? null;
}

export async function vinTaken(prisma: PrismaClient, shopId: string, vin: string): Promise<boolean> {
  return (await prisma.vehicle.count({ where: { shopId, vin } })) > 0;
}

export interface RegistrationInput {
  shopId: string;
  identityId: string;
  mobile: string;
  name: string;
  locale: string;
  plate: string;
  vin: string | null;
  mileageKm: number | null | undefined;
  now: Date;
}

/** The active advisor with the fewest customers looks after a new one (earliest hired first on a tie). */
const leastLoadedAdvisor = (shopParam: string) => `
  SELECT a."id" FROM "Advisor" a
   WHERE a."shopId" = ${shopParam} AND a."active" AND a."role" = 'ADVISOR'
   ORDER BY (SELECT count(*) FROM "Customer" c WHERE c."advisorId" = a."id"), a."createdAt"
   LIMIT 1`;

async function pickAdvisor(prisma: PrismaClient, shopId: string): Promise<string | null> {
  const rows = await prisma.$queryRawUnsafe<Array<{ id: string }>>(leastLoadedAdvisor('$1'), shopId);
  return rows[0]?.id ?? null;
}

/** Which of the shop's unique keys a registration collided with (someone registered it meanwhile). */
export class RegistrationTakenError extends Error {
  constructor(readonly field: 'mobile' | 'plate' | 'vin') {
    super(`${field} is already registered at this shop`);
    this.name = 'RegistrationTakenError';
  }
}

/** A PostgreSQL unique violation (pg and PGlite both carry the SQLSTATE and the constraint's name). */
function uniqueViolation(error: unknown): string | null {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e && e.code === '23505' ? String(e.constraint ?? '') : null;
}

/**
 * A new customer with their vehicle, linked to the chat identity that registered, with its
 * audit event — one statement, so all or nothing without a transaction's extra round trips
 * (it was eight). The active advisor with the fewest customers looks after them.
 */
export async function registerCustomer(sql: Pick<RawSql, 'query'>, input: RegistrationInput): Promise<{ id: string; name: string; locale: string; vehicleId: string }> {
  const customerId = newId();
  const vehicleId = newId();
  try {
    await sql.query(
      `WITH advisor AS (${leastLoadedAdvisor('$2')}),
       customer AS (
         INSERT INTO "Customer" ("id", "shopId", "name", "mobile", "locale", "advisorId", "createdAt", "updatedAt")
         VALUES ($1, $2, $3, $4, $5, (SELECT "id" FROM advisor), now(), now())
         RETURNING "id"
       ),
       vehicle AS (
         INSERT INTO "Vehicle" ("id", "shopId", "customerId", "plate", "vin", "mileageKm", "mileageRecordedAt", "createdAt", "updatedAt")
         SELECT $7, $2, customer."id", $8, $9, $10::int, CASE WHEN $10::int IS NULL THEN NULL ELSE $6::timestamptz END, now(), now() FROM customer
         RETURNING "id"
       ),
       linked AS (
         UPDATE "ChannelIdentity" SET "customerId" = (SELECT "id" FROM customer), "updatedAt" = now() WHERE "id" = $11
         RETURNING 1
       )
       INSERT INTO "AuditEvent" ("id", "shopId", "actorType", "actorId", "action", "entityType", "entityId", "data", "at")
       SELECT $12, $2, 'customer', customer."id", 'customer.registered', 'Customer', customer."id",
              jsonb_build_object('mobile', $13::text, 'vehicleId', (SELECT "id" FROM vehicle), 'identityId', $11::text), now()
         FROM customer`,
      [customerId, input.shopId, input.name, input.mobile, input.locale, input.now, vehicleId, input.plate, input.vin, input.mileageKm ?? null, input.identityId, newId(), maskMobile(input.mobile)],
    );
  } catch (error) {
    const constraint = uniqueViolation(error);
    if (constraint !== null) throw new RegistrationTakenError(constraint.includes('vin') ? 'vin' : constraint.includes('mobile') ? 'mobile' : 'plate');
    throw error;
  }
  return { id: customerId, name: input.name, locale: input.locale, vehicleId };
}

export async function linkIdentityToCustomer(prisma: PrismaClient, input: { identityId: string; customerId: string; now: Date }) {
  const identity = await prisma.channelIdentity.update({
    where: { id: input.identityId },
    data: { customerId: input.customerId },
    include: { customer: true },
  });
  const customer = identity.customer!;
  await prisma.auditEvent.create({
    data: { shopId: customer.shopId, actorType: 'customer', actorId: customer.id, action: 'identity.linked', entityType: 'ChannelIdentity', entityId: identity.id, data: { channel: identity.channel } },
  });
  return { id: customer.id, name: customer.name, locale: customer.locale };
}

export async function customerVehicles(prisma: PrismaClient, customerId: string) {
  return prisma.vehicle.findMany({ where: { customerId }, orderBy: { createdAt: 'asc' } });
}

/** Adds a plate to a customer, or returns their vehicle with it; null when another customer owns it. */
export async function vehicleForPlate(prisma: PrismaClient, input: { shopId: string; customerId: string; plate: string }) {
  const existing = await prisma.vehicle.findUnique({ where: { shopId_plate: { shopId: input.shopId, plate: input.plate } } });
  if (existing) return existing.customerId === input.customerId ? { vehicle: existing, added: false } : null;
  try {
    const vehicle = await prisma.vehicle.create({ data: { shopId: input.shopId, customerId: input.customerId, plate: input.plate } });
    return { vehicle, added: true };
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') return null;
    throw error;
  }
}

/**
 * Due by the close of the next working day, the shop's promise for a call back. A mobile the
 * customer gave is the number to call: kept in full for the task's owner, masked in the
 * collected answers that other readers see.
 */
export async function raiseRegistrationHelpTask(
  prisma: PrismaClient,
  input: { shopId: string; identityId: string; collected: Record<string, unknown>; now: Date },
) {
  const identity = await prisma.channelIdentity.findUnique({ where: { id: input.identityId } });
  const advisorId = await pickAdvisor(prisma, input.shopId);
  const collected = { ...input.collected };
  const mobile = typeof collected.mobile === 'string' ? collected.mobile : null;
  if (mobile) collected.mobile = maskMobile(mobile);
  const dueAt = callbackDeadline(await shopCalendar(prisma, input.shopId), input.now);
  const day = input.now.toISOString().slice(0, 10);
  const { task } = await createTask(prisma, {
    shopId: input.shopId,
    advisorId,
    kind: 'REGISTRATION_HELP',
    title: `协助客户建档（${identity?.displayName ?? identity?.externalId ?? '未知'}，${identity?.channel ?? ''}）`,
    details: { identityId: input.identityId, channel: identity?.channel ?? null, collected },
    contact: { name: typeof collected.name === 'string' ? collected.name : identity?.displayName ?? null, mobile },
    dedupeKey: `registration-help:${input.identityId}:${day}`,
    dueAt,
    now: input.now,
  });
  return task;
}
