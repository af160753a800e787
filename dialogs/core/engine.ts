/**
 * Runs one turn of a conversation: the message is recognised once, then either answers the
 * question the conversation is waiting on or is routed by the main dialog. Flows sit on a
 * stack in the stored state; the rules every prompt shares live here, once:
 *
 * - "取消 / cancel" alone leaves every flow; "帮助 / help" explains and asks again;
 *   "English please / 说中文" switches language and asks again in it.
 * - A reply that does not answer the question is not thrown away: a flow on the stack may
 *   keep what it says ("明天下午3点" while the service is asked), a question about hours,
 *   the address or a price is answered in passing, and a new request (cancel my booking,
 *   a complaint, a person) takes over.
 * - Otherwise the question is asked again with the reason; a second miss shows an example
 *   and the way out; a third ends the question (an optional one is skipped, a required one
 *   goes to a person). The same question is never put the same way three times.
 */
import type { CustomerRef, FrontDesk } from '../../services/desk/types';
import { understand } from '../../services/understanding';
import type { CustomerRequest, Intent } from '../../services/understanding/types';
import type { Locale } from '../../services/locale';
import { formatWanted } from '../../services/time';
import { t, type MessageKey, type MessageVars, type PlainKey } from '../i18n';
import { bare, isSkip, readField } from './fields';
import { readChoice } from './reader';
import type { ConversationMemory, Flow, FlowContext, Noted, Step } from './flow';
import type { Outbound, Question, Reply } from './question';

export interface Frame {
  flow: string;
  state: unknown;
  /** The question this flow waits on. */
  waiting?: string;
  /** Sequence of the last question asked, so a stale card button is recognised. */
  asked?: number;
  misses?: number;
}

export interface ConversationState {
  /** The language this conversation is answered in. */
  locale?: Locale;
  /** The customer asked for it explicitly: a short reply in the other language does not switch back. */
  localeChosen?: boolean;
  stack: Frame[];
  lastIntent?: Intent | null;
  memory: ConversationMemory;
  seq?: number;
}

export interface TurnInput {
  text: string;
  /** A card button pressed (Teams): the question it belongs to and the option. */
  pressed?: { questionId: string | null; optionId: string } | null;
  identity: FlowContext['identity'];
  customer: CustomerRef | null;
  /** The language the channel reports (Teams' activity.locale), for a first message with no letters. */
  channelLocale: Locale | null;
  /** The inbound activity (channel + id), as an idempotency key for what the turn books. */
  turnId?: string | null;
  /** The channel shows a question as buttons (Teams cards), so many options at once are fine. */
  richChoices?: boolean;
  now: Date;
}

export interface TurnResult {
  replies: Outbound[];
  state: ConversationState;
  customer: CustomerRef | null;
  locale: Locale;
}

/** Words that, alone, leave whatever is going on. "取消预约" is a request, not one of these. */
/** Requests a free-text answer gives way to. */
const FREE_TEXT_YIELDS: ReadonlySet<string> = new Set(['handoff', 'cancel', 'reschedule', 'my_bookings']);

export const CANCEL_WORDS: readonly string[] = ['取消', '算了', '不用了', '退出', '不弄了', '停', '停止', 'cancel', 'quit', 'stop', 'exit', 'never mind', 'nevermind', 'forget it'];

export interface MainDialog {
  /** The flow that serves a request when no question is pending. */
  readonly id: string;
  /** How a reply that does not answer the pending question is treated. */
  interruption(ctx: FlowContext, request: CustomerRequest, active: readonly Flow[]): 'inline' | 'switch' | null;
  /** Answers hours, address, help … in passing. */
  answerInline(ctx: FlowContext, request: CustomerRequest): Promise<void>;
}

/** What the main dialog is begun with when a required question was missed three times. */
export interface GiveUpInput {
  giveUp: { flow: string; question: string };
}

interface TurnScope {
  desk: FrontDesk;
  input: TurnInput;
  request: CustomerRequest;
  state: ConversationState;
  replies: Outbound[];
  timeZone: string;
  getCustomer(): CustomerRef | null;
  setCustomer(customer: CustomerRef): void;
}

/** The flows' context plus what only the engine does with it. */
interface EngineContext extends FlowContext {
  emit(outbound: Outbound): void;
}

export function emptyState(): ConversationState {
  return { stack: [], memory: {} };
}

