/**
 * 投诉: a complaint is recorded in the customer's own words, with the facts the shop needs to
 * act — who will call back and by when (one working day on the shop calendar), and for a
 * 重大投诉 that the service manager was told at once. A bare "我要投诉" is asked what happened
 * (it can be skipped: the call-back finds out); someone not registered is asked for a number,
 * once per conversation. More words within the hour go to the same complaint.
 */
import type { Flow, FlowContext, Step } from './core/flow';
import type { Question } from './core/question';
import type { ComplaintSignal } from '../services/understanding/types';
import { when as formatWhen } from './format';

export const COMPLAINT = 'complaint';

export interface ComplaintInput {
  /** What the customer said; null or a bare "我要投诉" asks what happened. */
  said: string | null;
  signal?: ComplaintSignal | null;
  mobile?: string | null;
  /** From a survey: linked to its repair order and on the survey's thread. */
  surveyId?: string | null;
}

interface ComplaintState {
  said: string | null;
  signal: ComplaintSignal | null;
  surveyId: string | null;
  mobile: string | null;
}

/** "我要投诉", "投诉！", "I want to complain": the wish to complain, nothing about what happened. */
const BARE_COMPLAINT = [
  /^(?:我|我们)?(?:要|想|得|需要|必须)?(?:投诉|投訴|客诉)(?:一下|你们|你們)?(?:你们|你們)?[!！。.？?~～]*$/,
  /^(?:i\s+(?:want|would like|wanna|need|'d like)\s+to\s+)?(?:make\s+a\s+|file\s+a\s+|lodge\s+a\s+)?complain(?:t)?[.!?]*$/i,
];

function isBare(said: string): boolean {
  const text = said.trim();
  return BARE_COMPLAINT.some((re) => re.test(text));
}

export const complaintDialog: Flow<ComplaintState, ComplaintInput, null> = {
  id: COMPLAINT,
  serves: ['complaint'],

  async begin(ctx, input) {
    const state: ComplaintState = { said: input.said, signal: input.signal ?? null, surveyId: input.surveyId ?? null, mobile: input.mobile ?? ctx.request.mobile ?? ctx.memory.contactMobile ?? null };
    return { state, next: await proceed(ctx, state) };
  },

  question(ctx, state, id): Question {
    if (id === 'what') return { id, text: ctx.t('complaint.askWhat'), field: 'text', optional: true, example: ctx.t('complaint.exampleWhat') };
    return { id, text: ctx.t('complaint.askMobile'), field: 'mobile', optional: true, example: ctx.t('mobile.example') };
  },

  async answer(ctx, state, id, reply) {
    if (id === 'what') {
      const told = reply.kind === 'field' ? String(reply.value).trim() : '';
      // The customer's words are kept whole, with the first message before them.
      state.said = told ? (state.said ? `${state.said}\n${told}` : told) : state.said;
      if (told && ctx.request.complaint) state.signal = mergeSignals(state.signal, ctx.request.complaint);
      return proceed(ctx, state, { asked: true });
    }
    if (reply.kind === 'field') {
      state.mobile = String(reply.value);
      ctx.memory.contactMobile = state.mobile;
    }
    return submit(ctx, state);
  },
};

function mergeSignals(a: ComplaintSignal | null, b: ComplaintSignal): ComplaintSignal {
  return { severe: Boolean(a?.severe) || b.severe, reasons: [...new Set([...(a?.reasons ?? []), ...b.reasons])] };
}

async function proceed(ctx: FlowContext, state: ComplaintState, how: { asked?: boolean } = {}): Promise<Step<null>> {
  if (!how.asked && (!state.said || isBare(state.said))) return { ask: 'what' };
  if (!ctx.customer && !state.mobile) return { ask: 'mobile' };
  return submit(ctx, state);
}

async function submit(ctx: FlowContext, state: ComplaintState): Promise<Step<null>> {
  const outcome = await ctx.desk.openComplaint({
    identityId: ctx.identity.id,
    customerId: ctx.customer?.id ?? null,
    said: state.said?.trim() || ctx.t('complaint.noDetails'),
    signal: state.signal,
    mobile: state.mobile,
    // A survey's complaint shares its repair order's thread with the low-score hand-over.
    conversationKey: state.surveyId ? null : ctx.identity.conversationKey,
    source: state.surveyId ? 'survey' : 'chat',
    surveyId: state.surveyId,
  });
  const facts = { advisor: outcome.owner?.name ?? ctx.t('status.anyAdvisor'), due: formatWhen(ctx, outcome.dueAt) };
  if (!outcome.created) {
    ctx.say(ctx.t('complaint.added', facts));
    if (outcome.severity === 'MAJOR' && outcome.managersTold > 0) ctx.say(ctx.t('complaint.managerTold'));
    return { done: null };
  }
  // Scores are not words "recorded word for word": a survey's complaint apologises for the visit.
  ctx.say(ctx.t(state.surveyId ? 'survey.thanksLow' : 'complaint.sorry'));
  ctx.say(ctx.t('complaint.opened', facts));
  if (outcome.severity === 'MAJOR') ctx.say(ctx.t('complaint.managerTold'));
  return { done: null };
}
