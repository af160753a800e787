import type { Storage, StoreItems } from 'botbuilder';
import type { PrismaClient } from '../services/db/client';

/**
 * Bot Framework conversation and user state in the database, so a turn can land on any
 * process and a restart resumes every conversation at the step it was on.
 * The eTag is the row's version: a write carrying an older eTag than the stored one
 * fails (two processes raced on one conversation) and the turn is retried by the bot.
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
  constructor(private readonly prisma: PrismaClient) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const rows = await this.prisma.botState.findMany({ where: { key: { in: keys } } });
    const items: StoreItems = {};
    for (const row of rows) items[row.key] = { ...(row.data as object), eTag: String(row.version) };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...data } = (item ?? {}) as Record<string, unknown> & { eTag?: string };
      const json = JSON.parse(JSON.stringify(data));
      if (!eTag || eTag === '*') {
        await this.prisma.botState.upsert({
          where: { key },
          create: { key, data: json },
          update: { data: json, version: { increment: 1 } },
        });
        continue;
      }
      const expected = Number(eTag);
      const updated = await this.prisma.botState.updateMany({
        where: { key, version: expected },
        data: { data: json, version: { increment: 1 } },
      });
      if (updated.count === 1) continue;
      // No row with that version: either someone else wrote first, or the row was deleted.
      const exists = await this.prisma.botState.findUnique({ where: { key }, select: { version: true } });
      if (exists) throw new StateConflictError(key);
      try {
        await this.prisma.botState.create({ data: { key, data: json } });
      } catch (error) {
        if (isUniqueViolation(error)) throw new StateConflictError(key);
        throw error;
      }
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length) await this.prisma.botState.deleteMany({ where: { key: { in: keys } } });
  }
}
