import { FakeDesk } from './support/fake-desk';
import { DialogTestClient, DIALOG_NOW, withCustomer } from './support/dialog-client';
test('try', async () => {
  const out: string[] = [];
  for (const script of process.env.SCRIPTS!.split('||')) {
    const desk = new FakeDesk(() => DIALOG_NOW);
    const [mode, ...says] = script.split('|');
    const c = mode === 'new' ? new DialogTestClient(desk) : withCustomer(desk, { locale: mode === 'en' ? 'en' : 'zh' });
    out.push(`==== ${mode}`);
    for (const say of says) out.push(`> ${say}\n${await c.say(say)}`);
  }
  console.log(out.join('\n'));
});
