/**
 * The bench's baseline: the smallest botbuilder bot behind the same HTTP layer as
 * aftercare (bot/http-server.ts, the same activity validation, CloudAdapter in emulator
 * mode). It echoes every message and keeps no state, so its CPU per turn is what the
 * protocol alone costs. Run: node -r tsx/cjs bench/baseline-echo.ts (PORT, HOST).
 */
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import { botResponse, HttpError, inboundActivitySchema, readJson, sendJson, startHttpServer } from '../bot/http-server';

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
  const server = await startHttpServer(
    [
      {
        method: 'POST',
        path: '/api/messages',
        handler: async (req, res) => {
          const body = await readJson(req);
          const parsed = inboundActivitySchema.safeParse(body);
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            throw new HttpError(400, `invalid activity: ${issue.path.join('.') || 'body'} ${issue.message}`);
          }
          await adapter.process({ body: parsed.data as unknown as Activity, headers: req.headers, method: req.method } as never, botResponse(res) as never, (context) => bot.run(context));
        },
      },
      { method: 'GET', path: '/healthz', handler: async (_req, res) => sendJson(res, 200, { status: 'ok' }) },
    ],
    { port: Number(process.env.PORT ?? 3979), host: process.env.HOST ?? '127.0.0.1' },
  );
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
