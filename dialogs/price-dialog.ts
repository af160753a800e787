/**
 * "常规保养多少钱 / how much is an oil change": the itemised estimate of each service named
 * (two services asked together are answered as two), from the one cost calculation.
 */
import type { Flow, FlowContext, Step } from './core/flow';
import type { Question } from './core/question';
import type { ServiceMention } from '../services/understanding/types';
import { explainCosts } from './cost-text';
import { name } from './format';

export const PRICE = 'price';

export interface PriceInput {
  services: ServiceMention[];
}

interface PriceState {
  popular?: Array<{ id: string; zh: string; en: string }>;
}

export const priceDialog: Flow<PriceState, PriceInput, null> = {
  id: PRICE,
  serves: ['price'],

  async begin(ctx, input) {
    const state: PriceState = {};
    if (input.services.length) return { state, next: await explain(ctx, input.services) };
    state.popular = (await ctx.desk.popularServices(6)).map((s) => ({ id: s.id, zh: s.name.zh, en: s.name.en }));
    return { state, next: { ask: 'service' } };
  },

  question(ctx, state, id): Question {
    return {
      id,
      text: ctx.t('price.which'),
      options: (state.popular ?? []).map((p) => ({ id: p.id, label: ctx.locale === 'zh' ? p.zh : p.en })),
      field: 'service',
      example: ctx.t('book.serviceExample'),
    };
  },

  async answer(ctx, _state, _id, reply) {
    if (reply.kind === 'option') return explain(ctx, [{ id: reply.option.id, code: '', certainty: 'firm', said: reply.option.label }]);
    return explain(ctx, reply.kind === 'field' ? (reply.value as ServiceMention[]) : []);
  },
};

async function explain(ctx: FlowContext, mentions: readonly ServiceMention[]): Promise<Step<null>> {
  const ids = [...new Set(mentions.map((m) => m.id))];
  const parts: string[] = [];
  for (const id of ids) {
    const quote = await ctx.desk.quote([id]);
    const title = name(ctx.locale, quote.services[0].name);
    parts.push(`${ctx.t('price.intro', { service: title })}\n${explainCosts(quote.breakdown, ctx.locale)}`);
  }
  ctx.say(`${parts.join('\n\n')}\n${ctx.t('price.book')}`);
  return { done: null };
}
