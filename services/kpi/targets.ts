import { z } from 'zod';
import type { PrismaClient } from '../db/client';
import { actorSchema } from '../actor';

/**
 * Monthly targets per advisor (受理台次, 有偿回厂台数, service revenue in fen), set by the
 * service manager. Setting a month again replaces it; every change is audited with the
 * figures before and after.
 */

export class KpiInputError extends Error {
  override name = 'KpiInputError';
  constructor(
    readonly code: 'unknown-advisor' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

export const MONTH_RE = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

const count = (what: string) => z.number({ error: `${what} must be a number` }).int(`${what} must be a whole number`).min(0, `${what} must not be negative`).max(100_000, `${what} must be at most 100000`);

export const targetInputSchema = z
  .object({
    shopId: z.string().min(1),
    advisorName: z.string().trim().min(1, 'the advisor’s name is missing').max(100),
    month: z.string().regex(MONTH_RE, 'the month must be written YYYY-MM, e.g. 2026-11'),
    repairOrders: count('--orders'),
    paidVisits: count('--paid'),
    // The column is a 32-bit integer: ¥21,474,836.47 a month per advisor is plenty.
    revenueFen: z.number().int('--revenue must be whole fen').min(0, '--revenue must not be negative').max(2_000_000_000, '--revenue must be at most ¥20,000,000'),
    actor: actorSchema,
    now: z.date(),
  })
  .refine((t) => t.paidVisits <= t.repairOrders, { message: '--paid (paid return visits) cannot exceed --orders (repair orders handled)', path: ['paidVisits'] });

export type TargetInput = z.input<typeof targetInputSchema>;

export interface TargetFigures {
  repairOrders: number;
  paidVisits: number;
  revenueFen: number;
}

export interface SetTargetResult extends TargetFigures {
  advisorId: string;
  advisorName: string;
  month: string;
  previous: TargetFigures | null;
}

/**
 * "¥350000", "350,000", "¥12,345.60", "35万" → fen. Money typed by a person on a command
 * line; parsed on the digits (no floating point), at most two decimals.
 */
export function parseYuan(text: string): number | null {
  const m = /^[¥￥]?\s*([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]{1,2}))?\s*(万)?$/.exec(text.trim());
  if (!m) return null;
  const fen = Number(m[1].replace(/,/g, '')) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  const value = m[3] ? fen * 10_000 : fen;
  return Number.isSafeInteger(value) ? value : null;
}

export async function findAdvisorByName(prisma: PrismaClient, shopId: string, name: string): Promise<{ id: string; name: string; role: 'ADVISOR' | 'MANAGER' } | null> {
  return prisma.advisor.findFirst({ where: { shopId, name: name.trim() }, select: { id: true, name: true, role: true } });
}

/** Sets (or replaces) an advisor's targets for a month. Throws KpiInputError for an unknown advisor or invalid figures. */
export async function setTarget(prisma: PrismaClient, rawInput: TargetInput): Promise<SetTargetResult> {
  const parsed = targetInputSchema.safeParse(rawInput);
  if (!parsed.success) throw new KpiInputError('invalid', parsed.error.issues[0].message);
  const input = parsed.data;
  const advisor = await findAdvisorByName(prisma, input.shopId, input.advisorName);
  if (!advisor) throw new KpiInputError('unknown-advisor', `no advisor named "${input.advisorName}" in this shop`);
  const figures: TargetFigures = { repairOrders: input.repairOrders, paidVisits: input.paidVisits, revenueFen: input.revenueFen };
  const previous = await prisma.$transaction(async (tx) => {
    const key = { advisorId_month: { advisorId: advisor.id, month: input.month } };
    const before = await tx.advisorTarget.findUnique({ where: key, select: { repairOrders: true, paidVisits: true, revenueFen: true } });
    await tx.advisorTarget.upsert({ where: key, create: { advisorId: advisor.id, month: input.month, ...figures, setBy: input.actor.id }, update: { ...figures, setBy: input.actor.id } });
    await tx.auditEvent.create({
      data: { shopId: input.shopId, actorType: input.actor.type, actorId: input.actor.id, action: 'kpi.target-set', entityType: 'AdvisorTarget', entityId: `${advisor.id}:${input.month}`, at: input.now, data: { advisorName: advisor.name, month: input.month, before, after: { ...figures } } },
    });
    return before;
  });
  return { advisorId: advisor.id, advisorName: advisor.name, month: input.month, ...figures, previous };
}
