import { CardFactory, MessageFactory } from 'botbuilder';
import {
  ActionMemory,
  activityToText,
  cardToText,
  formatActions,
  guessLocale,
  heroCardToText,
  inboundForAction,
  matchActionReply,
  plainMarkdown,
  type TextAction,
} from '../bot/card-text';

describe('cardToText', () => {
  const approval = {
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      { type: 'TextBlock', text: '**追加项目**：更换刹车片', wrap: true },
      { type: 'FactSet', facts: [{ title: '费用：', value: '¥680' }, { title: '工时', value: '1 小时' }] },
      { type: 'TextBlock', text: 'hidden', isVisible: false },
    ],
    actions: [
      { type: 'Action.Submit', title: '同意', data: { decision: 'approve' } },
      { type: 'Action.Submit', title: '拒绝', data: { decision: 'reject' } },
    ],
  };

  test('TextBlocks and facts become lines, Submit buttons a numbered reply line', () => {
    expect(cardToText(approval, 'zh-CN')).toEqual({
      text: '追加项目：更换刹车片\n费用: ¥680\n工时: 1 小时\n回复 1 同意 / 2 拒绝',
      actions: [
        { title: '同意', data: { decision: 'approve' } },
        { title: '拒绝', data: { decision: 'reject' } },
      ],
    });
  });

  test('English wording, and numbering that continues from an earlier card', () => {
    expect(cardToText(approval, 'en-US', { firstNumber: 3 }).text.split('\n').at(-1)).toBe('Reply 3 for 同意 / 4 for 拒绝');
  });

  test('many or long titles become a numbered list with a hint', () => {
    const card = {
      type: 'AdaptiveCard',
      body: [],
      actions: ['a', 'b', 'c', 'd'].map((t) => ({ type: 'Action.Submit', title: `选项 ${t}`, data: { t } })),
    };
    expect(cardToText(card, 'zh-CN').text).toBe('1. 选项 a\n2. 选项 b\n3. 选项 c\n4. 选项 d\n请回复序号（1–4）');
    expect(formatActions([{ title: 'A rather long button title here', data: {} }], 'en')).toBe('1. A rather long button title here\nReply with a number (1–1)');
  });

  test('containers, columns, tables, action sets, links, show-cards and inputs', () => {
    const card = {
      type: 'AdaptiveCard',
      body: [
        { type: 'Container', items: [{ type: 'TextBlock', text: '车辆：沪A12345' }] },
        {
          type: 'ColumnSet',
          columns: [
            { type: 'Column', items: [{ type: 'TextBlock', text: '左' }] },
            { type: 'Column', items: [{ type: 'TextBlock', text: '右' }] },
          ],
        },
        {
          type: 'Table',
          rows: [{ type: 'TableRow', cells: [{ type: 'TableCell', items: [{ type: 'TextBlock', text: '机油' }] }, { type: 'TableCell', items: [{ type: 'TextBlock', text: '¥300' }] }] }],
        },
        { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: '详见 ' }, '[报价单](https://example.com/q/1)'] },
        { type: 'Image', url: 'https://example.com/x.png', altText: '照片' },
        { type: 'Input.Text', id: 'note', label: '备注' },
        { type: 'ActionSet', actions: [{ type: 'Action.Execute', title: '确认', verb: 'confirm', data: { id: 1 } }] },
      ],
      actions: [
        { type: 'Action.OpenUrl', title: '查看报价', url: 'https://example.com/q/1' },
        { type: 'Action.ShowCard', title: '更多', card: { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: '详情' }], actions: [{ type: 'Action.Execute', verb: 'later' }] } },
        { type: 'Action.ToggleVisibility', title: 'toggle' },
      ],
    };
    const { text, actions } = cardToText(card, 'zh-CN');
    expect(text).toBe(
      [
        '车辆：沪A12345',
        '左',
        '右',
        '机油 | ¥300',
        '详见 报价单 (https://example.com/q/1)',
        '[照片]',
        '备注',
        '更多',
        '详情',
        '查看报价: https://example.com/q/1',
        '回复 1 确认 / 2 later',
      ].join('\n'),
    );
    expect(actions).toEqual([
      { title: '确认', data: { id: 1 }, verb: 'confirm' },
      { title: 'later', data: { verb: 'later' }, verb: 'later' },
    ]);
  });

  test('Submit data forms mirror Teams: string data and msteams imBack/messageBack send text', () => {
    const card = {
      type: 'AdaptiveCard',
      actions: [
        { type: 'Action.Submit', title: 'A', data: 'plain text' },
        { type: 'Action.Submit', title: 'B', data: { msteams: { type: 'imBack', value: 'yes please' } } },
        { type: 'Action.Submit', title: 'C', data: { msteams: { type: 'messageBack', text: 'cancel', displayText: 'Cancel', value: { op: 'cancel' } } } },
        { type: 'Action.Submit', title: 'D' },
      ],
    };
    const { actions } = cardToText(card, 'en');
    expect(actions.map(inboundForAction)).toEqual([
      { text: 'plain text' },
      { text: 'yes please' },
      { text: 'cancel', value: { op: 'cancel' } },
      { text: '', value: {} },
    ]);
  });

  test('non-objects render as nothing', () => {
    expect(cardToText(undefined)).toEqual({ text: '', actions: [] });
    expect(cardToText('nope')).toEqual({ text: '', actions: [] });
  });
});

