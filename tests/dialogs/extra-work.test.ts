import { FakeDesk } from '../support/fake-desk';
import { DialogTestClient, DIALOG_NOW } from '../support/dialog-client';
import type { PendingApprovalView, RepairOrderSummary } from '../../services/desk/types';

/** 追加作业 in chat over a fake desk: numbered text on WeChat, one card with per-line buttons on Teams. */

function setUp(channel = 'wechat', locale: 'zh' | 'en' = 'zh') {
  const desk = new FakeDesk(() => DIALOG_NOW);
  const c = desk.addCustomer({ name: '王先生', mobile: '13800001111', plate: '沪A12345', locale, identityId: 'identity-1' });
  const advisor = { id: 'adv1', name: '张敏' };
  const item = (n: number, id: string, zh: string, en: string, urgency: 'RED' | 'YELLOW' | 'GREEN', reason: string, totalFen: number) => ({
    itemId: id,
    position: n,
    title: { zh, en },
    urgency,
    reason,
    photoUrls: n === 1 ? ['https://shop.example/p/brake.jpg'] : [],
    lines: [],
    subtotalFen: totalFen,
    taxFen: 0,
    totalFen,
    hash: `h${n}`,
    status: 'PENDING' as const,
  });
  const view: PendingApprovalView = {
    requestId: 'req1',
    repairOrderId: 'ro1',
    number: 'RO-20261127-0001',
    plate: '沪A12345',
    advisor,
    version: 1,
    versionHash: 'v1hash',
    shownAt: DIALOG_NOW,
    expiresAt: new Date('2026-11-27T04:00:00Z'),
    items: [
      item(1, 'i1', '更换前刹车片', 'Front brake pads', 'RED', '前刹车片剩余2mm，建议更换', 98_310),
      item(2, 'i2', '更换雨刮片', 'Wiper blades', 'YELLOW', '雨刮片老化，刮不干净', 24_498),
      item(3, 'i3', '更换空调滤芯', 'Cabin air filter', 'GREEN', '滤芯有些脏', 17_854),
    ],
    totalFen: 140_662,
    pendingTotalFen: 140_662,
    difference: null,
  };
  desk.approvals.push(view);
  const order: RepairOrderSummary = {
    id: 'ro1',
    number: view.number,
    status: 'AWAITING_APPROVAL',
    plate: '沪A12345',
    vehicleId: c.vehicles[0].id,
    vehicleModel: null,
    advisor,
    concern: '保养',
    checkedInAt: DIALOG_NOW,
    promisedAt: new Date('2026-11-27T09:00:00Z'),
    promises: [],
    readyAt: null,
    deliveredAt: null,
    totalFen: 122_831,
    waiting: { decisions: 3, decisionsTotalFen: 140_662, pickUp: false },
  };
  desk.orders.push(order);
  const chat = new DialogTestClient(desk, { customer: { id: c.id, name: c.name, locale }, channel });
  return { desk, chat, view };
}