export class ConversationEngine {
  private readonly flows = new Map<string, Flow>();

  constructor(flows: readonly Flow[], private readonly main: MainDialog) {
    for (const flow of flows) this.flows.set(flow.id, flow);
    if (!this.flows.has(main.id)) throw new Error(`main dialog ${main.id} is not among the flows`);
  }

  private flow(id: string): Flow {
    const flow = this.flows.get(id);
    if (!flow) throw new Error(`unknown flow ${id}`);
    return flow;
  }

  async turn(desk: FrontDesk, input: TurnInput, stored: ConversationState | null | undefined): Promise<TurnResult> {
    const state: ConversationState = stored && Array.isArray(stored.stack) ? structuredClone(stored) : emptyState();
    state.memory ??= {};
    // A stack naming a flow this version no longer has (after an upgrade) starts afresh.
    if (state.stack.some((f) => !this.flows.has(f.flow))) state.stack = [];
    const replies: Outbound[] = [];
    let customer = input.customer;
    const [catalogue, shopHours, shop] = await Promise.all([desk.catalogue(), desk.hours(), desk.shop()]);
    const fallback: Locale = state.locale ?? customer?.locale ?? input.channelLocale ?? 'zh';
    const top = state.stack.at(-1);
    const topFlow = top ? this.flow(top.flow) : null;
    const request = understand(input.text, {
      now: input.now,
      timeZone: shop.timeZone,
      shopHours,
      catalogue,
      fallbackLocale: fallback,
      previousIntent: state.lastIntent ?? null,
      focusDate: this.focusDate(state),
    });
    const scope = { desk, input, request, state, replies, timeZone: shop.timeZone, getCustomer: () => customer, setCustomer: (c: CustomerRef) => (customer = c) };
    const pendingField = top?.waiting && topFlow ? topFlow.question(this.context(scope, fallback), top.state, top.waiting).field : undefined;
    const locale = decideLocale(state, request, fallback, pendingField);
    state.locale = locale;
    const ctx = this.context(scope, locale);
    if (customer && customer.locale !== locale && (request.localeSwitch || !pendingField || pendingField === 'service' || pendingField === 'when' || pendingField === 'text')) {
      await desk.setLocale(customer.id, locale);
      customer = { ...customer, locale };
    }

    if (top?.waiting) await this.reply(ctx, state, request, input.pressed ?? null);
    else await this.start(ctx, state, this.main.id, request);
    if (request.intent !== 'unknown') state.lastIntent = request.intent;
    return { replies: compact(replies), state, customer, locale };
  }

  /** Begins a flow outside a customer's message (a proactive notice that expects an answer). */
  async begin(desk: FrontDesk, input: Omit<TurnInput, 'text' | 'pressed'>, stored: ConversationState | null | undefined, flowId: string, flowInput: unknown): Promise<TurnResult> {
    const state: ConversationState = stored && Array.isArray(stored.stack) ? structuredClone(stored) : emptyState();
    // A notice that asks a question replaces whatever was left half-said: its answer comes next.
    state.stack = [];
    state.memory ??= {};
    const replies: Outbound[] = [];
    let customer = input.customer;
    const locale: Locale = customer?.locale ?? state.locale ?? input.channelLocale ?? 'zh';
    state.locale = locale;
    const shop = await desk.shop();
    const request = understand('', { now: input.now, timeZone: shop.timeZone, catalogue: [], fallbackLocale: locale });
    const ctx = this.context(
      { desk, input: { ...input, text: '' }, request, state, replies, timeZone: shop.timeZone, getCustomer: () => customer, setCustomer: (c: CustomerRef) => (customer = c) },
      locale,
    );
    await this.start(ctx, state, flowId, flowInput);
    return { replies: compact(replies), state, customer, locale };
  }

  private focusDate(state: ConversationState) {
    for (let i = state.stack.length - 1; i >= 0; i--) {
      const frame = state.stack[i];
      const date = this.flow(frame.flow).focusDate?.(frame.state);
      if (date) return date;
    }
    // Right after a booking, "不对，下午三点的" is about that booking's day.
    return state.memory.lastBookingDate ?? null;
  }

