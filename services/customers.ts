import crypto from 'node:crypto';
import type { PrismaClient, RawSql } from './db/client';
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
  return `c${crypto.randomBytes(16).toString('hex').slice(0, 24)}`;
}

/**
 * Records who wrote and how to reach them later, and answers who they are — in one
 * statement, because it runs on every inbound message (it was seven round trips).
 */
export async function touchIdentity(sql: Pick<RawSql, 'query'>, input: ConversationIdentityInput): Promise<TouchedIdentity> {
  const reference = JSON.stringify(input.conversationReference ?? null);
  const rows = await sql.query<{ id: string; customerId: string | null; advisorId: string | null; customerName: string | null; customerLocale: string | null; inHandoff: boolean }>(
    `
    WITH up AS (
      INSERT INTO "ChannelIdentity" ("id", "channel", "externalId", "displayName", "conversationReference", "lastInboundAt", "createdAt", "updatedAt")
      VALUES ($1, $2, $3, $4, $5::jsonb, $6, $6, $6)
      ON CONFLICT ("channel", "externalId") DO UPDATE SET
        "displayName" = COALESCE(EXCLUDED."displayName", "ChannelIdentity"."displayName"),
        "conversationReference" = EXCLUDED."conversationReference",
        "lastInboundAt" = EXCLUDED."lastInboundAt",
        "updatedAt" = EXCLUDED."updatedAt"
      RETURNING "id", "customerId", "advisorId"
    )
    SELECT up."id", up."customerId", up."advisorId", c."name" AS "customerName", c."locale" AS "customerLocale",
           EXISTS (SELECT 1 FROM "Handoff" h WHERE h."conversationKey" = $7 AND h."status" IN ('WAITING', 'ACTIVE')) AS "inHandoff"
      FROM up LEFT JOIN "Customer" c ON c."id" = up."customerId"`,
    // Stored plain: the name reaches advisors' task lists and pushes, where markup would become links.
    [newId(), input.channel, input.externalId, plainName(input.displayName), reference, input.now, input.conversationKey],
  );
  const row = rows[0];
  return {
    id: row.id,
    advisorId: row.advisorId,
    customer: row.customerId ? { id: row.customerId, name: row.customerName ?? '', locale: row.customerLocale ?? 'zh' } : null,
    inHandoff: row.inHandoff,
  };
}

export async function plateOwner(prisma: PrismaClient, shopId: string, plate: string) {
  const vehicle = await prisma.vehicle.findUnique({ where: { shopId_plate: { shopId, plate } }, include: { customer: true } });
  return vehicle?.customer ?? null;
}

export async function vinTaken(prisma: PrismaClient, shopId: string, vin: string): Promise<boolean> {
  return (await prisma.vehicle.count({ where: { shopId, vin } })) > 0;
}

/** The active advisor with the fewest customers looks after a new one. */
async function pickAdvisor(prisma: PrismaClient, shopId: string): Promise<string | null> {
  const advisors = await prisma.advisor.findMany({
    where: { shopId, active: true, role: 'ADVISOR' },
    select: { id: true, _count: { select: { customers: true } } },
    orderBy: { createdAt: 'asc' },
  });
  advisors.sort((a, b) => a._count.customers - b._count.customers);
  return advisors[0]?.id ?? null;
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

export async function registerCustomer(prisma: PrismaClient, input: RegistrationInput) {
  const advisorId = await pickAdvisor(prisma, input.shopId);
  return prisma.$transaction(async (tx) => {
    const customer = await tx.customer.create({
      data: { shopId: input.shopId, name: input.name, mobile: input.mobile, locale: input.locale, advisorId },
    });
    const vehicle = await tx.vehicle.create({
      data: {
        shopId: input.shopId,
        customerId: customer.id,
        plate: input.plate,
        vin: input.vin,
        mileageKm: input.mileageKm ?? null,
        mileageRecordedAt: input.mileageKm == null ? null : input.now,
      },
    });
    await tx.channelIdentity.update({ where: { id: input.identityId }, data: { customerId: customer.id } });
    await tx.auditEvent.create({
      data: {
        shopId: input.shopId,
        actorType: 'customer',
        actorId: customer.id,
        action: 'customer.registered',
        entityType: 'Customer',
        entityId: customer.id,
        data: { mobile: maskMobile(input.mobile), vehicleId: vehicle.id, identityId: input.identityId },
      },
    });
    return { id: customer.id, name: customer.name, locale: customer.locale };
  });
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
