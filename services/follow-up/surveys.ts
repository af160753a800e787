import { z } from 'zod';
import type { Prisma, PrismaClient } from '../db/client';
import { addWorkingDays, loadShopCalendar } from '../calendar';
import { inTransaction } from '../repair-orders/internal';
import { enqueueNotice } from '../repair-orders/notices';
import { shopCalendar } from '../shop-snapshot';
import { SURVEY_LOW_SCORE_JOB_KIND, SURVEY_SEND_JOB_KIND, surveyLowScoreDedupeKey, surveySendDedupeKey } from './kinds';
import { raiseFollowUpTask } from './tasks';

/**
 * Satisfaction survey (回访) after delivery, once per repair order.
 *
 * Delivery schedules it (scheduleSurvey, in the delivery's transaction): a Survey SCHEDULED for
 * Shop.surveyDelayWorkingDays working days later (shop calendar) and a job survey.send. The
 * job moves it to SENT and enqueues the customer notice survey.invite (whose handler opens the
 * survey conversation), in one transaction. Answers are kept one per question as they come
 * (partial answers count); the survey can be answered until Shop.surveyExpiryDays after it
 * was sent. An overall score ≤ 2 or a recommend score ≤ 6 hands over to a complaint once per
 * survey, through the job survey.low-score and its onLowScore hook.
 */

export const CSI_FACTORS = ['service-initiation', 'service-advisor', 'service-facility', 'vehicle-pickup', 'service-quality'] as const;
export type CsiFactor = (typeof CSI_FACTORS)[number];

export type SurveyQuestion =
  | { code: string; kind: 'scale'; min: number; max: number; required: boolean }
  /** Answered with score 1 (yes) or 0 (no). */
  | { code: string; kind: 'yes-no'; required: boolean }
  | { code: string; kind: 'text'; required: boolean };

/** The questions in the order they are asked: core questions, the shop's CSI factors, the comment. */
export function questionsFor(csiFactors: readonly string[]): SurveyQuestion[] {
  const on = new Set(csiFactors);
  return [
    { code: 'overall', kind: 'scale', min: 1, max: 5, required: true },
    { code: 'recommend', kind: 'scale', min: 0, max: 10, required: true },
    { code: 'explained', kind: 'yes-no', required: true },
    ...CSI_FACTORS.filter((f) => on.has(f)).map((f): SurveyQuestion => ({ code: `csi.${f}`, kind: 'scale', min: 1, max: 5, required: false })),
    { code: 'comment', kind: 'text', required: false },
  ];
}

export async function surveyQuestions(prisma: Pick<PrismaClient, 'shop'>, shopId: string): Promise<SurveyQuestion[]> {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { surveyCsiFactors: true } });
  return questionsFor(shop.surveyCsiFactors);
}

/** Overall ≤ 2 of 5, or recommend ≤ 6 of 10 (a detractor in NPS terms). */
export function isLowScore(scores: { overall?: number | null; recommend?: number | null }): boolean {
  return (scores.overall != null && scores.overall <= 2) || (scores.recommend != null && scores.recommend <= 6);
}

export type SurveyErrorCode = 'not-found' | 'closed' | 'expired' | 'unknown-question' | 'invalid-answer';

/** A refusal the survey dialog words; `code` says which. */
export class SurveyError extends Error {
  override name = 'SurveyError';
  constructor(readonly code: SurveyErrorCode, message: string) {
    super(message);
  }
}

// ───────────────────────────── Scheduling and sending ─────────────────────────────

/**
 * Called in the transaction that delivers a repair order: the survey is scheduled once (the
 * Survey row is unique per order). Nothing is scheduled for a customer who opted out.
 */
export async function scheduleSurvey(tx: Prisma.TransactionClient, order: { id: string; shopId: string; customerId: string }, now: Date): Promise<{ surveyId: string; sendAt: Date } | null> {
  const customer = await tx.customer.findUniqueOrThrow({ where: { id: order.customerId }, select: { consentService: true } });
  if (!customer.consentService) return null;
  const shop = await loadShopCalendar(tx, order.shopId);
  const sendAt = shop.surveyDelayWorkingDays > 0 ? addWorkingDays(shop, now, shop.surveyDelayWorkingDays) : now;
  const survey = await tx.survey.upsert({
    where: { repairOrderId: order.id },
    create: { shopId: order.shopId, repairOrderId: order.id, customerId: order.customerId, status: 'SCHEDULED', scheduledAt: sendAt },
    update: {},
  });
  await tx.job.upsert({
    where: { dedupeKey: surveySendDedupeKey(order.id) },
    create: { kind: SURVEY_SEND_JOB_KIND, runAt: survey.scheduledAt, payload: { surveyId: survey.id }, dedupeKey: surveySendDedupeKey(order.id) },
    update: {},
  });
  return { surveyId: survey.id, sendAt: survey.scheduledAt };
}

