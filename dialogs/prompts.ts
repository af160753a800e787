import { TextPrompt, type PromptValidatorContext } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import { turnServices } from './context';
import { isMessageKey, t } from './i18n';
import type { ParseResult } from '../services/registration';
import { recognizeChoice, type Choice } from './ui';

/**
 * A text prompt whose reply is parsed by a domain parser. A bad reply gets the parser's
 * specific reason as the re-prompt; after `maxAttempts` bad replies the prompt ends with
 * `{ gaveUp: true }` so the dialog can hand over to a person instead of looping.
 */
export type Answer<T> = { ok: true; value: T } | { skipped: true } | { gaveUp: true };

export const SKIP_WORDS = ['跳过', '不填', '没有', '无', '不知道', 'skip', 'none', 'no', 'n/a', "don't know", 'dont know', '-'];

export interface ParsedPromptOptions<T> {
  /**
   * `choices` are the ones passed to step.prompt(), for replies that pick one; `context`
   * is its `validations` option (what the dialog knows so far, e.g. the day being booked).
   */
  parse: (text: string, context: TurnContext, choices: Choice[], known?: unknown) => Promise<ParseResult<T>> | ParseResult<T>;
  optional?: boolean;
  maxAttempts?: number;
}

export function parsedPrompt<T>(id: string, options: ParsedPromptOptions<T>): TextPrompt {
  const maxAttempts = options.maxAttempts ?? 3;
  return new TextPrompt(id, async (prompt: PromptValidatorContext<string>) => {
    const text = (prompt.recognized.value ?? '').trim();
    const { locale } = turnServices(prompt.context);
    const recognized = prompt.recognized as { value: unknown; succeeded: boolean };
    if (options.optional && SKIP_WORDS.includes(text.toLowerCase())) {
      recognized.value = { skipped: true } satisfies Answer<T>;
      return true;
    }
    const choices = (prompt.options.choices ?? []) as unknown as Choice[];
    const result = text ? await options.parse(text, prompt.context, choices, prompt.options.validations) : ({ ok: false, reason: 'empty' } as const);
    if (result.ok) {
      recognized.value = { ok: true, value: result.value } satisfies Answer<T>;
      return true;
    }
    if (prompt.attemptCount >= maxAttempts) {
      recognized.value = { gaveUp: true } satisfies Answer<T>;
      return true;
    }
    const reason = result.reason;
    // An empty reason means the parser already told the customer what was wrong.
    if (reason) await prompt.context.sendActivity(isMessageKey(reason) ? t(locale, reason) : t(locale, 'notUnderstood'));
    return false;
  });
}

export function isAnswer<T>(result: unknown): result is { ok: true; value: T } {
  return typeof result === 'object' && result !== null && (result as { ok?: unknown }).ok === true;
}
export function gaveUp(result: unknown): boolean {
  return typeof result === 'object' && result !== null && (result as { gaveUp?: unknown }).gaveUp === true;
}

/** A prompt answered by picking one of the choices given to step.prompt(). */
export function choicePrompt(id: string, fallback?: ParsedPromptOptions<string>['parse']): TextPrompt {
  return parsedPrompt<string>(id, {
    parse: async (text, context, choices, known) => {
      const choice = recognizeChoice(text, choices);
      if (choice) return { ok: true, value: choice.value };
      return fallback ? fallback(text, context, choices, known) : { ok: false, reason: 'replyNumber' };
    },
  });
}
