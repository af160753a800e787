import { FakeDesk } from '../support/fake-desk';
import { DialogTestClient, DIALOG_NOW } from '../support/dialog-client';
import { conversationCases, type ConversationCase } from './conversation-cases';

function client(desk: FakeDesk, c: ConversationCase): DialogTestClient {
  if (c.who === 'new') return new DialogTestClient(desk);
  const locale = c.who === 'registered-en' ? 'en' : 'zh';
  const customer = desk.addCustomer({ name: '王先生', mobile: '13800001111', plate: '沪A12345', locale, identityId: 'identity-1' });
  return new DialogTestClient(desk, { customer: { id: customer.id, name: customer.name, locale } });
}

describe('conversations (dialogs over a fake desk)', () => {
  it.each(conversationCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const desk = new FakeDesk(() => DIALOG_NOW);
    const chat = client(desk, c);
    for (const b of c.bookings ?? []) {
      const customer = desk.customers[0];
      await desk.book({ customerId: customer.id, vehicleId: customer.vehicles[0].id, serviceIds: [b.service.toLowerCase()], startsAt: new Date(b.at), quotedTotalFen: 0, notes: null, channel: 'wechat' });
    }
    const transcript: string[] = [];
    for (const turn of c.turns) {
      const reply = await chat.say(turn.say);
      transcript.push(`> ${turn.say}\n${reply}`);
      const fail = (what: string) => {
        throw new Error(`${what} after "${turn.say}"\n--- transcript ---\n${transcript.join('\n')}`);
      };
      if (turn.reply !== undefined && reply !== turn.reply) fail(`expected exactly:\n${turn.reply}\n`);
      for (const p of turn.has ?? []) if (typeof p === 'string' ? !reply.includes(p) : !p.test(reply)) fail(`expected ${String(p)}`);
      for (const p of turn.hasNot ?? []) if (typeof p === 'string' ? reply.includes(p) : p.test(reply)) fail(`unexpected ${String(p)}`);
      expect(reply.length).toBeGreaterThan(0);
    }
    c.after?.(desk);
  });

  it('a card pressed for a question that is no longer pending is refused, and the current one asked again', async () => {
    const desk = new FakeDesk(() => DIALOG_NOW);
    const chat = client(desk, { name: '', who: 'registered', turns: [] });
    await chat.say('预约');
    const reply = await chat.say('', { questionId: 'booking.service#999', optionId: 'pm-regular' });
    expect(reply).toContain('这个选项已经过期了');
    expect(reply).toContain('请问您要做什么项目');
  });

  it('a card pressed for the pending question answers it', async () => {
    const desk = new FakeDesk(() => DIALOG_NOW);
    const chat = client(desk, { name: '', who: 'registered', turns: [] });
    await chat.say('明天上午10点');
    const frame = chat.state!.stack.at(-1)!;
    const reply = await chat.say('', { questionId: `${frame.flow}.${frame.waiting}#${frame.asked}`, optionId: 'pm-regular' });
    expect(reply).toContain('请确认预约：11月28日（周六）10:00，沪A12345，常规保养');
  });

  it('the stored conversation holds ids and plain values only', async () => {
    const desk = new FakeDesk(() => DIALOG_NOW);
    const chat = client(desk, { name: '', who: 'registered', turns: [] });
    await chat.say('明天上午10点做保养');
    const json = JSON.stringify(chat.state);
    expect(json).not.toContain('请确认预约');
    expect(JSON.parse(json)).toEqual(chat.state);
    expect(json.length).toBeLessThan(2000);
  });
});
