/**
 * A flow is one conversation (booking, registration, a slot offer …) written as linear
 * steps: each answer is stored, then the next missing thing is asked or skipped. The engine
 * (engine.ts) keeps flows on a stack in the conversation state, so a flow can call another
 * (booking → registration, booking → slot offer) and get a typed result back.
 *
 * A flow holds only ids and plain values in its state; its questions are rebuilt from that
 * state whenever they are needed.
 */
import type { FrontDesk, CustomerRef } from '../../services/desk/types';
import type { CustomerRequest, Intent, ServiceMention } from '../../services/understanding/types';
import type { Locale } from '../../services/locale';
import type { LocalDate } from '../../services/time';
import type { MessageKey, MessageVars } from '../i18n';
import type { Question, Reply } from './question';

export type Step<R = unknown> =
  /** Wait for the customer's answer to this question of the flow. */
  | { ask: string }
  /** Start another flow; its result comes back through `resume`. */
  | { call: string; input: unknown }
  /** The flow is over. */
  | { done: R }
  /** End this flow and start another in its place; that one's result goes to our caller. */
  | { replace: string; input: unknown };

/** What the customer said off the question that a flow kept ("时间记下了"). */
export type Noted = Array<'services' | 'when' | 'plate' | 'notes'>;

/** What a flow may use during one turn. */
export interface FlowContext {
  readonly desk: FrontDesk;
  readonly now: Date;
  readonly timeZone: string;
  readonly locale: Locale;
  /** This turn's message, recognised once. */
  readonly request: CustomerRequest;
  readonly identity: { id: string; channel: string; displayName: string | null; conversationKey: string };
  /** The inbound activity this turn answers: what it books carries it, so a redelivery books nothing twice. */
  readonly turnId: string | null;
  /** The channel shows questions as buttons (a card with a row per line), not numbered text. */
  readonly richChoices: boolean;
  /** Null until the sender is registered or linked. */
  readonly customer: CustomerRef | null;
  /** A flow registered or linked the sender: later steps (and turns) see them. */
  setCustomer(customer: CustomerRef): void;
  /** Remembered across flows of this conversation (e.g. the booking just made, for "make it Thursday instead"). */
  memory: ConversationMemory;
  t<K extends MessageKey>(key: K, ...vars: MessageVars<K>): string;
  say(text: string): void;
}

export interface ConversationMemory {
  lastBookingId?: string;
  /** Its day in the shop's zone. */
  lastBookingDate?: LocalDate;
  /** The survey being answered in this conversation: a complaint said meanwhile is about its visit. */
  surveyId?: string;
  /** A number a not-yet-registered customer gave for a call back. */
  contactMobile?: string;
}

export interface Flow<S = any, I = any, R = any> {
  readonly id: string;
  begin(ctx: FlowContext, input: I): Promise<{ state: S; next: Step<R> }>;
  question(ctx: FlowContext, state: S, questionId: string): Question;
  answer(ctx: FlowContext, state: S, questionId: string, reply: Reply): Promise<Step<R>>;
  resume?(ctx: FlowContext, state: S, childFlowId: string, result: unknown): Promise<Step<R>>;
  /**
   * Keeps what an off-question reply says that this flow can use — "明天下午3点" while the
   * service is asked, "那就约个小保养吧，下周一上午" while registering — so nothing the
   * customer says is dropped. Returns what was noted, or null.
   */
  absorb?(ctx: FlowContext, state: S, request: CustomerRequest): Noted | null;
  /**
   * The flow's planner: after `absorb` changed its state, what to ask next (the read-back
   * again with the new time, say). Without it the pending question is simply asked again.
   */
  next?(ctx: FlowContext, state: S): Promise<Step<R>>;
  /** A required question was not understood three times: how this flow ends (registration raises a help task). */
  giveUp?(ctx: FlowContext, state: S, questionId: string): Promise<Step<R>>;
  /** What the flow already knows about who the customer is, for a handoff that interrupts it (a number to call back). */
  contact?(state: S): { mobile: string | null; name: string | null } | null;
  /** The jobs this flow is talking about: "多少钱？" in the middle of it asks their price. */
  services?(state: S): ServiceMention[];
  /** The day this flow is talking about: a bare time in a reply ("10点") means that day. */
  focusDate?(state: S): LocalDate | null;
  /** The intents this flow itself serves: the same intent mid-flow is an answer, not an interruption. */
  readonly serves?: readonly Intent[];
}
