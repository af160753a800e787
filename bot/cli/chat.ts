import { z } from 'zod';
import { loadConfig, ConfigError } from '../../services/config';
import { prepareDatabase } from '../app';
import { AftercareBot } from '../aftercare-bot';
import { createLogger } from '../logger';
import { ConsoleAdapter, CONSOLE_CHANNEL_ID } from '../channels/console/adapter';
import { t } from '../../dialogs';
import { ProactiveMessenger } from '../proactive';
import { JobRunner } from '../../services/jobs';
import { jobHandlers } from '../job-handlers';

/**
 * `aftercare chat [--as customer|advisor] [--user ID] [--now ISO]`: the same dialogs in the
 * terminal, on the configured database, so every flow can be tried with no Teams or WeChat
 * account. `--now` starts the clock at a given instant (it then runs on), so a conversation
 * can be replayed on a given day.
 */
const argsSchema = z.object({
  as: z.enum(['customer', 'advisor']).default('customer'),
  user: z.string().min(1).max(64).optional(),
  now: z
    .string()
    .refine((v) => !Number.isNaN(Date.parse(v)) && /\d{4}-\d{2}-\d{2}T/.test(v), 'must be an ISO instant such as 2026-11-27T10:00:00+08:00')
    .optional(),
});

function parseArgs(args: string[]): z.infer<typeof argsSchema> {
  const raw: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--(as|user|now)(?:=(.*))?$/.exec(args[i]);
    if (!m) throw new Error(`unknown argument "${args[i]}" (use --as customer|advisor, --user ID, --now ISO)`);
    raw[m[1]] = m[2] ?? args[++i] ?? '';
  }
  const parsed = argsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

export async function runChatCommand(args: string[], io: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  let options: z.infer<typeof argsSchema>;
  try {
    options = parseArgs(args);
  } catch (error) {
    io.stderr.write(`aftercare chat: ${(error as Error).message}\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`aftercare: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  // Logs go to a quiet level: the terminal is the conversation.
  const logger = createLogger(config.logLevel === 'debug' ? 'debug' : 'error');
  const { db, shop } = await prepareDatabase(config, logger);
  try {
    const userId = options.user ?? `${options.as}-${process.env.USER ?? 'local'}`;
    if (options.as === 'advisor') {
      const advisor = await db.prisma.advisor.findFirst({ where: { shopId: shop.id, active: true }, orderBy: { createdAt: 'asc' } });
      if (!advisor) {
        io.stderr.write('aftercare chat: this shop has no advisor to act as\n');
        return 1;
      }
      await db.prisma.channelIdentity.upsert({
        where: { channel_externalId: { channel: CONSOLE_CHANNEL_ID, externalId: userId } },
        create: { channel: CONSOLE_CHANNEL_ID, externalId: userId, advisorId: advisor.id, displayName: advisor.name },
        update: { advisorId: advisor.id, customerId: null },
      });
      io.stdout.write(`(advisor ${advisor.name}; type "任务" / "tasks", "/quit" to leave)\n`);
    } else {
      io.stdout.write(`(${shop.name}; you are a customer. Type "你好" or "hello" to start, "/quit" to leave)\n`);
    }
    const started = Date.now();
    const now = options.now ? () => new Date(Date.parse(options.now!) + (Date.now() - started)) : () => new Date();
    // Messages to other people (an advisor relaying to a customer in another terminal on the
    // same PostgreSQL) wait in OutboundMessage; this terminal delivers what is addressed to it.
    const messenger = new ProactiveMessenger(db.prisma, logger);
    const bot = new AftercareBot({
      prisma: db.prisma,
      sql: db.raw,
      shop,
      logger,
      now,
      notify: async (identityId, text) => {
        await messenger.send(identityId, text);
      },
    });
    const adapter = new ConsoleAdapter({
      input: io.stdin as NodeJS.ReadableStream & import('node:stream').Readable,
      output: io.stdout as NodeJS.WritableStream & import('node:stream').Writable,
      userId,
      userName: options.as === 'advisor' ? 'Advisor' : 'Customer',
      conversationId: `console-${userId}`,
    });
    adapter.onTurnError = async (context, error) => {
      logger.error('console turn failed', { error });
      await context.sendActivity(t('zh', 'unavailable'));
    };
    messenger.register(CONSOLE_CHANNEL_ID, async (reference, text) => {
      if (reference.user?.id !== userId) throw new Error('addressed to another terminal');
      await adapter.continueConversationAsync('', reference, async (context) => {
        await context.sendActivity(text);
      });
      return 'sent';
    });
    // Notices (check-in, extra work to decide …) are jobs: this terminal runs them too, and
    // shows what waits for its own user before the first prompt.
    const jobs = new JobRunner(db.prisma, { handlers: jobHandlers(db.prisma, messenger, { beginFlow: (id, flow, input, send) => bot.beginFlow(id, flow, input, send) }), now });
    const deliver = async () => {
      await jobs.runDue().catch((error: unknown) => logger.warn('jobs failed', { error: String(error) }));
      await messenger.flush(50, { channel: CONSOLE_CHANNEL_ID, externalIds: [userId] }).catch(() => 0);
    };
    await deliver();
    const timer = setInterval(() => void deliver(), 2_000);
    try {
      await adapter.listen((context) => bot.run(context));
    } finally {
      clearInterval(timer);
      await jobs.stop();
    }
    return 0;
  } finally {
    await db.close();
  }
}
