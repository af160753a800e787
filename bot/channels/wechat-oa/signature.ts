/**
 * Who may post to the webhook: the platform signs every request with the shop's Token
 * (signature = sha1 of token, timestamp and nonce sorted and joined). A request without a
 * valid signature, with a timestamp more than five minutes off, or seen before (same
 * signature, timestamp and nonce) is refused before its body is read.
 */
import crypto from 'node:crypto';

/** How far a request's timestamp may be from our clock. */
export const FRESHNESS_SECONDS = 300;

export function webhookSignature(token: string, timestamp: string, nonce: string): string {
  return crypto.createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

export type WebhookCheck = 'ok' | 'bad-signature' | 'stale' | 'replayed';

/**
 * Requests seen within the freshness window. A request that failed (5xx) is forgotten so
 * that the platform's own retry of it is not taken for a replay. Per process: across
 * processes a replayed message still changes nothing, because its MsgId is the turn's id.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly maxEntries = 100_000) {}

  /** true the first time `key` is seen within the window. */
  remember(key: string, nowMs: number): boolean {
    if (this.seen.size >= this.maxEntries || this.seen.size % 1000 === 999) this.prune(nowMs);
    const until = this.seen.get(key);
    if (until !== undefined && until > nowMs) return false;
    // Twice the window: a timestamp may lie that far ahead of our clock and still be fresh.
    this.seen.set(key, nowMs + 2 * FRESHNESS_SECONDS * 1000);
    return true;
  }

  forget(key: string): void {
    this.seen.delete(key);
  }

  private prune(nowMs: number): void {
    for (const [key, until] of this.seen) if (until <= nowMs) this.seen.delete(key);
    // Still full of live entries (a flood of validly signed requests): the oldest go first.
    for (const key of this.seen.keys()) {
      if (this.seen.size < this.maxEntries) break;
      this.seen.delete(key);
    }
  }
}

export interface SignedQuery {
  signature: string;
  timestamp: string;
  nonce: string;
}

/** The replay key of a request. */
export function requestKey(query: SignedQuery): string {
  return `${query.timestamp}:${query.nonce}:${query.signature}`;
}

/** `guard` null: signature and freshness only (the platform's URL check, repeated at will). */
export function checkWebhookRequest(token: string, query: SignedQuery, nowMs: number, guard: ReplayGuard | null): WebhookCheck {
  const expected = Buffer.from(webhookSignature(token, query.timestamp, query.nonce), 'utf8');
  const given = Buffer.from(query.signature.toLowerCase(), 'utf8');
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return 'bad-signature';
  if (Math.abs(nowMs / 1000 - Number(query.timestamp)) > FRESHNESS_SECONDS) return 'stale';
  if (guard && !guard.remember(requestKey(query), nowMs)) return 'replayed';
  return 'ok';
}
