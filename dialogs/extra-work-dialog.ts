/**
 * 追加作业: the customer decides, line by line, on the work the advisor found — from chat.
 * The decision binds to the version they were shown (its hash goes back with it); a price
 * changed since then is refused by the service and shown again with the difference. On Teams
 * a card with approve / later / decline per line and "approve all"; on WeChat and the console
 * "1 同意全部 · 2 逐项选择 · 3 稍后再说", then one line at a time.
 */
import type { Flow, FlowContext, Step } from './core/flow';
import type { Option, Question } from './core/question';
import { NO_WORDS, YES_WORDS } from './core/reader';
import type { DecisionOutcome, ExtraWorkDecisionKind, PendingApprovalView } from '../services/desk/types';
import { money, name, when as formatWhen } from './format';
import { t, type PlainKey } from './i18n';

export const EXTRA_WORK = 'extra-work';

export interface ExtraWorkInput {
  /** What the customer already said at the top ("都做吧", "不做了", "稍后再说"): asked to confirm first. */
  preset?: 'approve' | 'decline' | 'defer' | null;
}

interface ShownLine {
  itemId: string;
  position: number;
  title: { zh: string; en: string };
  urgency: 'RED' | 'YELLOW' | 'GREEN';
  reason: string;
  totalFen: number;
  photoUrls: string[];
}

interface ExtraWorkState {
  requestId: string;
  versionHash: string;
  number: string;
  plate: string;
  advisor: string | null;
  items: ShownLine[];
  /** Items still waiting, in order. */
  pending: string[];
  preset: ExtraWorkInput['preset'];
  /** What this conversation recorded, for the summary. */
  decided: Array<{ itemId: string; decision: ExtraWorkDecisionKind; priceFen: number }>;
  expiresAt: string;
}

const URGENCY: Record<ShownLine['urgency'], PlainKey> = { RED: 'extra.red', YELLOW: 'extra.yellow', GREEN: 'extra.green' };
const DECISION_WORD: Record<ExtraWorkDecisionKind, PlainKey> = { APPROVED: 'extra.approved', DEFERRED: 'extra.deferred', DECLINED: 'extra.declined' };

function load(view: PendingApprovalView, preset: ExtraWorkInput['preset'], decided: ExtraWorkState['decided'] = []): ExtraWorkState {
  return {
    requestId: view.requestId,
    versionHash: view.versionHash,
    number: view.number,
    plate: view.plate,
    advisor: view.advisor?.name ?? null,
    items: view.items.map((i) => ({ itemId: i.itemId, position: i.position, title: i.title, urgency: i.urgency, reason: i.reason, totalFen: i.totalFen, photoUrls: i.photoUrls })),
    pending: view.items.filter((i) => i.status === 'PENDING').map((i) => i.itemId),
    preset,
    decided,
    expiresAt: view.expiresAt.toISOString(),
  };
}

function line(ctx: FlowContext, item: ShownLine): string {
  const photos = item.photoUrls.length ? ` ${ctx.t('extra.photos', { urls: item.photoUrls.join(' ') })}` : '';
  return ctx.t('extra.line', { n: item.position, urgency: ctx.t(URGENCY[item.urgency]), title: name(ctx.locale, item.title), reason: item.reason, price: money(ctx, item.totalFen) }) + photos;
}

function pendingItems(state: ExtraWorkState): ShownLine[] {
  return state.pending.map((id) => state.items.find((i) => i.itemId === id)!).filter(Boolean);
}

function summary(ctx: FlowContext, state: ExtraWorkState): string {
  const items = pendingItems(state);
  const total = items.reduce((s, i) => s + i.totalFen, 0);
  return [
    ctx.t('extra.intro', { number: state.number, plate: state.plate, advisor: state.advisor ?? ctx.t('status.anyAdvisor') }),
    ...items.map((i) => line(ctx, i)),
    ctx.t('extra.total', { n: items.length, total: money(ctx, total) }),
  ].join('\n');
}