export type SendSurveyResult = { outcome: 'sent'; surveyId: string; expiresAt: Date } | { outcome: 'cancelled' | 'not-applicable'; surveyId: string };

/**
 * Job survey.send: SCHEDULED → SENT with its expiry, and the invitation enqueued, in one
 * transaction conditional on SCHEDULED — a second run sends nothing. A customer who opted
 * out meanwhile, or has no chat account to be asked on, gets no survey (CANCELLED).
 */
export async function sendSurvey(prisma: PrismaClient, input: { surveyId: string; now: Date }): Promise<SendSurveyResult> {
  const { now } = input;
  return inTransaction(prisma, async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Survey" WHERE id = ${input.surveyId} FOR UPDATE`;
    const survey = await tx.survey.findUnique({ where: { id: input.surveyId }, include: { customer: true, shop: true, repairOrder: { include: { vehicle: true } } } });
    if (!survey || survey.status !== 'SCHEDULED') return { outcome: 'not-applicable', surveyId: input.surveyId };
    // Opted out meanwhile, or nobody to ask in chat (a phone-only customer): no survey, rather than one counted as sent.
    const reachable = (await tx.channelIdentity.count({ where: { customerId: survey.customerId } })) > 0;
    if (!survey.customer.consentService || !reachable) {
      await tx.survey.update({ where: { id: survey.id }, data: { status: 'CANCELLED' } });
      return { outcome: 'cancelled', surveyId: survey.id };
    }
    const expiresAt = new Date(now.getTime() + survey.shop.surveyExpiryDays * 86_400_000);
    await tx.survey.update({ where: { id: survey.id }, data: { status: 'SENT', sentAt: now, expiresAt } });
    await enqueueNotice(
      tx,
      { notice: 'survey.invite', customerId: survey.customerId, surveyId: survey.id, repairOrderId: survey.repairOrderId, number: survey.repairOrder.number, plate: survey.repairOrder.vehicle.plate },
      { now, dedupeKey: `notice:survey.invite:${survey.id}` },
    );
    return { outcome: 'sent', surveyId: survey.id, expiresAt };
  });
}

/** Daily: surveys past their time are EXPIRED (the answers they got are kept). */
export async function expireSurveys(prisma: Pick<PrismaClient, 'survey'>, input: { shopId: string; now: Date }): Promise<number> {
  const { count } = await prisma.survey.updateMany({ where: { shopId: input.shopId, status: 'SENT', expiresAt: { lte: input.now } }, data: { status: 'EXPIRED' } });
  return count;
}

// ───────────────────────────── Answering ─────────────────────────────

export interface SurveyAnswer {
  score: number | null;
  comment: string | null;
}

export interface OpenSurvey {
  surveyId: string;
  repairOrderId: string;
  number: string;
  plate: string;
  sentAt: Date;
  expiresAt: Date;
  questions: SurveyQuestion[];
  /** By question code; a row with neither score nor comment is an optional question skipped. */
  answers: Record<string, SurveyAnswer>;
  /** The next question not answered yet, or null. */
  next: SurveyQuestion | null;
}

function nextQuestion(questions: readonly SurveyQuestion[], answered: ReadonlySet<string>): SurveyQuestion | null {
  return questions.find((q) => !answered.has(q.code)) ?? null;
}

function missingRequired(questions: readonly SurveyQuestion[], answers: Record<string, SurveyAnswer>): string[] {
  return questions.filter((q) => q.required && answers[q.code]?.score == null && !(q.kind === 'text' && answers[q.code]?.comment)).map((q) => q.code);
}

/** The customer's survey that can be answered now (the newest), with what they answered so far; null when none. */
export async function openSurvey(prisma: PrismaClient, input: { customerId: string; now: Date }): Promise<OpenSurvey | null> {
  const survey = await prisma.survey.findFirst({
    where: { customerId: input.customerId, status: 'SENT', expiresAt: { gt: input.now } },
    orderBy: { sentAt: 'desc' },
    include: { shop: { select: { surveyCsiFactors: true } }, responses: true, repairOrder: { include: { vehicle: true } } },
  });
  if (!survey) return null;
  const questions = questionsFor(survey.shop.surveyCsiFactors);
  const answers = Object.fromEntries(survey.responses.map((r) => [r.question, { score: r.score, comment: r.comment }]));
  return {
    surveyId: survey.id,
    repairOrderId: survey.repairOrderId,
    number: survey.repairOrder.number,
    plate: survey.repairOrder.vehicle.plate,
    sentAt: survey.sentAt!,
    expiresAt: survey.expiresAt!,
    questions,
    answers,
    next: nextQuestion(questions, new Set(Object.keys(answers))),
  };
}

