/**
 * Put first in a read's text when one plan serves every value of its parameters: the embedded
 * database then keeps the statement's plan, as it does for every write (services/db/pglite-prepared.ts),
 * instead of planning the read again on each run. For reads that find their rows by key and
 * whose ranges are a fixed width around a parameter (one day, "after today"); never for a read
 * over a caller's range of dates, whose best plan depends on how wide the range is. PostgreSQL
 * servers ignore it (it is a comment).
 */
export const KEEP_PLAN = '/* plan: keep */ ';
