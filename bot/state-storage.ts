import type { Storage, StoreItems } from 'botbuilder';
import type { RawSql } from '../services/db/client';

/**
 * Bot Framework conversation and user state in the database, so a turn can land on any
 * process and a restart resumes every conversation at the step it was on.
 * A write of state read at an older version than the stored one fails (two processes raced
 * on one conversation) and the bot retries the turn on fresh state.
 * Plain SQL rather than Prisma: this runs twice on every turn, and the ORM's per-query
 * work was a quarter of the bot's CPU.
 */
export class StateConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'StateConflictError';
  }
}

export class DatabaseStorage implements Storage {
  /**
   * Version of every state object handed out by read(). botbuilder's BotState writes
   * with eTag '*' ("overwrite"), which would defeat optimistic concurrency; but it writes
   * back the very object it read, so the version it was read at is known here.
   */
  private readonly versions = new WeakMap<object, number>();

  constructor(private readonly sql: Pick<RawSql, 'query'>) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const rows = await this.sql.query<{ key: string; data: object; version: number }>(
      `SELECT "key", "data", "version" FROM "BotState" WHERE "key" = ANY($1::text[])`,
      [keys],
    );
    const items: StoreItems = {};
    for (const row of rows) {
      const item = { ...row.data, eTag: String(row.version) };
      this.versions.set(item, row.version);
      items[row.key] = item;
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...data } = (item ?? {}) as Record<string, unknown> & { eTag?: string };
      const json = JSON.stringify(data);
      const readAt = item && typeof item === 'object' ? this.versions.get(item) : undefined;
      const expected = readAt ?? (eTag && eTag !== '*' ? Number(eTag) : undefined);
      // Not read from here: state that did not exist when the turn began. Creating it must
      // fail if another turn created it meanwhile.
      const rows =
        expected === undefined
          ? await this.sql.query<{ version: number }>(
              `INSERT INTO "BotState" ("key", "data", "version", "updatedAt") VALUES ($1, $2::jsonb, 1, now())
               ON CONFLICT ("key") DO NOTHING RETURNING "version"`,
              [key, json],
            )
          : await this.sql.query<{ version: number }>(
              `UPDATE "BotState" SET "data" = $2::jsonb, "version" = "version" + 1, "updatedAt" = now()
               WHERE "key" = $1 AND "version" = $3 RETURNING "version"`,
              [key, json, expected],
            );
      if (rows.length !== 1) throw new StateConflictError(key);
      if (item && typeof item === 'object') this.versions.set(item, rows[0].version);
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length) await this.sql.query(`DELETE FROM "BotState" WHERE "key" = ANY($1::text[])`, [keys]);
  }
}
