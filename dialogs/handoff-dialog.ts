/**
 * 转人工, and complaints until they have their own flow: raises one request for a person
 * per conversation and tells the customer who answers and by when. A call back is promised
 * only with a number to call: a customer we do not know yet is asked for one.
 */
import type { Flow, FlowContext, Step } from './core/flow';
import type { Question } from './core/question';
import type { HandoffRequest } from '../services/desk/types';
import { when as formatWhen } from './format';
import { t, type PlainKey } from './i18n';

const REASON_KEYS: Record<HandoffRequest['reason'], PlainKey> = {
  'customer-request': 'handoff.reason.request',
  'not-understood': 'handoff.reason.notUnderstood',
  complaint: 'handoff.reason.complaint',
  registration: 'handoff.reason.registration',
  'link-check': 'handoff.reason.linkCheck',
};

export const HANDOFF = 'handoff';

export interface HandoffInput {
  reason: HandoffRequest['reason'];
  said?: string | null;
  /** A number the customer already gave (mid-registration). */
  mobile?: string | null;
}

type HandoffState = HandoffInput;

export const handoffDialog: Flow<HandoffState, HandoffInput, null> = {
  id: HANDOFF,
  serves: ['handoff'],

  async begin(ctx, input) {
    const state: HandoffState = { ...input };
    if (ctx.customer) return { state, next: await raise(ctx, state, null) };
    const known = input.mobile ?? ctx.request.mobile ?? ctx.memory.contactMobile;
    if (known) return { state, next: await raise(ctx, state, known) };
    return { state, next: { ask: 'mobile' } };
  },

  question(ctx, state, id): Question {
    const key = state.reason === 'complaint' ? 'complaint.askPhone' : 'handoff.askPhone';
    return { id, text: ctx.t(key), field: 'mobile', example: ctx.t('mobile.example') };
  },

  async answer(ctx, state, _id, reply) {
    return raise(ctx, state, reply.kind === 'field' ? (reply.value as string) : null);
  },

  async giveUp(ctx) {
    const shop = await ctx.desk.shop();
    ctx.say(shop.phone ? ctx.t('handoff.callUs', { phone: shop.phone }) : ctx.t('handoff.noNumber'));
    return { done: null };
  },
};

async function raise(ctx: FlowContext, state: HandoffState, mobile: string | null): Promise<Step<null>> {
  // Asked once per conversation: a second request for a person does not ask for the number again.
  if (mobile) ctx.memory.contactMobile = mobile;
  const view = await ctx.desk.requestPerson({
    identityId: ctx.identity.id,
    customerId: ctx.customer?.id ?? null,
    conversationKey: ctx.identity.conversationKey,
    reason: state.reason,
    said: state.said ?? null,
    contact: mobile ? { name: ctx.identity.displayName, mobile } : null,
    // Advisors work in the shop's language.
    advisorNotice: (who) => t('zh', 'advisor.handoffPush', { who, reason: t('zh', REASON_KEYS[state.reason]) }),
  });
  const by = formatWhen(ctx, view.callbackBy);
  const complaint = state.reason === 'complaint';
  if (complaint) ctx.say(ctx.t('complaint.sorry'));
  if (view.alreadyOpen) ctx.say(ctx.t('handoff.alreadyOpen', { when: by }));
  else if (view.live) ctx.say(view.advisorName ? ctx.t('handoff.started', { advisor: view.advisorName }) : ctx.t('handoff.noAdvisor'));
  else ctx.say(ctx.t(complaint ? 'complaint.callback' : 'handoff.callback', { when: by }));
  return { done: null };
}