  private context(scope: TurnScope, locale: Locale): EngineContext {
    const { input, state, replies } = scope;
    return {
      desk: scope.desk,
      now: input.now,
      timeZone: scope.timeZone,
      locale,
      request: scope.request,
      identity: input.identity,
      turnId: input.turnId ?? null,
      richChoices: input.richChoices ?? false,
      get customer() {
        return scope.getCustomer();
      },
      setCustomer: scope.setCustomer,
      memory: state.memory,
      t: <K extends MessageKey>(key: K, ...vars: MessageVars<K>) => t(locale, key, ...vars),
      say: (text: string) => {
        if (text) replies.push({ text });
      },
      emit: (outbound: Outbound) => replies.push(outbound),
    };
  }

  private async start(ctx: EngineContext, state: ConversationState, flowId: string, input: unknown): Promise<void> {
    await this.drive(ctx, state, { call: flowId, input });
  }

  /** Follows a flow's steps until one waits for the customer or the stack is empty. */
  private async drive(ctx: EngineContext, state: ConversationState, first: Step): Promise<void> {
    let step: Step = first;
    for (let guard = 0; guard < 50; guard++) {
      if ('ask' in step) {
        const frame = state.stack.at(-1);
        if (!frame) throw new Error('a flow asked with no frame on the stack');
        if (frame.waiting !== step.ask) frame.misses = 0;
        frame.waiting = step.ask;
        this.ask(ctx, state, frame);
        return;
      }
      if ('call' in step || 'replace' in step) {
        const target = 'call' in step ? step.call : step.replace;
        if ('replace' in step) state.stack.pop();
        const parent = state.stack.at(-1);
        if (parent) parent.waiting = undefined;
        const flow = this.flow(target);
        const frame: Frame = { flow: flow.id, state: undefined };
        state.stack.push(frame);
        const begun = await flow.begin(ctx, step.input);
        frame.state = begun.state;
        step = begun.next;
        continue;
      }
      const finished = state.stack.pop();
      const parent = state.stack.at(-1);
      if (!parent || !finished) return;
      const flow = this.flow(parent.flow);
      if (!flow.resume) throw new Error(`flow ${flow.id} called ${finished.flow} but cannot resume`);
      step = await flow.resume(ctx, parent.state, finished.flow, step.done);
    }
    throw new Error('conversation flows did not settle within 50 steps');
  }

  private questionId(frame: Frame): string {
    return `${frame.flow}.${frame.waiting}#${frame.asked ?? 0}`;
  }

  private ask(ctx: EngineContext, state: ConversationState, frame: Frame, prefix?: string): void {
    state.seq = (state.seq ?? 0) + 1;
    frame.asked = state.seq;
    const question = this.flow(frame.flow).question(ctx, frame.state, frame.waiting!);
    const text = prefix ? `${prefix}\n${question.text}` : question.text;
    ctx.emit(
      question.options?.length
        ? { text, choice: { questionId: this.questionId(frame), options: question.options.map((o) => ({ id: o.id, label: o.label, ...(o.group ? { group: o.group } : {}) })), hint: ctx.t('replyNumber') } }
        : { text },
    );
  }