describe('hero cards, attachments and whole activities', () => {
  test('hero card buttons become numbered actions', () => {
    const hero = CardFactory.heroCard('保养套餐', '基础保养 ¥399', undefined, [
      { type: 'imBack', title: '预约', value: '预约保养' },
      { type: 'postBack', title: '详情', value: { show: 'details' } },
      { type: 'openUrl', title: '官网', value: 'https://example.com' },
    ]);
    const { text, actions } = heroCardToText(hero.content, 'zh-CN');
    expect(text).toBe('保养套餐\n基础保养 ¥399\n官网: https://example.com\n回复 1 预约 / 2 详情');
    expect(actions.map(inboundForAction)).toEqual([{ text: '预约保养' }, { text: '', value: { show: 'details' } }]);
  });

  test('activity text, card and suggested actions share one number space', () => {
    const activity = MessageFactory.suggestedActions(['改期'], '请确认预约');
    activity.attachments = [
      CardFactory.adaptiveCard({ type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: '明天 10:00' }], actions: [{ type: 'Action.Submit', title: '确认', data: { ok: true } }] }),
    ];
    const { text, actions } = activityToText(activity, 'zh-CN');
    expect(text).toBe('请确认预约\n明天 10:00\n回复 1 确认 / 2 改期');
    expect(actions.map(inboundForAction)).toEqual([{ text: '', value: { ok: true } }, { text: '改期' }]);
  });

  test('a serialised card, a file attachment and markdown text', () => {
    const activity = {
      type: 'message',
      text: '请看**报价**',
      attachments: [
        { contentType: 'application/vnd.microsoft.card.adaptive', content: JSON.stringify({ type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: '合计 ¥980' }] }) },
        { contentType: 'application/pdf', contentUrl: 'https://example.com/q.pdf', name: '报价单.pdf' },
      ],
    };
    expect(activityToText(activity, 'zh-CN')).toEqual({ text: '请看报价\n合计 ¥980\n报价单.pdf: https://example.com/q.pdf', actions: [] });
  });

  test('plainMarkdown keeps ordinary text intact', () => {
    expect(plainMarkdown('车牌 沪A_123 的 5 * 3 保养, snake_case_name')).toBe('车牌 沪A_123 的 5 * 3 保养, snake_case_name');
    expect(plainMarkdown('**重要** _注意_ *提示* [链接](https://a.b)')).toBe('重要 注意 提示 链接 (https://a.b)');
  });
});

describe('numbered replies', () => {
  const actions: TextAction[] = [
    { title: '同意', data: { d: 1 } },
    { title: 'Reject', data: { d: 2 } },
  ];

  test.each([
    ['1', 0],
    [' 2 ', 1],
    ['１', 0],
    ['二', 1],
    ['选1', 0],
    ['2.', 1],
    ['第2个', 1],
    ['同意', 0],
    ['reject', 1],
    ['3', null],
    ['0', null],
    ['同意吗', null],
    ['', null],
  ])('%j → %p', (reply, expected) => {
    expect(matchActionReply(reply, actions)).toBe(expected);
  });

  test('ActionMemory: numbers belong to the latest turn that showed buttons', () => {
    const memory = new ActionMemory();
    expect(memory.resolve('c', '1')).toBeNull();
    // Turn 1 sends two cards: numbering continues across them.
    expect(memory.nextNumber('c', 1)).toBe(1);
    memory.record('c', 1, actions, 'card-a');
    expect(memory.nextNumber('c', 1)).toBe(3);
    memory.record('c', 1, [{ title: 'Later', data: { d: 3 } }], 'card-b');
    memory.endTurn('c', 1, 2);
    expect(memory.resolve('c', '3')).toMatchObject({ text: '', value: { d: 3 }, replyToId: 'card-b' });
    expect(memory.resolve('c', '1')).toMatchObject({ value: { d: 1 }, replyToId: 'card-a' });
    expect(memory.resolve('other', '1')).toBeNull();
    // A turn that sends nothing keeps the buttons; one that answers without buttons retires them.
    memory.endTurn('c', 2, 0);
    expect(memory.resolve('c', '1')).not.toBeNull();
    expect(memory.nextNumber('c', 3)).toBe(1);
    memory.endTurn('c', 3, 1);
    expect(memory.resolve('c', '1')).toBeNull();
    // A new turn with buttons replaces the old ones.
    memory.record('c', 4, actions, 'x');
    memory.record('c', 5, [{ title: 'Only', data: 'o' }], 'y');
    expect(memory.resolve('c', '2')).toBeNull();
    memory.clear('c');
    expect(memory.resolve('c', '1')).toBeNull();
  });
});

test('guessLocale', () => {
  expect(guessLocale('Can I book an oil change?')).toBe('en');
  expect(guessLocale('我想换机油')).toBe('zh-CN');
  expect(guessLocale('2')).toBeNull();
});
