import type { ComplaintSignal } from '../understanding';
import { reasonsWithinComplaint } from '../understanding/complaint';

/**
 * When a complaint is a 重大投诉 (MAJOR): any ONE of these reasons. The words behind the first
 * four are the recogniser's (services/understanding/complaint.ts); this is the one place that
 * says which reasons make a complaint major.
 *
 *   safety     brakes failed, fire, smoke, an accident, "not safe" — said within a complaint
 *   regulator  going to the regulator: 12315, 消协, 市场监管, consumer association
 *   media      going to the media or posting it: 曝光, 媒体, 记者, 微博, "post it online"
 *   legal      a legal threat: 律师, 起诉, 法院, lawyer, sue
 *   repeat     the same customer complained before within REPEAT_WINDOW_DAYS
 *
 * Everything else (explicit 投诉, damage, a fault after the shop's work, strong displeasure,
 * a low survey score) is NORMAL.
 */
export const MAJOR_REASONS = ['safety', 'regulator', 'media', 'legal', 'repeat'] as const;
export type MajorReason = (typeof MAJOR_REASONS)[number];

/** A complaint within this many days (24-hour days, back from now) of an earlier one is a repeat. */
export const REPEAT_WINDOW_DAYS = 90;

export type ComplaintSeverity = 'NORMAL' | 'MAJOR';

export interface Classification {
  severity: ComplaintSeverity;
  /** Every reason that fired, in a stable order: the signal's, those found in the words, then "repeat". */
  reasons: string[];
  /** The reasons that made it MAJOR (empty for NORMAL). */
  majorReasons: MajorReason[];
}

const MAJOR = new Set<string>(MAJOR_REASONS);

/**
 * Severity of what the customer said: the recogniser's signal for the message, the words read
 * again as a complaint (where safety words count on their own), and whether it repeats one
 * within the window.
 */
export function classifyComplaint(input: { signal: ComplaintSignal | null; said: string; repeat: boolean; earlierReasons?: readonly string[] }): Classification {
  const reasons: string[] = [];
  const add = (reason: string) => {
    if (!reasons.includes(reason)) reasons.push(reason);
  };
  for (const r of input.earlierReasons ?? []) add(r);
  for (const r of input.signal?.reasons ?? []) add(r);
  for (const r of reasonsWithinComplaint(input.said).reasons) add(r);
  if (input.repeat) add('repeat');
  const majorReasons = reasons.filter((r): r is MajorReason => MAJOR.has(r));
  // A signal marked severe for a reason this list does not know yet is still major.
  const severe = majorReasons.length > 0 || input.signal?.severe === true;
  return { severity: severe ? 'MAJOR' : 'NORMAL', reasons, majorReasons };
}
