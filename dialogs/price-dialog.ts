/**
 * "常规保养多少钱 / how much is an oil change": the itemised estimate of each service named
 * (two services asked together are answered as two), from the one cost calculation.
 */
import type { Flow, FlowContext, Step } from './core/flow';
import type { Question } from './core/question';
import type { ServiceMention } from '../services/understanding/types';
import { explainCosts } from './cost-text';
import { money, name } from './format';
import type { CostExplanation } from '../services/desk/types';

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
    // "费用明细 / why is it ¥1,240": the customer's current or last repair order, itemised.
    if (ctx.customer && (await explainOrder(ctx))) return { state, next: { done: null } };
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

/** The repair order's costs from the pricing function, what still waits, and why it differs from the estimate. */
export async function explainOrder(ctx: FlowContext): Promise<boolean> {
  const explanation = await ctx.desk.costExplanation(ctx.customer!.id);
  if (!explanation) return false;
  const { repairOrder: ro } = explanation;
  const lines = [ctx.t('cost.orderIntro', { number: ro.number, plate: ro.plate }), explainCosts(explanation.breakdown, ctx.locale)];
  if (explanation.estimate && explanation.differences.length) {
    lines.push(ctx.t('cost.vsEstimate', { estimate: money(ctx, explanation.estimate.totalFen), total: money(ctx, explanation.breakdown.totalFen) }));
    for (const d of explanation.differences) lines.push(differenceLine(ctx, d));
  }
  if (explanation.waiting.length) {
    lines.push(ctx.t('cost.waiting', { n: explanation.waiting.length, total: money(ctx, explanation.waiting.reduce((s, w) => s + w.totalFen, 0)) }));
  }
  ctx.say(lines.join('\n'));
  return true;
}

function differenceLine(ctx: FlowContext, d: CostExplanation['differences'][number]): string {
  const what = d.description ? name(ctx.locale, d.description) : '';
  const delta = `${d.deltaFen >= 0 ? '+' : '−'}${money(ctx, Math.abs(d.deltaFen))}`;
  const key = DIFFERENCE_KEYS[d.kind];
  return ctx.t(key, { what, delta, before: d.before ? money(ctx, d.before.unitPriceFen) : '', after: d.after ? money(ctx, d.after.unitPriceFen) : '' });
}

const DIFFERENCE_KEYS: Record<CostExplanation['differences'][number]['kind'], 'cost.diff.extraWork' | 'cost.diff.price' | 'cost.diff.quantity' | 'cost.diff.coverage' | 'cost.diff.added' | 'cost.diff.removed' | 'cost.diff.discount' | 'cost.diff.tax'> = {
  'extra-work-approved': 'cost.diff.extraWork',
  'price-changed': 'cost.diff.price',
  'quantity-changed': 'cost.diff.quantity',
  'coverage-changed': 'cost.diff.coverage',
  'line-added': 'cost.diff.added',
  'line-removed': 'cost.diff.removed',
  discount: 'cost.diff.discount',
  tax: 'cost.diff.tax',
};

async function explain(ctx: FlowContext, mentions: readonly ServiceMention[]): Promise<Step<null>> {
  ctx.say(`${await estimates(ctx, mentions)}\n${ctx.t('price.book')}`);
  return { done: null };
}

/** Each job's estimate, itemised by the pricing function. */
async function estimates(ctx: FlowContext, mentions: readonly ServiceMention[]): Promise<string> {
  const ids = [...new Set(mentions.map((m) => m.id))];
  const parts: string[] = [];
  for (const id of ids) {
    const quote = await ctx.desk.quote([id]);
    const title = name(ctx.locale, quote.services[0].name);
    parts.push(`${ctx.t('price.intro', { service: title })}\n${explainCosts(quote.breakdown, ctx.locale)}`);
  }
  return parts.join('\n\n');
}

/** The estimates asked for in passing (mid-booking, mid-registration): the question asked before comes next. */
export async function sayEstimates(ctx: FlowContext, mentions: readonly ServiceMention[]): Promise<void> {
  ctx.say(await estimates(ctx, mentions));
}
