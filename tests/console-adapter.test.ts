import { PassThrough } from 'node:stream';
import { ActivityHandler, CardFactory, MessageFactory, TurnContext, type Activity } from 'botbuilder';
import { ConsoleAdapter } from '../bot/channels/console/adapter';

function streams() {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = '';
  output.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
  return { input, output, written: () => written };
}

const approvalCard = {
  type: 'AdaptiveCard',
  version: '1.4',
  body: [{ type: 'TextBlock', text: 'Replace the brake pads?' }, { type: 'FactSet', facts: [{ title: 'Cost', value: '¥680' }] }],
  actions: [
    { type: 'Action.Submit', title: 'Approve', data: { decision: 'approve' } },
    { type: 'Action.Submit', title: 'Decline', data: { decision: 'decline' } },
  ],
};

class TestBot extends ActivityHandler {
  readonly received: Partial<Activity>[] = [];
  constructor() {
    super();
    this.onMessage(async (ctx, next) => {
      this.received.push(ctx.activity);
      const text = ctx.activity.text ?? '';
      if (ctx.activity.value !== undefined) await ctx.sendActivity(`value:${JSON.stringify(ctx.activity.value)}`);
      else if (text === 'card') await ctx.sendActivity({ attachments: [CardFactory.adaptiveCard(approvalCard)] });
      else if (text === 'pick') await ctx.sendActivity(MessageFactory.suggestedActions(['Oil change', 'Tyres'], 'What do you need?'));
      else if (text.startsWith('slow')) {
        await new Promise((r) => setTimeout(r, 30 - Number(text.slice(4)) * 5));
        await ctx.sendActivity(`done ${text}`);
      } else if (text === 'boom') throw new Error('boom');
      else await ctx.sendActivity(`echo: ${text}`);
      await next();
    });
  }
}

describe('ConsoleAdapter', () => {
  test('each line is a turn; replies go to the output; input end resolves listen', async () => {
    const s = streams();
    const adapter = new ConsoleAdapter({ input: s.input, output: s.output, userId: 'u1', userName: 'Tester', conversationId: 'c1' });
    const bot = new TestBot();
    const done = adapter.listen((ctx) => bot.run(ctx));
    s.input.end('你好\n\nhello there\n');
    await done;
    expect(s.written()).toBe('echo: 你好\necho: hello there\n');
    expect(bot.received[0]).toMatchObject({
      type: 'message',
      channelId: 'console',
      text: '你好',
      locale: 'zh-CN',
      from: { id: 'u1', name: 'Tester' },
      conversation: { id: 'c1' },
    });
    // The adapter reports its configured locale; the dialogs decide the answer language.
    expect(bot.received[1].locale).toBe('zh-CN');
  });

  test('turns are processed strictly in order, even when earlier ones are slower', async () => {
    const s = streams();
    const adapter = new ConsoleAdapter({ input: s.input, output: s.output });
    const bot = new TestBot();
    const done = adapter.listen((ctx) => bot.run(ctx));
    s.input.end('slow1\nslow2\nslow3\nslow4\n');
    await done;
    expect(s.written()).toBe('done slow1\ndone slow2\ndone slow3\ndone slow4\n');
  });

  test('"/quit" resolves listen without waiting for the input to end', async () => {
    const s = streams();
    const adapter = new ConsoleAdapter({ input: s.input, output: s.output });
    const bot = new TestBot();
    const done = adapter.listen((ctx) => bot.run(ctx));
    s.input.write('one\n/quit\ntwo\n');
    await done;
    expect(s.written()).toBe('echo: one\n');
    expect(bot.received).toHaveLength(1);
  });

  test('a question rendered for the console is numbered text; "1" reaches the bot as text', async () => {
    const s = streams();
    const adapter = new ConsoleAdapter({ input: s.input, output: s.output });
    const bot = new TestBot();
    const done = adapter.listen((ctx) => bot.run(ctx));
    s.input.end('card\n1\n');
    await done;
    // A Teams card sent to the console anyway shows its text blocks, never nothing.
    expect(s.written()).toBe(['Replace the brake pads?', 'echo: 1', ''].join('\n'));
    expect(bot.received[1]).toMatchObject({ text: '1' });
    expect(bot.received[1].value).toBeUndefined();
  });

  test('proactive continueConversation writes to the same output', async () => {
    const s = streams();
    const adapter = new ConsoleAdapter({ input: s.input, output: s.output, conversationId: 'c9' });
    const bot = new TestBot();
    let reference: ReturnType<typeof TurnContext.getConversationReference> | undefined;
    const done = adapter.listen(async (ctx) => {
      reference = TurnContext.getConversationReference(ctx.activity);
      await bot.run(ctx);
    });
    s.input.write('hi\n');
    await new Promise((r) => setTimeout(r, 50));
    await adapter.continueConversationAsync('', reference!, async (ctx) => {
      expect(ctx.activity.conversation.id).toBe('c9');
      await ctx.sendActivity('Your car is ready.');
    });
    s.input.end();
    await done;
    expect(s.written()).toBe('echo: hi\nYour car is ready.\n');
  });

  test('a failing turn without onTurnError rejects listen; with onTurnError it carries on', async () => {
    const s = streams();
    const adapter = new ConsoleAdapter({ input: s.input, output: s.output });
    const bot = new TestBot();
    const failed = adapter.listen((ctx) => bot.run(ctx));
    s.input.end('boom\n');
    await expect(failed).rejects.toThrow('boom');

    const s2 = streams();
    const adapter2 = new ConsoleAdapter({ input: s2.input, output: s2.output });
    adapter2.onTurnError = async (ctx, error) => void (await ctx.sendActivity(`error: ${error.message}`));
    const done = adapter2.listen((ctx) => bot.run(ctx));
    s2.input.end('boom\nok\n');
    await done;
    expect(s2.written()).toBe('error: boom\necho: ok\n');
  });

  test('a prompt is written before each line when configured', async () => {
    const s = streams();
    const adapter = new ConsoleAdapter({ input: s.input, output: s.output, prompt: '> ' });
    const bot = new TestBot();
    const done = adapter.listen((ctx) => bot.run(ctx));
    s.input.end('a\n');
    await done;
    expect(s.written()).toBe('> echo: a\n> ');
  });
});
