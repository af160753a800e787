import { Conversation, useBot } from './support/conversation';
import { FROZEN_NOW } from './support/app';

/** 建档 on first contact: each bad input gets its specific re-prompt and nothing is saved. */
describe('registration dialog', () => {
  const h = useBot(() => FROZEN_NOW);

  /** Walks a new customer to the given prompt. */
  async function at(prompt: 'mobile' | 'name' | 'plate' | 'vin' | 'mileage') {
    const c = new Conversation(h.bot);
    await c.say('预约保养');
    if (prompt === 'mobile') return c;
    await c.say('13700000001'.replace(/1$/, String(Math.floor(Math.random() * 9))).slice(0, 11));
    if (prompt === 'name') return c;
    await c.say('赵六');
    if (prompt === 'plate') return c;
    await c.say(`苏E${String(Math.floor(Math.random() * 90000) + 10000)}`);
    if (prompt === 'vin') return c;
    await c.say('跳过');
    return c;
  }

  it.each([
    ['mobile', '12345', '手机号应为 1 开头的 11 位数字'],
    ['mobile', '我没有手机', '没有找到手机号'],
    ['mobile', '1381234567890', '手机号应为 1 开头的 11 位数字'],
    ['mobile', '多少钱？', '常规保养费用估算'],
    ['name', '12345', '姓名不能包含数字'],
    // A price question is answered (the job being booked), and the name asked again.
    ['name', '多少钱？', '常规保养费用估算'],
    ['name', '要等多久?', '姓名不能包含数字或特殊符号'],
    ['name', '王'.repeat(50), '姓名太长'],
    ['plate', 'A12345', '车牌需要包含省份简称'],
    ['plate', '沪A1234', '车牌格式不正确'],
    ['plate', '随便', '没有识别到车牌号'],
    ['vin', 'LSVAU218', '车架号应为 17 位'],
    ['vin', 'LSVAU218XN218329I', '不含字母 I、O、Q'],
    ['vin', 'LSVAU2180N2183294', '校验位不对'],
    ['mileage', '很多', '请输入里程数字'],
    ['mileage', '9999999', '里程数看起来不对'],
  ] as const)('at the %s prompt, "%s" gets "%s"', async (prompt, input, message) => {
    const c = await at(prompt);
    const customersBefore = await h.db.prisma.customer.count();
    expect(await c.say(input)).toContain(message);
    expect(await h.db.prisma.customer.count()).toBe(customersBefore);
  });

  it('accepts formats customers actually type', async () => {
    const c = new Conversation(h.bot);
    await c.say('预约保养');
    expect(await c.say('+86 139-0000-1234')).toContain('怎么称呼');
    expect(await c.say('我叫钱七')).toContain('车牌');
    expect(await c.say('浙a·12345')).toContain('车架号');
    expect(await c.say('lsvau218xn2183294')).toContain('里程');
    expect(await c.say('1.5万')).toContain('建档完成，钱七');
    const customer = await h.db.prisma.customer.findFirstOrThrow({ where: { mobile: '13900001234' }, include: { vehicles: true } });
    expect(customer.vehicles[0]).toMatchObject({ plate: '浙A12345', vin: 'LSVAU218XN2183294', mileageKm: 15000 });
    expect(customer.advisorId).not.toBeNull();
  });

  it('stays in English when an English speaker types a Chinese plate', async () => {
    const c = new Conversation(h.bot);
    expect(await c.say('I want to book a service')).toContain('Please enter your mobile number');
    expect(await c.say('13900005555')).toContain('What is your name?');
    expect(await c.say('John Smith')).toContain('licence plate');
    expect(await c.say('沪B12345')).toContain('Please enter the 17-character VIN');
    expect(await c.say('skip')).toContain('kilometres');
    expect(await c.say('45000 km')).toContain('You are registered, John Smith');
  });

  it('accepts an 8-character new-energy plate', async () => {
    const c = await at('plate');
    expect(await c.say('粤BD12345')).toContain('车架号');
  });

  it('after three failed tries raises an advisor task instead of looping', async () => {
    const c = await at('mobile');
    await c.say('abc');
    await c.say('123');
    const answer = await c.say('不告诉你');
    expect(answer).toMatch(/已请服务顾问在 .+ 前联系您完成登记/);
    const task = await h.db.prisma.advisorTask.findFirstOrThrow({ where: { kind: 'REGISTRATION_HELP' }, orderBy: { createdAt: 'desc' } });
    expect(task.status).toBe('OPEN');
    expect(task.advisorId).not.toBeNull();
    // The next message starts afresh rather than looping on the same question.
    expect(await c.say('你好')).toContain('请问需要什么帮助');
  });

  it('links a second chat account only with the code sent to the first, and tells the owner', async () => {
    const first = new Conversation(h.bot);
    await first.say('预约保养');
    await first.say('13611112222');
    await first.say('孙八');
    await first.say('京N88888');
    await first.say('跳过');
    expect(await first.say('跳过')).toContain('建档完成');
    const firstIdentity = await h.db.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: first.userId } });

    // Knowing the number and the plate is not enough: the prompt does not say the number is on file either.
    const intruder = new Conversation(h.bot);
    await intruder.say('我的预约');
    const asked = await intruder.say('13611112222');
    expect(asked).toContain('验证码');
    expect(asked).not.toContain('已有档案');
    const code = /【验证码】(\d{6})/.exec(h.notices.filter((n) => n.identityId === firstIdentity.id).at(-1)!.text)![1];
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await intruder.say('京N88888')).toMatch(/6 位数字/);
    for (let i = 0; i < 4; i++) expect(await intruder.say(wrong)).toContain('验证码不对');
    expect(await intruder.say(wrong)).toContain('暂停验证 1 小时');
    // Locked out: even the right code does nothing now.
    await intruder.say('我的预约');
    expect(await intruder.say('13611112222')).toContain('暂停验证');
    const intruderIdentity = await h.db.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: intruder.userId } });
    expect(intruderIdentity.customerId).toBeNull();
    expect(await h.db.prisma.auditEvent.count({ where: { action: 'identity.link-locked', entityId: intruderIdentity.id } })).toBe(1);

    const owner = new Conversation(h.bot, 'wechat');
    await owner.say('我的预约');
    await owner.say('13611112222');
    const ownerCode = /【验证码】(\d{6})/.exec(h.notices.filter((n) => n.identityId === firstIdentity.id).at(-1)!.text)![1];
    const noticesBefore = h.notices.length;
    expect(await owner.say(ownerCode)).toContain('欢迎回来，孙八');
    const ownerIdentity = await h.db.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: owner.userId } });
    expect(ownerIdentity.customerId).toBe(firstIdentity.customerId);
    // The first account is told about the new link.
    expect(h.notices.slice(noticesBefore).some((n) => n.identityId === firstIdentity.id && n.text.includes('关联了一个新的微信账号'))).toBe(true);
  });

  it('a profile with no chat account to send a code to is checked by an advisor', async () => {
    const shop = await h.db.prisma.shop.findFirstOrThrow();
    await h.db.prisma.customer.create({ data: { shopId: shop.id, name: '郑九', mobile: '13755556666' } });
    const c = new Conversation(h.bot);
    await c.say('我的预约');
    expect(await c.say('13755556666')).toContain('服务顾问会打电话给档案上的号码核实');
    const task = await h.db.prisma.advisorTask.findFirstOrThrow({ where: { kind: 'REGISTRATION_HELP', customer: { mobile: '13755556666' } } });
    expect(task.title).toContain('137****6666');
  });

  it('a plate registered to someone else is refused without saying whose', async () => {
    const c = await at('plate');
    const answer = await c.say('京N88888');
    expect(answer).toContain('已登记在其他客户名下');
    expect(answer).not.toContain('孙八');
  });

  it('cancel at any registration prompt saves nothing', async () => {
    for (const prompt of ['mobile', 'name', 'plate', 'vin', 'mileage'] as const) {
      const c = await at(prompt);
      const before = await h.db.prisma.customer.count();
      expect(await c.say('取消')).toContain('已退出当前操作');
      expect(await h.db.prisma.customer.count()).toBe(before);
    }
  });
});