const answerSchema = z.object({
  surveyId: z.string().min(1),
  customerId: z.string().min(1),
  question: z.string().min(1).max(60),
  score: z.number().int().nullish(),
  comment: z.string().trim().max(2000).nullish(),
  now: z.date(),
});

export interface RecordedAnswer {
  surveyId: string;
  question: string;
  next: SurveyQuestion | null;
  /** Every required question has its answer. */
  complete: boolean;
  /** The survey, as answered so far, scores low (it was handed over once, when it first did). */
  lowScore: boolean;
}

/** A delay before a low score is handed over, so that a comment given right after it goes along. */
export const LOW_SCORE_GRACE_MS = 15 * 60_000;

/** Loads and checks a survey under its row lock: the customer's, SENT, not expired. */
async function answerableSurvey(tx: Prisma.TransactionClient, surveyId: string, customerId: string, now: Date) {
  await tx.$queryRaw`SELECT id FROM "Survey" WHERE id = ${surveyId} FOR UPDATE`;
  const survey = await tx.survey.findUnique({ where: { id: surveyId }, include: { shop: { select: { surveyCsiFactors: true } }, responses: true } });
  if (!survey || survey.customerId !== customerId) throw new SurveyError('not-found', `no survey ${surveyId} for this customer`);
  // Past its time it is expired, also before the daily run has marked it so.
  if (survey.status === 'EXPIRED' || (survey.status === 'SENT' && survey.expiresAt && survey.expiresAt <= now)) {
    throw new SurveyError('expired', `survey ${surveyId} has expired`);
  }
  if (survey.status !== 'SENT') throw new SurveyError('closed', `survey ${surveyId} is ${survey.status}`);
  return survey;
}

/**
 * Keeps one answer (a re-answer replaces it). A scale takes an integer in its range, yes/no
 * takes 1 or 0, the comment takes text; an optional question answered with neither score nor
 * comment is skipped. The first answer that makes the survey score low schedules the hand-over
 * to a complaint (job survey.low-score), in the same transaction.
 */
export async function recordSurveyAnswer(prisma: PrismaClient, rawInput: z.input<typeof answerSchema>): Promise<RecordedAnswer> {
  const input = answerSchema.parse(rawInput);
  const score = input.score ?? null;
  const comment = input.comment ? input.comment : null;
  return inTransaction(prisma, async (tx) => {
    const survey = await answerableSurvey(tx, input.surveyId, input.customerId, input.now);
    const questions = questionsFor(survey.shop.surveyCsiFactors);
    const question = questions.find((q) => q.code === input.question);
    if (!question) throw new SurveyError('unknown-question', `survey ${survey.id} has no question ${input.question}`);
    if (question.kind === 'scale' && score !== null && (score < question.min || score > question.max)) {
      throw new SurveyError('invalid-answer', `${question.code} takes ${question.min}–${question.max}, not ${score}`);
    }
    if (question.kind === 'yes-no' && score !== null && score !== 0 && score !== 1) throw new SurveyError('invalid-answer', `${question.code} takes 1 (yes) or 0 (no), not ${score}`);
    if (question.kind === 'text' && score !== null) throw new SurveyError('invalid-answer', `${question.code} takes a comment, not a score`);
    if (question.required && score === null && !(question.kind === 'text' && comment)) {
      throw new SurveyError('invalid-answer', `${question.code} needs an answer`);
    }
    await tx.surveyResponse.upsert({
      where: { surveyId_question: { surveyId: survey.id, question: question.code } },
      create: { surveyId: survey.id, question: question.code, score, comment, answeredAt: input.now },
      update: { score, comment, answeredAt: input.now },
    });
    const answers: Record<string, SurveyAnswer> = Object.fromEntries(survey.responses.map((r) => [r.question, { score: r.score, comment: r.comment }]));
    answers[question.code] = { score, comment };
    const lowScore = isLowScore({ overall: answers.overall?.score, recommend: answers.recommend?.score });
    if (lowScore && !survey.lowScoreAt) {
      await tx.survey.update({ where: { id: survey.id }, data: { lowScoreAt: input.now } });
      await tx.job.upsert({
        where: { dedupeKey: surveyLowScoreDedupeKey(survey.id) },
        create: { kind: SURVEY_LOW_SCORE_JOB_KIND, runAt: new Date(input.now.getTime() + LOW_SCORE_GRACE_MS), payload: { surveyId: survey.id }, dedupeKey: surveyLowScoreDedupeKey(survey.id) },
        update: {},
      });
    }
    return {
      surveyId: survey.id,
      question: question.code,
      next: nextQuestion(questions, new Set(Object.keys(answers))),
      complete: missingRequired(questions, answers).length === 0,
      lowScore,
    };
  });
}

export interface FinishedSurvey {
  surveyId: string;
  status: 'ANSWERED' | 'SENT';
  answered: number;
  /** Required questions left without an answer (kept as they are: partial answers count). */
  missingRequired: string[];
  lowScore: boolean;
}