export const extraWorkDialog: Flow<ExtraWorkState, ExtraWorkInput, null> = {
  id: EXTRA_WORK,
  serves: ['approve', 'decline', 'defer', 'repair_status'],

  async begin(ctx, input) {
    const empty = { requestId: '', versionHash: '', number: '', plate: '', advisor: null, items: [], pending: [], preset: null, decided: [], expiresAt: '' } as ExtraWorkState;
    if (!ctx.customer) {
      ctx.say(ctx.t('approval.none'));
      return { state: empty, next: { done: null } };
    }
    const [view] = await ctx.desk.pendingApproval(ctx.customer.id);
    if (!view) {
      ctx.say(ctx.t('approval.none'));
      return { state: empty, next: { done: null } };
    }
    const state = load(view, input.preset ?? null);
    if (view.difference) ctx.say(differenceText(ctx, view));
    return { state, next: firstQuestion(ctx, state) };
  },

  question(ctx, state, id): Question {
    switch (id) {
      case 'confirm-preset': {
        const key: PlainKey = state.preset === 'approve' ? 'extra.confirmApproveAll' : state.preset === 'decline' ? 'extra.confirmDeclineAll' : 'extra.confirmDeferAll';
        return {
          id,
          text: `${summary(ctx, state)}\n${ctx.t(key)}`,
          confirmation: true,
          options: [
            { id: 'yes', label: ctx.t('yes'), exact: YES_WORDS, synonyms: ['确认', 'confirm'] },
            { id: 'each', label: ctx.t('extra.each'), synonyms: ['逐项', '一项一项', 'one by one'] },
            { id: 'no', label: ctx.t('no'), exact: NO_WORDS },
          ],
        };
      }
      case 'how':
        return {
          id,
          text: summary(ctx, state),
          options: [
            { id: 'all', label: ctx.t('extra.approveAll'), synonyms: ['同意全部', '全部同意', '都做', '都同意', 'approve all', 'all of them'] },
            { id: 'each', label: ctx.t('extra.each'), synonyms: ['逐项', '逐项选择', '一项一项', 'one by one', 'each'] },
            { id: 'later', label: ctx.t('extra.later'), synonyms: ['稍后再说', '以后再说', '考虑一下', 'later', 'not now'] },
          ],
        };
      case 'item': {
        const item = pendingItems(state)[0];
        return {
          id,
          text: `${ctx.t('extra.itemOf', { n: state.items.length - state.pending.length + 1, of: state.items.length })}\n${line(ctx, item)}`,
          options: [
            { id: 'APPROVED', label: ctx.t('extra.approve'), synonyms: ['同意', '做', '修', '换', 'approve', 'yes please'], exact: YES_WORDS },
            { id: 'DEFERRED', label: ctx.t('extra.deferOne'), synonyms: ['稍后', '下次', '以后', 'later', 'next time'] },
            { id: 'DECLINED', label: ctx.t('extra.decline'), synonyms: ['不做', '不修', '不换', '不要', 'decline', 'no thanks'], exact: NO_WORDS },
          ],
        };
      }
      case 'lines': {
        // Teams: every waiting line with its three buttons, and approve-all, on one card.
        const options: Option[] = [];
        for (const item of pendingItems(state)) {
          const group = line(ctx, item);
          options.push(
            { id: `${item.itemId}|APPROVED`, label: `✔ ${ctx.t('extra.approve')}`, group },
            { id: `${item.itemId}|DEFERRED`, label: `⏸ ${ctx.t('extra.deferOne')}`, group },
            { id: `${item.itemId}|DECLINED`, label: `✖ ${ctx.t('extra.decline')}`, group },
          );
        }
        options.push({ id: 'all', label: ctx.t('extra.approveAll'), synonyms: ['同意全部', '全部同意', 'approve all'] }, { id: 'later', label: ctx.t('extra.later'), synonyms: ['稍后再说', 'later'] });
        return {
          id,
          text: [ctx.t('extra.intro', { number: state.number, plate: state.plate, advisor: state.advisor ?? ctx.t('status.anyAdvisor') }), ctx.t('extra.total', { n: state.pending.length, total: money(ctx, pendingItems(state).reduce((s, i) => s + i.totalFen, 0)) })].join('\n'),
          options,
        };
      }
    }
    throw new Error(`extra-work has no question ${id}`);
  },

  async answer(ctx, state, id, reply) {
    const picked = reply.kind === 'option' ? reply.option.id : null;
    switch (id) {
      case 'confirm-preset': {
        if (picked === 'each') return { ask: 'item' };
        if (picked !== 'yes') return firstQuestion(ctx, { ...state, preset: null }, true);
        const decision: ExtraWorkDecisionKind = state.preset === 'approve' ? 'APPROVED' : state.preset === 'decline' ? 'DECLINED' : 'DEFERRED';
        return decide(ctx, state, state.pending.map((itemId) => ({ itemId, decision })));
      }
      case 'how':
        if (picked === 'all') return decide(ctx, state, state.pending.map((itemId) => ({ itemId, decision: 'APPROVED' as const })));
        if (picked === 'each') return { ask: 'item' };
        ctx.say(ctx.t('extra.decideLater', { when: formatWhen(ctx, new Date(state.expiresAt)) }));
        return { done: null };
      case 'item':
        return decide(ctx, state, [{ itemId: state.pending[0], decision: picked as ExtraWorkDecisionKind }]);
      case 'lines': {
        if (picked === 'all') return decide(ctx, state, state.pending.map((itemId) => ({ itemId, decision: 'APPROVED' as const })));
        if (picked === 'later') {
          ctx.say(ctx.t('extra.decideLater', { when: formatWhen(ctx, new Date(state.expiresAt)) }));
          return { done: null };
        }
        const [itemId, decision] = (picked ?? '').split('|');
        return decide(ctx, state, [{ itemId, decision: decision as ExtraWorkDecisionKind }]);
      }
    }
    throw new Error(`extra-work has no question ${id}`);
  },
};

