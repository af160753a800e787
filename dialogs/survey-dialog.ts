/**
 * 回访: the short satisfaction survey after pick-up — overall 1–5, likelihood to recommend
 * 0–10, "were the work and the charges explained?", the shop's optional CSI questions and a
 * comment. Every answer is kept as it comes, so a customer who stops half-way has still
 * told us something, and "回访 / survey" later carries on where they left off. Any question
 * can be skipped. On Teams the scales are buttons; on WeChat the customer types a number or
 * says it in words ("挺好的", "一般", "not great").
 */
import type { Flow, FlowContext, Step } from './core/flow';
import type { Option, Question } from './core/question';
import { NO_WORDS, YES_WORDS } from './core/reader';
import type { SurveyQuestion, SurveyView } from '../services/desk/types';
import { t, type Locale, type PlainKey } from './i18n';
import { COMPLAINT, type ComplaintInput } from './complaint-dialog';

export const SURVEY = 'survey';

export interface SurveyInput {
  /** A score the customer gave before the survey was (re)opened ("5分"): the overall rating. */
  score?: number | null;
}

interface SurveyState {
  surveyId: string;
  number: string;
  plate: string;
  /** The questions still to ask, in order. */
  queue: SurveyQuestion[];
  /** What this conversation recorded, for the closing words. */
  answered: number;
  /** How many questions this conversation set out to ask: "（3）" counts skipped ones too. */
  total: number;
  /** The customer's own words were a complaint: after the survey, it is handled as one. */
  complaint?: string;
  /** Scores given in this conversation, for the complaint a low one opens. */
  scores?: Record<string, number>;
}

const TEXT: Record<string, PlainKey> = {
  overall: 'survey.q.overall',
  recommend: 'survey.q.recommend',
  explained: 'survey.q.explained',
  'csi.service-initiation': 'survey.q.csi.initiation',
  'csi.service-advisor': 'survey.q.csi.advisor',
  'csi.service-facility': 'survey.q.csi.facility',
  'csi.vehicle-pickup': 'survey.q.csi.pickup',
  'csi.service-quality': 'survey.q.csi.quality',
  comment: 'survey.q.comment',
};

function unanswered(view: SurveyView): SurveyQuestion[] {
  return view.questions.filter((q) => !(q.code in view.answers));
}

function load(view: SurveyView): SurveyState {
  const queue = unanswered(view);
  // Scores given in an earlier conversation count for the complaint a low one opens.
  const scores: Record<string, number> = {};
  for (const [code, answer] of Object.entries(view.answers)) if (answer.score !== null) scores[code] = answer.score;
  return { surveyId: view.surveyId, number: view.number, plate: view.plate, queue, answered: 0, total: queue.length, scores };
}

function scaleOptions(min: number, max: number): Option[] {
  const options: Option[] = [];
  for (let n = min; n <= max; n++) options.push({ id: String(n), label: String(n) });
  return options;
}

