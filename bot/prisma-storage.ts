import type { Storage, StoreItems } from 'botbuilder';
import type { PrismaClient } from '../services/db/client';

/**
 * Bot Framework conversation and user state in the database, so a turn can land on any
 * process and a restart resumes every conversation at the step it was on.
 * A write of state read at an older version than the stored one fails (two processes raced
 * on one conversation) and the bot retries the turn on fresh state.
 */
export class StateConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'StateConflictError';
  }
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === 'P2002';
}

export class PrismaStorage implements Storage {
  /**
   * Version of every state object handed out by read(). botbuilder's BotState writes
   * with eTag '*' ("overwrite"), which would defeat optimistic concurrency; but it writes
   * back the very object it read, so the version it was read at is known here.
   */
  private readonly versions = new WeakMap<object, number>();

  constructor(private readonly prisma: PrismaClient) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const rows = await this.prisma.botState.findMany({ where: { key: { in: keys } } });
    const items: StoreItems = {};
    for (const row of rows) {
      const item = { ...(row.data as object), eTag: String(row.version) };
      this.versions.set(item, row.version);
      items[row.key] = item;
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...data } = (item ?? {}) as Record<string, unknown> & { eTag?: string };
      const json = JSON.parse(JSON.stringify(data));
      const readAt = item && typeof item === 'object' ? this.versions.get(item) : undefined;
      const expected = readAt ?? (eTag && eTag !== '*' ? Number(eTag) : undefined);
      if (expected === undefined) {
        // Not read from here: state that did not exist when the turn began. Creating it
        // must fail if another turn created it meanwhile.
        try {
          await this.prisma.botState.create({ data: { key, data: json } });
        } catch (error) {
          if (isUniqueViolation(error)) throw new StateConflictError(key);
          throw error;
        }
        if (item && typeof item === 'object') this.versions.set(item, 1);
        continue;
      }
      const updated = await this.prisma.botState.updateMany({
        where: { key, version: expected },
        data: { data: json, version: { increment: 1 } },
      });
      if (updated.count !== 1) throw new StateConflictError(key);
      if (item && typeof item === 'object') this.versions.set(item, expected + 1);
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length) await this.prisma.botState.deleteMany({ where: { key: { in: keys } } });
  }
}
