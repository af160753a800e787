/**
 * The customer-service window of each follower, in the database so that every bot process
 * counts the same messages: a follower's message opens it (at its CreateTime); then at most
 * WINDOW_MESSAGES customer-service messages may go out, within WINDOW_MS. A slot is taken in
 * one conditional UPDATE before a message is sent, so two processes can never both send the
 * sixth; a send that fails for another reason gives its slots back.
 */
import type { RawSql } from '../../../services/db/client';

/** The platform's rule: 48 hours after the follower's last message… */
export const WINDOW_MS = 48 * 60 * 60 * 1000;
/** …and at most five customer-service messages in that time. */
export const WINDOW_MESSAGES = 5;

export interface WindowSlot {
  /** The window the slots were taken from (its opening), to give them back to the same one. */
  openedAt: Date;
  count: number;
}

export class ReplyWindow {
  constructor(
    private readonly sql: Pick<RawSql, 'query'>,
    private readonly appId: string,
  ) {}

  /**
   * The follower wrote at `at` (message or event `eventId`): a new window with nothing sent
   * yet. The platform's retry of the same message, a replay, or an older message arriving
   * late changes nothing; two messages within one second (CreateTime has seconds) each do.
   */
  async open(openid: string, at: Date, eventId: string, now: Date): Promise<void> {
    await this.sql.query(
      `INSERT INTO "OfficialAccountWindow" ("appId", "openid", "openedAt", "openedBy", "sent", "updatedAt") VALUES ($1, $2, $3, $4, 0, $5)
       ON CONFLICT ("appId", "openid") DO UPDATE SET "openedAt" = EXCLUDED."openedAt", "openedBy" = EXCLUDED."openedBy", "sent" = 0, "updatedAt" = EXCLUDED."updatedAt"
       WHERE "OfficialAccountWindow"."openedAt" <= EXCLUDED."openedAt" AND "OfficialAccountWindow"."openedBy" <> EXCLUDED."openedBy"`,
      [this.appId, openid, at, eventId, now],
    );
  }

  /** Takes `count` slots if the window is open and has them; null otherwise. */
  async take(openid: string, count: number, now: Date): Promise<WindowSlot | null> {
    const rows = await this.sql.query<{ openedAt: Date | string }>(
      `UPDATE "OfficialAccountWindow" SET "sent" = "sent" + $3, "updatedAt" = $4
       WHERE "appId" = $1 AND "openid" = $2 AND "sent" + $3 <= $5 AND "openedAt" > $6
       RETURNING "openedAt"`,
      [this.appId, openid, count, now, WINDOW_MESSAGES, new Date(now.getTime() - WINDOW_MS)],
    );
    return rows[0] ? { openedAt: new Date(rows[0].openedAt), count } : null;
  }

  /** A send failed for a reason other than the window: its slots are free again (in the same window only). */
  async giveBack(openid: string, slot: WindowSlot, now: Date): Promise<void> {
    await this.sql.query(
      `UPDATE "OfficialAccountWindow" SET "sent" = GREATEST("sent" - $4, 0), "updatedAt" = $5
       WHERE "appId" = $1 AND "openid" = $2 AND "openedAt" = $3`,
      [this.appId, openid, slot.openedAt, slot.count, now],
    );
  }

  /** The platform said the window is closed or used up (45015, 45047): believe it until the follower writes again. */
  async close(openid: string, slot: WindowSlot, now: Date): Promise<void> {
    await this.sql.query(
      `UPDATE "OfficialAccountWindow" SET "sent" = $4, "updatedAt" = $5 WHERE "appId" = $1 AND "openid" = $2 AND "openedAt" = $3`,
      [this.appId, openid, slot.openedAt, WINDOW_MESSAGES, now],
    );
  }

  /** The follower's window as stored (null: they never wrote). */
  async state(openid: string): Promise<{ openedAt: Date; sent: number } | null> {
    const rows = await this.sql.query<{ openedAt: Date | string; sent: number }>(`SELECT "openedAt", "sent" FROM "OfficialAccountWindow" WHERE "appId" = $1 AND "openid" = $2`, [this.appId, openid]);
    return rows[0] ? { openedAt: new Date(rows[0].openedAt), sent: Number(rows[0].sent) } : null;
  }
}
