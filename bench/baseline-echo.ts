/**
 * The bench's baseline: the smallest botbuilder bot behind the same HTTP layer as
 * aftercare (bot/http/: fastify, the same body parsing and activity validation, CloudAdapter
 * in emulator mode). It echoes every message and keeps no state, so its CPU per turn is what
 * the protocol alone costs. Run: node -r tsx/cjs bench/baseline-echo.ts (PORT, HOST).
 */
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { createLogger } from '../bot/logger';
import { registerMessagesRoute } from '../bot/http/messages';
import { createHttpServer, listen } from '../bot/http/server';

async function main(): Promise<void> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  adapter.onTurnError = async (context, error) => {
    process.stderr.write(`baseline turn failed: ${error.message}\n`);
    await context.sendActivity('error').catch(() => {});
  };
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
    await next();
  });
  const logger = createLogger('error');
  const app = await createHttpServer({ logger });
  registerMessagesRoute(app, { adapter, bot, logger });
  app.get('/healthz', async () => ({ status: 'ok' }));
  const server = await listen(app, { port: Number(process.env.PORT ?? 3979), host: process.env.HOST ?? '127.0.0.1' });
  process.stdout.write(`baseline echo bot on http://127.0.0.1:${server.port}/api/messages\n`);
  const stop = () => {
    server.close(2_000).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