function firstQuestion(ctx: FlowContext, state: ExtraWorkState, ignorePreset = false): Step<null> {
  if (state.pending.length === 0) {
    ctx.say(ctx.t('approval.none'));
    return { done: null };
  }
  if (state.preset && !ignorePreset) return { ask: 'confirm-preset' };
  state.preset = null;
  return { ask: ctx.richChoices ? 'lines' : 'how' };
}

function differenceText(ctx: FlowContext, view: PendingApprovalView): string {
  const diff = view.difference!;
  const lines = diff.items.map((d) =>
    d.change === 'withdrawn'
      ? ctx.t('extra.diffWithdrawn', { title: name(ctx.locale, d.title) })
      : d.change === 'added'
        ? ctx.t('extra.diffAdded', { title: name(ctx.locale, d.title), after: money(ctx, d.afterTotalFen ?? 0) })
        : ctx.t('extra.diffChanged', { title: name(ctx.locale, d.title), before: money(ctx, d.beforeTotalFen ?? 0), after: money(ctx, d.afterTotalFen ?? 0) }),
  );
  return [ctx.t('extra.revised'), ...lines].join('\n');
}

async function decide(ctx: FlowContext, state: ExtraWorkState, decisions: Array<{ itemId: string; decision: ExtraWorkDecisionKind }>): Promise<Step<null>> {
  const outcome = await ctx.desk.decideExtraWork({
    customerId: ctx.customer!.id,
    identityId: ctx.identity.id,
    channel: ctx.identity.channel,
    activityId: ctx.turnId,
    versionHash: state.versionHash,
    decisions,
    // Advisors work in the shop's language.
    advisorNotice: (o) => advisorNotice(o),
  });
  for (const r of outcome.recorded) {
    state.decided.push({ itemId: r.itemId, decision: r.decision, priceFen: r.priceFen });
    ctx.say(ctx.t('extra.recorded', { title: name(ctx.locale, r.title), decision: ctx.t(DECISION_WORD[r.decision]), price: money(ctx, r.priceFen) }));
  }
  const stale = outcome.refused.some((r) => r.reason === 'stale-version');
  for (const r of outcome.refused.filter((x) => x.reason !== 'stale-version')) {
    const item = state.items.find((i) => i.itemId === r.itemId);
    ctx.say(ctx.t(r.reason === 'not-yours' ? 'extra.notYours' : 'extra.alreadyDecided', { title: item ? name(ctx.locale, item.title) : '' }));
  }
  // Reload: what is still waiting, and a new version if the advisor changed a price meanwhile.
  const [view] = await ctx.desk.pendingApproval(ctx.customer!.id);
  if (!view || view.items.every((i) => i.status !== 'PENDING')) {
    ctx.say(closing(ctx, state, outcome));
    return { done: null };
  }
  if (stale && view.difference) ctx.say(differenceText(ctx, view));
  Object.assign(state, load(view, null, state.decided));
  return { ask: ctx.richChoices ? 'lines' : 'item' };
}

function closing(ctx: FlowContext, state: ExtraWorkState, outcome: DecisionOutcome): string {
  const approved = state.decided.filter((d) => d.decision === 'APPROVED');
  return ctx.t('extra.done', {
    approved: approved.length,
    approvedTotal: money(ctx, approved.reduce((s, d) => s + d.priceFen, 0)),
    later: state.decided.filter((d) => d.decision === 'DEFERRED').length,
    declined: state.decided.filter((d) => d.decision === 'DECLINED').length,
    advisor: outcome.advisor?.name ?? state.advisor ?? ctx.t('status.anyAdvisor'),
  });
}

function advisorNotice(outcome: DecisionOutcome): string {
  const lines = outcome.recorded.map((r) => t('zh', 'advisor.decisionLine', { title: r.title.zh, decision: t('zh', DECISION_WORD[r.decision]), price: money({ locale: 'zh' }, r.priceFen) }));
  return t('zh', 'advisor.decisions', { number: outcome.number ?? '', lines: lines.join('\n'), pending: outcome.stillPending });
}
