/**
 * The one choice model. A dialog asks a Question; the channel renders it (an Adaptive Card on
 * Teams, numbered text on WeChat and the console); one reader (reader.ts) maps the reply back.
 * Questions are rebuilt from the flow's state every time they are needed, so the stored
 * conversation holds ids, never rendered text, and a change of language re-renders them.
 */
import type { FieldKind } from './fields';


export interface Option {
  /** Stable id the flow acts on ("confirm", a booking id, an ISO slot start). */
  id: string;
  label: string;
  /** Other names that pick it, also inside a longer reply ("我要改期"). */
  synonyms?: readonly string[];
  /** Words that pick it only as the whole reply ("好", "ok"): inside "好的谢谢" they mean nothing. */
  exact?: readonly string[];
  /** Options about one thing (an extra-work line) shown together under its heading on a card. */
  group?: string;
}

export interface Question {
  /** Stable within its flow ("service", "slot", "confirm"). */
  id: string;
  text: string;
  options?: readonly Option[];
  /** A free answer of this kind is accepted, alone or beside the options. */
  field?: FieldKind;
  /** "跳过 / skip" is an answer. */
  optional?: boolean;
  /** What a good answer looks like, shown when the reply was not understood twice. */
  example?: string;
  /**
   * A yes-or-no question (a read-back, "cancel this booking?"): "好的谢谢" here is a yes.
   * At an offer of times it is not: it picks nothing.
   */
  confirmation?: boolean;
  /** Said when a reply is not understood, instead of the field's own reason (a slot offer: "pick a time or name another"). */
  missReason?: string;
  /** Said when an optional question is skipped after misses (default: miss.skipped, about filling it in at the shop). */
  skippedNote?: string;
}

export type Reply =
  | { kind: 'option'; option: Option }
  | { kind: 'field'; field: FieldKind; value: unknown }
  | { kind: 'skipped' };

/** What a channel renders: a sentence, or a question with its options. */
export interface Outbound {
  text: string;
  choice?: ChoiceView;
}

export interface ChoiceView {
  questionId: string;
  options: ReadonlyArray<{ id: string; label: string; group?: string }>;
  /** "请回复数字选择。" in the reader's language, for channels that show numbers. */
  hint: string;
}
