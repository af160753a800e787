import { z } from 'zod';
import type { PrismaClient } from '../db/client';
import { daysBetween, isLocalDate } from '../time';
import { calculateKpis } from './calculate';
import { loadKpiRecords } from './records';
import { KpiInputError } from './targets';
import type { KpiReport } from './types';

/**
 * The service manager's KPIs (issue 10): per advisor and for the shop, for whole shop-local
 * days. `kpiSummary` is what the CLI report, the admin socket and the chat command call;
 * it returns facts only (types.ts), the words are the caller's.
 */
export * from './types';
export { calculateKpis, basisPoints, ratio, type CalculateInput } from './calculate';
export { loadKpiRecords } from './records';
export { dayRange, weeksOf, monthsOf, type DayRange } from './range';
export { setTarget, parseYuan, findAdvisorByName, targetInputSchema, KpiInputError, MONTH_RE, type TargetInput, type SetTargetResult, type TargetFigures } from './targets';

/** A report covers at most a year: longer ranges are not what these targets are for. */
export const MAX_RANGE_DAYS = 366;

/** Why from…to is no report range (dates already YYYY-MM-DD), or null. */
export function rangeProblem(from: string, to: string): string | null {
  if (!isLocalDate(from)) return `${from} is not a calendar date written YYYY-MM-DD`;
  if (!isLocalDate(to)) return `${to} is not a calendar date written YYYY-MM-DD`;
  if (to < from) return `the range ends (${to}) before it starts (${from})`;
  if (daysBetween(from, to) >= MAX_RANGE_DAYS) return `a report covers at most ${MAX_RANGE_DAYS} days`;
  return null;
}

export const kpiSummaryInputSchema = z
  .object({
    shopId: z.string().min(1),
    /** null: the whole shop (a manager); an id: that advisor's own figures. */
    advisorId: z.string().min(1).nullable(),
    /** First and last shop-local day, both included. */
    from: z.string(),
    to: z.string(),
    now: z.date(),
  })
  .superRefine((v, ctx) => {
    const problem = rangeProblem(v.from, v.to);
    if (problem) ctx.addIssue({ code: 'custom', path: ['from'], message: problem });
  });

export type KpiSummaryInput = z.input<typeof kpiSummaryInputSchema>;

/**
 * The KPIs of one shop for a range, as a manager sees them (advisorId null: the shop and
 * every advisor) or as one advisor sees their own. Throws KpiInputError for invalid input
 * or an advisor of another shop.
 */
export async function kpiSummary(prisma: PrismaClient, rawInput: KpiSummaryInput): Promise<KpiReport> {
  const parsed = kpiSummaryInputSchema.safeParse(rawInput);
  if (!parsed.success) throw new KpiInputError('invalid', parsed.error.issues[0].message);
  const input = parsed.data;
  const records = await loadKpiRecords(prisma, input);
  if (input.advisorId !== null && !records.advisors.some((a) => a.id === input.advisorId)) {
    throw new KpiInputError('unknown-advisor', `advisor ${input.advisorId} is not one of this shop's advisors`);
  }
  return calculateKpis(records, input);
}
