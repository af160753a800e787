import crypto from 'node:crypto';
import { TestAdapter, type Activity } from 'botbuilder';
import { AftercareBot } from '../../bot/aftercare-bot';
import { PrismaStorage } from '../../bot/prisma-storage';
import { createLogger } from '../../bot/logger';
import { renderActivity } from './fake-connector';
import type { TestDatabase } from './database';

/**
 * Drives the real bot in-process (botbuilder's TestAdapter, channel "test" → choices as
 * numbered text, like WeChat). Faster than HTTP for the many-case dialog tables.
 */
export class Conversation {
  private readonly adapter: TestAdapter;
  readonly userId = `user-${crypto.randomBytes(5).toString('hex')}`;

  constructor(readonly bot: AftercareBot, channelId = 'test') {
    this.adapter = new TestAdapter(async (context) => bot.run(context), {
      channelId,
      serviceUrl: 'https://test.invalid',
      conversation: { id: `conv-${crypto.randomBytes(5).toString('hex')}`, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: this.userId, name: '客户' },
      recipient: { id: 'bot', name: 'aftercare' },
    } as Partial<Activity>);
  }

  /** Sends one message and returns everything the bot answered, joined. */
  async say(text: string, extra: Partial<Activity> = {}): Promise<string> {
    await this.adapter.processActivity({ type: 'message', text, id: `m-${crypto.randomBytes(6).toString('hex')}`, ...extra });
    const replies: string[] = [];
    while (this.adapter.activeQueue.length) replies.push(renderActivity(this.adapter.activeQueue.shift() as Record<string, unknown>));
    return replies.join('\n');
  }
}

export function createBot(db: TestDatabase, now: () => Date, shop: { id: string; name: string; nameEn: string | null; timeZone: string; bookingHorizonDays: number }): AftercareBot {
  return new AftercareBot({ prisma: db.prisma, storage: new PrismaStorage(db.prisma), shop, logger: createLogger('silent'), now });
}

let mobileSeq = 0;
/** A fresh, valid mobile number and plate per simulated customer. */
export function freshCustomer(): { mobile: string; plate: string } {
  mobileSeq++;
  const n = (process.pid * 1000 + mobileSeq) % 100_000_000;
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  return { mobile: `139${String(n).padStart(8, '0')}`, plate: `沪${letters[mobileSeq % 24]}${String(n % 100000).padStart(5, '0')}` };
}
