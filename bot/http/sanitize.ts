/**
 * What every JSON body goes through before a route sees it (and what the bot applies to
 * text from other channels).
 */

/**
 * Deepest nesting of arrays and objects accepted in a request body. Bot Framework
 * activities, Adaptive Card payloads included, stay far below it; a deeper body is an attack
 * or a bug, and refused before it is parsed (a 40,000-deep `from` used to pass validation
 * and fail the turn later, in identity handling).
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Strings that PostgreSQL cannot store (NUL) or that are not valid UTF-16 (lone surrogates,
 * which jsonb rejects) are made safe on the way in, so one odd character cannot break every
 * later turn of a conversation.
 */
export function sanitizeStrings<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return value.replace(/\u0000/g, '').toWellFormed() as T;
  if (depth > MAX_JSON_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => sanitizeStrings(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[sanitizeStrings(k, depth + 1)] = sanitizeStrings(v, depth + 1);
  return out as T;
}

/**
 * True when JSON text nests arrays/objects deeper than `max`. A single pass over the
 * characters, before JSON.parse, so a hostile body never becomes a deep object at all.
 */
export function jsonNestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}
