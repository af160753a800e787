import crypto from 'node:crypto';
import { TestAdapter, type Activity } from 'botbuilder';
import { AftercareBot } from '../../bot/aftercare-bot';
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

/** Proactive messages the bot sent (link codes, owner notices, advisor pushes), by identity id. */
export type SentNotices = Array<{ identityId: string; text: string }>;

export function createBot(
  db: TestDatabase,
  now: () => Date,
  shop: { id: string; name: string; nameEn: string | null; timeZone: string; bookingHorizonDays: number },
  notices?: SentNotices,
): AftercareBot {
  return new AftercareBot({
    prisma: db.prisma,
    sql: db.raw,
    shop,
    logger: createLogger('silent'),
    now,
    notify: notices ? async (identityId, text) => void notices.push({ identityId, text }) : undefined,
  });
}

let mobileSeq = 0;
/** A fresh, valid mobile number and plate per simulated customer. */
export function freshCustomer(): { mobile: string; plate: string } {
  mobileSeq++;
  const n = (process.pid * 1000 + mobileSeq) % 100_000_000;
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  return { mobile: `139${String(n).padStart(8, '0')}`, plate: `沪${letters[mobileSeq % 24]}${String(n % 100000).padStart(5, '0')}` };
}

/**
 * A seeded database and the bot over it for one test file, with the frozen clock:
 * `const h = useBot(now)` in a describe block, then `h.db` / `h.bot` inside tests.
 */
export function useBot(now: () => Date): { db: TestDatabase; bot: AftercareBot; notices: SentNotices } {
  const harness = { notices: [] } as unknown as { db: TestDatabase; bot: AftercareBot; notices: SentNotices };
  beforeAll(async () => {
    const { createTestDatabase } = require('./database') as typeof import('./database');
    harness.db = await createTestDatabase();
    harness.bot = createBot(harness.db, now, await harness.db.prisma.shop.findFirstOrThrow(), harness.notices);
  });
  afterAll(async () => {
    await harness.db.close();
  });
  return harness;
}

/** A registered customer with one car, linked to the conversation's user. */
export async function registerCustomer(db: TestDatabase, conversation: Conversation, options: { locale?: 'zh' | 'en'; plate?: string; name?: string } = {}) {
  const shop = await db.prisma.shop.findFirstOrThrow();
  const fresh = freshCustomer();
  const customer = await db.prisma.customer.create({ data: { shopId: shop.id, name: options.name ?? '王先生', mobile: fresh.mobile, locale: options.locale ?? 'zh' } });
  const plate = options.plate ?? fresh.plate;
  await db.prisma.vehicle.create({ data: { shopId: shop.id, customerId: customer.id, plate } });
  await db.prisma.channelIdentity.create({ data: { channel: 'test', externalId: conversation.userId, customerId: customer.id } });
  return { customer, plate };
}
