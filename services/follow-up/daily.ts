import type { PrismaClient } from '../db/client';
import { addDays, localParts, zonedInstant, type LocalDate } from '../time';
import { DAILY_FOLLOW_UP_JOB_KIND, dailyDedupeKey } from './kinds';
import { remindMaintenanceDue, type MaintenanceRunResult } from './maintenance';
import { expireSurveys } from './surveys';

/**
 * The daily follow-up of each shop (job follow-up.daily at 10:00 shop time, inside the default
 * notice window): maintenance-due reminders and expiring surveys. Each run first schedules the
 * next day's, so the chain survives a crash mid-run; ensureDailyJobs at start-up starts it
 * (and restarts it after the bot was down for days). Every job has the date in its dedupe
 * key, so several processes starting at once schedule it once.
 */
export const DAILY_RUN_MINUTE = 10 * 60;

function dailyJob(shop: { id: string; timeZone: string }, date: LocalDate, now: Date) {
  const at = zonedInstant(date, DAILY_RUN_MINUTE, shop.timeZone);
  return { kind: DAILY_FOLLOW_UP_JOB_KIND, runAt: at < now ? now : at, payload: { shopId: shop.id, date }, dedupeKey: dailyDedupeKey(shop.id, date) };
}

/** Makes sure every shop has today's daily run (due now if 10:00 has passed and it has not run). Returns how many were created. */
export async function ensureDailyJobs(prisma: Pick<PrismaClient, 'shop' | 'job'>, now: Date): Promise<number> {
  const shops = await prisma.shop.findMany({ select: { id: true, timeZone: true } });
  // ON CONFLICT DO NOTHING: concurrent starts of several processes create each once.
  const { count } = await prisma.job.createMany({ data: shops.map((shop) => dailyJob(shop, localParts(now, shop.timeZone).date, now)), skipDuplicates: true });
  return count;
}

export interface DailyRunResult {
  date: LocalDate;
  maintenance: MaintenanceRunResult;
  surveysExpired: number;
}

/** Job follow-up.daily. */
export async function runDailyFollowUp(prisma: PrismaClient, input: { shopId: string; date: LocalDate; now: Date }): Promise<DailyRunResult> {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { id: input.shopId }, select: { id: true, timeZone: true } });
  // A run that comes late (the bot was down) is today's: the chain goes on from tomorrow, not day by day.
  const today = localParts(input.now, shop.timeZone).date;
  await prisma.job.createMany({ data: [dailyJob(shop, addDays(input.date > today ? input.date : today, 1), input.now)], skipDuplicates: true });
  const maintenance = await remindMaintenanceDue(prisma, { shopId: shop.id, now: input.now });
  const surveysExpired = await expireSurveys(prisma, { shopId: shop.id, now: input.now });
  return { date: input.date, maintenance, surveysExpired };
}