  private async reply(ctx: EngineContext, state: ConversationState, request: CustomerRequest, pressed: TurnInput['pressed']): Promise<void> {
    const frame = state.stack.at(-1)!;
    const flow = this.flow(frame.flow);
    const question = flow.question(ctx, frame.state, frame.waiting!);

    if (pressed) {
      const option = question.options?.find((o) => o.id === pressed.optionId);
      if (!option || (pressed.questionId && pressed.questionId !== this.questionId(frame))) {
        ctx.say(ctx.t('choice.stale'));
        this.ask(ctx, state, frame);
        return;
      }
      return this.answer(ctx, state, frame, flow, { kind: 'option', option });
    }

    const word = bare(request.text);
    // "取消" leaves the flow, unless the question itself offers it ("确认取消？", "改期 / 取消预约").
    if (CANCEL_WORDS.includes(word) && !(question.options && readChoice(request.text, question.options))) {
      state.stack = [];
      ctx.say(ctx.t('cancelled'));
      return;
    }
    if (request.intent === 'language' && request.localeSwitch) {
      ctx.say(ctx.t('language.switched'));
      this.ask(ctx, state, frame);
      return;
    }
    if (request.intent === 'help' && !request.services.length) {
      ctx.say(ctx.t('help'));
      this.ask(ctx, state, frame);
      return;
    }

    // "多少钱？" while booking asks what the job being booked costs.
    if (request.intent === 'price' && !request.services.length) {
      const about = state.stack.map((f) => this.flow(f.flow).services?.(f.state) ?? []).find((s) => s.length);
      if (about) request = { ...request, services: about };
    }
    const active = state.stack.map((f) => this.flow(f.flow));
    const interruption = this.main.interruption(ctx, request, active);
    // A name can be almost any words: "转人工" or "我要投诉" at the name prompt is a request, not a name.
    // A free comment yields only to a plain new request ("转人工", "帮我约下周六保养"): a comment
    // naming a part ("刹车不响了") or a complaint is the comment.
    const yields =
      !question.options?.length &&
      ((question.field === 'name' && interruption !== null) || (question.field === 'text' && interruption === 'switch' && (FREE_TEXT_YIELDS.has(request.intent) || (request.intent === 'book' && request.when !== null))));
    const read = yields ? ({ ok: false, reason: null } as const) : readReply(question, request);
    if (read.ok) return this.answer(ctx, state, frame, flow, read.reply);

    if (interruption === 'switch') {
      // A number the customer already gave (mid-registration) goes with a request for a person.
      const contact = state.stack.map((f) => this.flow(f.flow).contact?.(f.state)).find((c) => c?.mobile) ?? null;
      state.stack = [];
      return this.start(ctx, state, this.main.id, contact ? { ...request, mobile: request.mobile ?? contact.mobile } : request);
    }
    if (interruption === 'inline') {
      await this.main.answerInline(ctx, request);
      this.ask(ctx, state, frame, ctx.t('backToQuestion'));
      return;
    }
    const topNoted = flow.absorb?.(ctx, frame.state, request) ?? null;
    const deeperNoted = this.absorb(ctx, state, request, frame);
    const noted = [...new Set([...(topNoted ?? []), ...(deeperNoted ?? [])])];
    if (noted.length) {
      ctx.say(ctx.t('noted', { what: describeNoted(ctx, noted, request) }));
      // The flow that was asking re-plans with what it kept (a new time at the read-back means a new offer).
      if (topNoted && flow.next) {
        frame.waiting = undefined;
        return this.drive(ctx, state, await flow.next(ctx, frame.state));
      }
      this.ask(ctx, state, frame);
      return;
    }

    // "好的谢谢 / ok thanks" again instead of an answer: the customer is done for now.
    if (request.intent === 'thanks' && (frame.misses ?? 0) >= 1) {
      state.stack = [];
      ctx.say(ctx.t('flow.leftPolitely'));
      return;
    }
    frame.misses = (frame.misses ?? 0) + 1;
    if (frame.misses === 1) {
      // A question with options is about its options, even when it also takes a free answer.
      const reason = question.missReason ?? (question.options?.length ? ctx.t('miss.choice') : read.reason ? ctx.t(read.reason) : ctx.t('notUnderstood'));
      this.ask(ctx, state, frame, reason);
      return;
    }
    if (frame.misses === 2) {
      // Not the same question a third time: an example of a good answer, and the way out.
      const example = question.example ?? (question.options?.length ? ctx.t('miss.pickNumber', { last: question.options.length }) : ctx.t('miss.rephrase'));
      this.ask(ctx, state, frame, ctx.t('miss.again', { example }));
      return;
    }
    frame.misses = 0;
    if (question.optional) return this.answer(ctx, state, frame, flow, { kind: 'skipped' }, question.skippedNote ?? ctx.t('miss.skipped'));
    if (flow.giveUp) {
      frame.waiting = undefined;
      return this.drive(ctx, state, await flow.giveUp(ctx, frame.state, question.id));
    }
    state.stack = [];
    const input: GiveUpInput = { giveUp: { flow: flow.id, question: question.id } };
    return this.drive(ctx, state, { call: this.main.id, input });
  }

  private async answer(ctx: EngineContext, state: ConversationState, frame: Frame, flow: Flow, reply: Reply, preface?: string): Promise<void> {
    if (preface) ctx.say(preface);
    const questionId = frame.waiting!;
    frame.waiting = undefined;
    frame.misses = 0;
    // What the same message says is kept by every flow that can use it ("3万公里，下周一上午十点"
    // at the mileage prompt gives the booking underneath its time).
    this.absorb(ctx, state, ctx.request);
    const step = await flow.answer(ctx, frame.state, questionId, reply);
    await this.drive(ctx, state, step);
  }