/**
 * The conversation is over (all asked, or the customer stopped): with at least one answer
 * the survey is ANSWERED and keeps what it got; without any it stays open until it expires.
 * A pending low-score hand-over goes at once, with the comment if one was given.
 */
export async function finishSurvey(prisma: PrismaClient, input: { surveyId: string; customerId: string; now: Date }): Promise<FinishedSurvey> {
  return inTransaction(prisma, async (tx) => {
    const survey = await answerableSurvey(tx, input.surveyId, input.customerId, input.now);
    const questions = questionsFor(survey.shop.surveyCsiFactors);
    const answers: Record<string, SurveyAnswer> = Object.fromEntries(survey.responses.map((r) => [r.question, { score: r.score, comment: r.comment }]));
    const answered = survey.responses.filter((r) => r.score !== null || r.comment).length;
    const lowScore = isLowScore({ overall: answers.overall?.score, recommend: answers.recommend?.score });
    if (answered === 0) return { surveyId: survey.id, status: 'SENT', answered, missingRequired: missingRequired(questions, answers), lowScore };
    await tx.survey.update({ where: { id: survey.id }, data: { status: 'ANSWERED', answeredAt: input.now } });
    await tx.job.updateMany({ where: { dedupeKey: surveyLowScoreDedupeKey(survey.id), status: 'PENDING', runAt: { gt: input.now } }, data: { runAt: input.now } });
    return { surveyId: survey.id, status: 'ANSWERED', answered, missingRequired: missingRequired(questions, answers), lowScore };
  });
}

// ───────────────────────────── Low score → complaint ─────────────────────────────

/** What a complaint opened from a survey needs: facts only. */
export interface LowScore {
  surveyId: string;
  shopId: string;
  customerId: string;
  repairOrderId: string;
  number: string;
  vehicleId: string;
  plate: string;
  /** The repair order's advisor. */
  advisorId: string | null;
  overall: number | null;
  recommend: number | null;
  explained: boolean | null;
  comment: string | null;
  /** When the answer that made it low was given. */
  at: Date;
}

/**
 * The hand-over of a low score, wired by the bot to the complaint service (openComplaint):
 * it must be idempotent per survey (the job runs at least once). Without it a LOW_SCORE
 * advisor task is raised instead, so a low score is never left with nobody.
 */
export type OnLowScore = (lowScore: LowScore, context: { now: Date }) => Promise<void>;

/** Job survey.low-score. */
export async function handOverLowScore(prisma: PrismaClient, input: { surveyId: string; now: Date }, onLowScore?: OnLowScore): Promise<{ handedTo: 'hook' | 'task' | 'nobody'; taskId?: string }> {
  const survey = await prisma.survey.findUnique({ where: { id: input.surveyId }, include: { responses: true, repairOrder: { include: { vehicle: true } }, customer: true } });
  if (!survey || !survey.lowScoreAt) return { handedTo: 'nobody' };
  const answer = (code: string) => survey.responses.find((r) => r.question === code);
  const explained = answer('explained')?.score;
  const lowScore: LowScore = {
    surveyId: survey.id,
    shopId: survey.shopId,
    customerId: survey.customerId,
    repairOrderId: survey.repairOrderId,
    number: survey.repairOrder.number,
    vehicleId: survey.repairOrder.vehicleId,
    plate: survey.repairOrder.vehicle.plate,
    advisorId: survey.repairOrder.advisorId,
    overall: answer('overall')?.score ?? null,
    recommend: answer('recommend')?.score ?? null,
    explained: explained == null ? null : explained === 1,
    comment: answer('comment')?.comment ?? null,
    at: survey.lowScoreAt,
  };
  if (onLowScore) {
    await onLowScore(lowScore, { now: input.now });
    return { handedTo: 'hook' };
  }
  const task = await inTransaction(prisma, async (tx) =>
    raiseFollowUpTask(tx, {
      shopId: survey.shopId,
      kind: 'LOW_SCORE',
      advisorId: survey.repairOrder.advisorId ?? survey.customer.advisorId,
      customerId: survey.customerId,
      vehicleId: lowScore.vehicleId,
      repairOrderId: survey.repairOrderId,
      title: `回访低分：${lowScore.number}（${lowScore.plate}，${survey.customer.name}）总体 ${lowScore.overall ?? '-'} / 推荐 ${lowScore.recommend ?? '-'}`,
      details: { surveyId: survey.id, number: lowScore.number, overall: lowScore.overall, recommend: lowScore.recommend, explained: lowScore.explained, comment: lowScore.comment },
      dedupeKey: `survey:${survey.id}`,
      dueAt: addWorkingDays(await shopCalendar(tx, survey.shopId), input.now, 1),
    }),
  );
  return { handedTo: 'task', taskId: task.id };
}