export const surveyDialog: Flow<SurveyState, SurveyInput, null> = {
  id: SURVEY,
  serves: ['survey_answer'],

  async begin(ctx, input) {
    const empty: SurveyState = { surveyId: '', number: '', plate: '', queue: [], answered: 0, total: 0 };
    const view = ctx.customer ? await ctx.desk.openSurvey(ctx.customer.id) : null;
    if (!view) {
      ctx.say(ctx.t('feedback.thanks'));
      return { state: empty, next: { done: null } };
    }
    const state = load(view);
    ctx.memory.surveyId = state.surveyId;
    const fresh = Object.keys(view.answers).length === 0;
    ctx.say(fresh ? ctx.t('survey.intro', { plate: view.plate, number: view.number, n: state.queue.length }) : ctx.t('survey.resume', { number: view.number, n: state.queue.length }));
    // "5分" said before the survey opened answers its first question.
    const first = state.queue[0];
    if (input.score != null && first?.kind === 'scale' && input.score >= first.min && input.score <= first.max) {
      return { state, next: await record(ctx, state, first, input.score, null) };
    }
    return { state, next: await nextStep(ctx, state) };
  },

  question(ctx, state, id): Question {
    const q = state.queue.find((x) => x.code === id);
    if (!q) throw new Error(`survey has no question ${id}`);
    // "（2）" before every question after the first: the customer sees it moving on.
    const position = state.total - state.queue.length + 1;
    const text = (position <= 1 ? '' : ctx.t('survey.progress', { n: position })) + ctx.t(TEXT[q.code] ?? 'survey.q.comment');
    switch (q.kind) {
      case 'scale': {
        const five = q.max === 5;
        return {
          id,
          text: `${text}\n${ctx.t(five ? 'survey.scale5' : 'survey.scale10')}`,
          field: five ? 'score5' : 'score10',
          // Teams shows the scale as buttons; typed text reads a number or the customer's words.
          options: ctx.richChoices ? scaleOptions(q.min, q.max) : undefined,
          optional: true,
          skippedNote: ctx.t('survey.skipped'),
          example: ctx.t(five ? 'survey.example5' : 'survey.example10'),
        };
      }
      case 'yes-no':
        return {
          id,
          text,
          confirmation: true,
          optional: true,
          skippedNote: ctx.t('survey.skipped'),
          options: [
            { id: 'yes', label: ctx.t('survey.yesExplained'), exact: [...YES_WORDS, '有', '讲了', '说了', '讲清楚了', '说清楚了', '解释了', '清楚', '很清楚', '都讲了'], synonyms: ['讲清楚了', '解释清楚了', 'explained', 'they did'] },
            { id: 'no', label: ctx.t('survey.noExplained'), exact: [...NO_WORDS, '没有', '没', '没讲', '没说', '没讲清楚', '不清楚', 'not really', "didn't", 'they did not'], synonyms: ['没讲清楚', '没解释', '没有解释', 'not explained'] },
          ],
        };
      case 'text':
        return { id, text, field: 'text', optional: true, skippedNote: ctx.t('survey.skipped') };
    }
  },

  async answer(ctx, state, id, reply) {
    const q = state.queue.find((x) => x.code === id);
    if (!q) return nextStep(ctx, state);
    if (reply.kind === 'skipped') {
      state.queue = state.queue.filter((x) => x.code !== id);
      return nextStep(ctx, state);
    }
    if (q.kind === 'text') {
      const comment = String(reply.kind === 'field' ? reply.value : '');
      // "车被划了，我要投诉" as a comment is kept as the comment and handled as a complaint.
      if (ctx.request.intent === 'complaint' || ctx.request.complaint) state.complaint = comment;
      return record(ctx, state, q, null, comment);
    }
    if (q.kind === 'yes-no') return record(ctx, state, q, reply.kind === 'option' && reply.option.id === 'yes' ? 1 : 0, null);
    const score = reply.kind === 'option' ? Number(reply.option.id) : Number(reply.kind === 'field' ? reply.value : NaN);
    return record(ctx, state, q, score, null);
  },
};

async function record(ctx: FlowContext, state: SurveyState, q: SurveyQuestion, score: number | null, comment: string | null): Promise<Step<null>> {
  const result = await ctx.desk.answerSurvey({ surveyId: state.surveyId, customerId: ctx.customer!.id, question: q.code, score, comment });
  if (!result.ok) {
    delete ctx.memory.surveyId;
    ctx.say(ctx.t(result.reason === 'expired' ? 'survey.expired' : 'survey.closed'));
    return { done: null };
  }
  state.answered += 1;
  if (score !== null && q.kind === 'scale') state.scores = { ...state.scores, [q.code]: score };
  state.queue = state.queue.filter((x) => x.code !== q.code);
  return nextStep(ctx, state);
}

function nextStep(ctx: FlowContext, state: SurveyState): Step<null> | Promise<Step<null>> {
  const next = state.queue[0];
  if (next) return { ask: next.code };
  return finish(ctx, state);
}

async function finish(ctx: FlowContext, state: SurveyState): Promise<Step<null>> {
  delete ctx.memory.surveyId;
  const result = await ctx.desk.finishSurvey({ surveyId: state.surveyId, customerId: ctx.customer!.id });
  if (!result.ok) {
    ctx.say(ctx.t(result.reason === 'expired' ? 'survey.expired' : 'survey.closed'));
    return { done: null };
  }
  if (state.complaint || result.finished.lowScore) {
    // A low score or a complaint in the comment is a complaint now, on the survey's thread:
    // the customer hears who will call and by when before the conversation ends.
    const said = surveyComplaintWords(ctx.locale, state.scores ?? {}, state.complaint ?? null);
    return { replace: COMPLAINT, input: { said, signal: state.complaint ? ctx.request.complaint : null, surveyId: state.surveyId } satisfies ComplaintInput };
  }
  if (result.finished.answered === 0) ctx.say(ctx.t('survey.nothing'));
  else ctx.say(ctx.t('survey.thanks'));
  return { done: null };
}

/**
 * What a survey's complaint records: the customer's comment (if any) and the scores, in their
 * language. One wording for the conversation and for the low-score job, whichever opens it.
 */
export function surveyComplaintWords(locale: Locale, scores: { overall?: number | null; recommend?: number | null }, comment: string | null): string {
  const summary = t(locale, 'complaint.surveySaid', { overall: scores.overall != null ? `${scores.overall}/5` : '–', recommend: scores.recommend != null ? `${scores.recommend}/10` : '–' });
  return comment ? `${comment}\n${summary}` : summary;
}