  private absorb(ctx: EngineContext, state: ConversationState, request: CustomerRequest, except?: Frame): Noted | null {
    const noted = new Set<Noted[number]>();
    for (let i = state.stack.length - 1; i >= 0; i--) {
      const frame = state.stack[i];
      if (frame === except) continue;
      const got = this.flow(frame.flow).absorb?.(ctx, frame.state, request);
      for (const n of got ?? []) noted.add(n);
    }
    return noted.size ? [...noted] : null;
  }
}

/**
 * One message per thought: sentences said in a row become one message, and the sentences
 * before a question join the question (one card on Teams, one WeChat message), so a turn
 * is usually a single message — easier to read, and one connector call instead of several.
 */
function compact(replies: readonly Outbound[]): Outbound[] {
  const out: Outbound[] = [];
  for (const reply of replies) {
    const last = out.at(-1);
    if (last && !last.choice) {
      out[out.length - 1] = { ...reply, text: `${last.text}\n${reply.text}` };
      continue;
    }
    out.push(reply);
  }
  return out;
}

type ReplyRead = { ok: true; reply: Reply } | { ok: false; reason: PlainKey | null };

/** The reply as an answer to the question: an option, a skip, or the field it asks for. */
export function readReply(question: Question, request: CustomerRequest): ReplyRead {
  if (question.options?.length) {
    const option = readChoice(request.text, question.options, { confirmation: question.confirmation });
    if (option) return { ok: true, reply: { kind: 'option', option } };
  }
  if (question.optional && isSkip(request.text)) return { ok: true, reply: { kind: 'skipped' } };
  // "跳过 / skip" where an answer is needed (the plate of a car to book): say so, not "no plate found".
  if (!question.optional && question.field && question.field !== 'text' && question.field !== 'name' && !question.options?.length && isSkip(request.text)) return { ok: false, reason: 'miss.required' };
  if (question.field) {
    const read = readField(question.field, request);
    if (read.ok) return { ok: true, reply: { kind: 'field', field: question.field, value: read.value } };
    return { ok: false, reason: read.reason };
  }
  return { ok: false, reason: question.options?.length ? 'miss.choice' : null };
}

function describeNoted(ctx: FlowContext, noted: Noted, request: CustomerRequest): string {
  const parts: string[] = [];
  if (noted.includes('services')) parts.push(request.services.map((s) => s.said).join(ctx.t('list.separator')));
  if (noted.includes('when') && request.when) parts.push(ctx.t('noted.when', { when: formatWantedFor(ctx, request) }));
  if (noted.includes('plate') && request.plate) parts.push(request.plate);
  if (noted.includes('notes')) parts.push(request.services.filter((s) => s.certainty === 'tentative').map((s) => s.said).join(ctx.t('list.separator')));
  return parts.filter(Boolean).join(ctx.t('list.separator'));
}

function formatWantedFor(ctx: FlowContext, request: CustomerRequest): string {
  return request.when ? ctx.t('when.wanted', { when: formatWantedText(request.when, ctx.locale) }) : '';
}

function formatWantedText(when: NonNullable<CustomerRequest['when']>, locale: Locale): string {
  return formatWanted(when, locale);
}

/**
 * One decision of the answer language per turn. An explicit wish wins and is kept; otherwise
 * the language of a message with enough letters, except where the reply is a name, plate,
 * number or code (an English speaker typing their Chinese name stays in English).
 */
function decideLocale(state: ConversationState, request: CustomerRequest, fallback: Locale, pendingField: string | undefined): Locale {
  if (request.localeSwitch) {
    state.localeChosen = true;
    return request.localeSwitch;
  }
  if (pendingField && pendingField !== 'service' && pendingField !== 'when' && pendingField !== 'text') return fallback;
  if (state.localeChosen) return fallback;
  // A first "hi" / "hello?" from someone we know nothing about: too short for the detector, but
  // English all the same (a known conversation keeps its language for such a word).
  if (!state.locale && request.locale !== 'en' && /^[\sA-Za-z!?.,']{2,}$/.test(request.text) && ['greeting', 'help', 'thanks'].includes(request.intent)) return 'en';
  // The recogniser's one detector already keeps the fallback for a few foreign letters ("王建国", "ok").
  return request.locale;
}
