/**
 * A per-identity message budget (a sliding window in this process). Twenty identical
 * "转人工" in a second, or a script posting as one user, must not become twenty tasks and
 * pushes: beyond the budget the sender is told once to slow down, then ignored until the
 * window has room again. Per process, on purpose: it protects this process's work; the
 * database-level guards (one open handoff per conversation, unique bookings) hold across
 * processes.
 */
export type Take = 'ok' | 'first-refusal' | 'refused';

export class RateLimiter {
  private readonly hits = new Map<string, { times: number[]; told: boolean }>();

  constructor(private readonly limit: number, private readonly windowMs: number) {}

  take(key: string, nowMs: number): Take {
    let entry = this.hits.get(key);
    if (!entry) this.hits.set(key, (entry = { times: [], told: false }));
    while (entry.times.length && entry.times[0] <= nowMs - this.windowMs) entry.times.shift();
    if (entry.times.length < this.limit) {
      entry.times.push(nowMs);
      entry.told = false;
      if (this.hits.size > 100_000) this.prune(nowMs);
      return 'ok';
    }
    if (entry.told) return 'refused';
    entry.told = true;
    return 'first-refusal';
  }

  private prune(nowMs: number): void {
    for (const [key, entry] of this.hits) if (!entry.times.length || entry.times[entry.times.length - 1] <= nowMs - this.windowMs) this.hits.delete(key);
  }
}