describe('extra work approval in chat', () => {
  it('WeChat: the status question shows the work; one by one, approve, later, decline', async () => {
    const { desk, chat } = setUp();
    const shown = await chat.say('我的车修好了没');
    expect(shown).toContain('沪A12345（维修单 RO-20261127-0001）：等待您确认追加项目，预计 11月27日（周五）17:00 完成，服务顾问 张敏。');
    expect(shown).toContain('1. 更换前刹车片（🔴 安全相关，建议马上做）：前刹车片剩余2mm，建议更换，¥983.10 照片：https://shop.example/p/brake.jpg');
    expect(shown).toContain('以上 3 项共 ¥1,406.62（含税），每项可以单独决定。\n1. 同意全部\n2. 逐项选择\n3. 稍后再说\n请回复数字选择。');
    expect(await chat.say('2')).toContain('第 1 项，共 3 项：\n1. 更换前刹车片');
    expect(await chat.say('1')).toContain('已记录：更换前刹车片 —— 同意（¥983.10）。');
    expect(await chat.say('下次')).toContain('已记录：更换雨刮片 —— 下次再做（¥244.98）。');
    const last = await chat.say('不做');
    expect(last).toContain('已记录：更换空调滤芯 —— 不做（¥178.54）。');
    expect(last).toContain('谢谢，都确认好了：同意 1 项（¥983.10），下次再做 1 项，不做 1 项。服务顾问张敏已收到');
    expect(desk.decisions.map((d) => [d.itemId, d.decision, d.versionHash])).toEqual([
      ['i1', 'APPROVED', 'v1hash'],
      ['i2', 'DEFERRED', 'v1hash'],
      ['i3', 'DECLINED', 'v1hash'],
    ]);
    // The advisor heard each decision at once.
    expect(desk.advisorNotices).toHaveLength(3);
    expect(desk.advisorNotices[0]).toContain('【客户确认】维修单 RO-20261127-0001');
  });

  it('"都做吧" at the top is confirmed first, then all are approved on the version shown', async () => {
    const { desk, chat } = setUp();
    const asked = await chat.say('都做吧');
    expect(asked).toContain('确认以上全部同意吗？');
    expect(await chat.say('好的谢谢')).toContain('同意 3 项（¥1,406.62）');
    expect(desk.decisions.every((d) => d.decision === 'APPROVED')).toBe(true);
  });

  it('"稍后再说" records nothing and says when the advisor will call', async () => {
    const { desk, chat } = setUp();
    await chat.say('追加项目');
    expect(await chat.say('3')).toContain('11月27日（周五）12:00 前还没确认的话，服务顾问会打电话和您确认');
    expect(desk.decisions).toHaveLength(0);
  });

  it('Teams: one card, three buttons per line and approve-all; a press per line', async () => {
    const { desk, chat } = setUp('msteams', 'en');
    await chat.say('extra work');
    expect(chat.lastChoice!.options.filter((o) => o.group)).toHaveLength(9);
    expect(chat.lastChoice!.options.filter((o) => !o.group).map((o) => o.label)).toEqual(['Approve all', 'Decide later']);
    expect(await chat.press('✔ Approve', 'Front brake pads')).toContain('Recorded: Front brake pads — approved (¥983.10).');
    // The card that follows lists only the lines still waiting.
    expect(chat.lastChoice!.options.filter((o) => o.group)).toHaveLength(6);
    expect(await chat.press('Approve all')).toContain('Thank you, all decided: 3 approved');
    expect(desk.decisions).toHaveLength(3);
  });

  it('a price changed since it was shown is refused and shown again with the difference', async () => {
    const { desk, chat, view } = setUp();
    await chat.say('追加项目');
    await chat.say('2');
    // The advisor revises the brake pads meanwhile: a new version with a new hash.
    view.versionHash = 'v2hash';
    view.version = 2;
    view.items[0].totalFen = 110_000;
    view.difference = { fromVersion: 1, toVersion: 2, deltaFen: 11_690, items: [{ itemId: 'i1', title: view.items[0].title, change: 'changed', beforeTotalFen: 98_310, afterTotalFen: 110_000, deltaFen: 11_690, lines: [] }] };
    const reply = await chat.say('1');
    expect(reply).toContain('追加项目有更新');
    expect(reply).toContain('· 更换前刹车片：¥983.10 → ¥1,100.00');
    expect(desk.decisions).toHaveLength(0);
    expect(await chat.say('1')).toContain('已记录：更换前刹车片 —— 同意（¥1,100.00）');
    expect(desk.decisions[0].versionHash).toBe('v2hash');
  });

  it('with nothing waiting, approve words say so', async () => {
    const { desk, chat } = setUp();
    desk.approvals.length = 0;
    expect(await chat.say('同意')).toBe('目前没有需要您确认的维修项目。');
  });
});

describe('work put off last time', () => {
  it('is offered with the next booking, once', async () => {
    const { desk, chat } = setUp();
    desk.recommendations.push({ itemId: 'i9', title: { zh: '更换前刹车片', en: 'Front brake pads' }, catalogItemId: 'brake-pad-f', urgency: 'YELLOW', reason: '剩余4mm', decision: 'DEFERRED', decidedAt: DIALOG_NOW, priceFen: 98_310, repairOrderNumber: 'RO-20261020-0003' });
    expect(await chat.say('下周一上午10点做常规保养')).toContain('上次（维修单 RO-20261020-0003）建议的更换前刹车片还没做，要这次一起做吗？');
    const readBack = await chat.say('一起做');
    expect(readBack).toContain('请确认预约：11月30日（周一）10:00，沪A12345，常规保养、更换前刹车片');
    expect(await chat.say('确认')).toContain('预约成功');
    expect(desk.bookings[0].services.map((s) => s.code).sort()).toEqual(['BRAKE-PAD-F', 'PM-REGULAR']);
  });
});
