import { understand, detectLocale, parseChineseNumber, INTENTS } from '../services/understanding';
import { demoUnderstandingContext, DEMO_CATALOGUE } from '../services/understanding/demo-context';
import { findBookingRef } from '../services/understanding/identifiers';
import { correctWord } from '../services/understanding/spelling';
import { parseMileage } from '../services/registration';
import { UNDERSTANDING_CASES } from './fixtures/understanding-cases';
import { HELDOUT_CASES } from './fixtures/understanding-heldout';
import { evaluate, expectedLocale, runCase } from './support/understanding-check';

const NOW = new Date('2026-11-27T10:00:00+08:00');
const ctx = (extra: { fallbackLocale?: 'zh' | 'en'; previousIntent?: (typeof INTENTS)[number] } = {}) =>
  demoUnderstandingContext(NOW, 'Asia/Shanghai', extra);

describe('the intent test set', () => {
  it('has at least 400 cases in both languages, covering every intent', () => {
    expect(UNDERSTANDING_CASES.length).toBeGreaterThanOrEqual(400);
    const byLocale = new Map<string, number>();
    for (const c of UNDERSTANDING_CASES) byLocale.set(expectedLocale(c), (byLocale.get(expectedLocale(c)) ?? 0) + 1);
    expect(byLocale.get('zh')).toBeGreaterThanOrEqual(150);
    expect(byLocale.get('en')).toBeGreaterThanOrEqual(150);
    expect(new Set(UNDERSTANDING_CASES.map((c) => c.intent))).toEqual(new Set(INTENTS));
  });

  it.each(UNDERSTANDING_CASES.map((c, i) => [i, c.text, c] as const))('#%i %j', (_i, _text, c) => {
    expect(runCase(c).problems).toEqual([]);
  });
});

describe('the held-out set', () => {
  it('has at least 100 cases and is scored (its score is reported, not required)', () => {
    expect(HELDOUT_CASES.length).toBeGreaterThanOrEqual(100);
    const e = evaluate(HELDOUT_CASES);
    expect(e.overall.total).toBe(HELDOUT_CASES.length);
    expect(e.overall.passed).toBeGreaterThan(0);
  });
});

describe('understand', () => {
  it('returns every field of the request, and the rule that decided', () => {
    const r = understand('  明天上午10点给沪A12345做常规保养，电话13812345678  ', ctx());
    expect(r).toMatchObject({
      text: '明天上午10点给沪A12345做常规保养，电话13812345678',
      intent: 'book',
      rule: 'book.service',
      locale: 'zh',
      localeConfident: true,
      localeSwitch: null,
      plate: '沪A12345',
      when: { date: '2026-11-28', time: '10:00', part: 'morning' },
      pastDate: false,
      bookingRef: null,
      mobile: '13812345678',
      mileageKm: null,
      score: null,
      symptom: false,
      complaint: null,
    });
    expect(r.services).toEqual([{ id: 'PM-REGULAR', code: 'PM-REGULAR', certainty: 'firm', said: '常规保养' }]);
  });

  it('is pure: the same message in the same context gives the same request', () => {
    const text = '嗯那个我想问一下就是下周三上午能不能给我的车做个保养然后顺便看看轮胎';
    expect(understand(text, ctx())).toEqual(understand(text, ctx()));
  });

  it('keeps the words a tentative mention was said with', () => {
    const r = understand('帮我换刹车片，顺便看看轮胎气压', ctx());
    expect(r.services.map((s) => [s.code, s.certainty, s.said])).toEqual([
      ['BRAKE-PAD-F', 'firm', '换刹车片'],
      ['TYRES', 'tentative', '轮胎'],
    ]);
  });

  it('books the catalogue inspection for a symptom, noting the symptom words', () => {
    const r = understand('刹车有点软', ctx());
    expect(r.services).toEqual([{ id: 'INSPECTION', code: 'INSPECTION', certainty: 'firm', said: '刹车有点软' }]);
  });

  it('names the reasons of a complaint, severe for regulator, media, legal and safety words', () => {
    expect(understand('我要投诉，你们上次保养把我车划了', ctx()).complaint).toEqual({ severe: false, reasons: ['explicit', 'damage'] });
    expect(understand('再这样我就打12315，还要找媒体曝光', ctx()).complaint).toEqual({ severe: true, reasons: ['regulator', 'media'] });
    expect(understand('修完刹车就失灵了', ctx()).complaint).toEqual({ severe: true, reasons: ['safety', 'after-service'] });
    expect(understand('刹车失灵了', ctx()).complaint).toBeNull();
  });

  it('reads an hour without am/pm against the shop hours of the day', () => {
    // Sunday (closed) message: the hours of the next open day read 3点 as 15:00
    const sunday = demoUnderstandingContext(new Date('2026-11-29T10:00:00+08:00'), 'Asia/Shanghai');
    expect(understand('周一3点', sunday).when).toEqual({ date: '2026-11-30', time: '15:00', part: null });
  });

  it('takes the new time of a reschedule, not the old one', () => {
    expect(understand('我想把周五的预约挪到下周二上午', ctx()).when).toEqual({ date: '2026-12-01', time: null, part: 'morning' });
  });

  it('understands an empty or non-string message as unknown', () => {
    expect(understand('', ctx()).intent).toBe('unknown');
    expect(understand(undefined as unknown as string, ctx()).intent).toBe('unknown');
    expect(understand('\u200b\u0007', ctx()).text).toBe('');
  });

  it('handles a long message', () => {
    const long = '我想预约保养，'.repeat(500);
    expect(understand(long, ctx()).intent).toBe('book');
  });
});

describe('detectLocale', () => {
  it.each([
    ['明天上午保养', 'en', { locale: 'zh', confident: true }],
    ['book a service', 'zh', { locale: 'en', confident: true }],
    ['王建国', 'en', { locale: 'en', confident: false }],
    ['王建国', 'zh', { locale: 'zh', confident: false }],
    ['my name is 王建国', 'en', { locale: 'en', confident: true }],
    ['我叫王建国', 'en', { locale: 'zh', confident: true }],
    ['ok', 'zh', { locale: 'zh', confident: false }],
    ['yes', 'zh', { locale: 'zh', confident: false }],
    ['沪A12345', 'en', { locale: 'en', confident: false }],
    ['LSVAU2180N2184847', 'zh', { locale: 'zh', confident: false }],
    ['HUAFGT', 'zh', { locale: 'zh', confident: false }],
    ['K3X9PQ', 'zh', { locale: 'zh', confident: false }],
    ['¥1,240', 'en', { locale: 'en', confident: false }],
    ['http://example.com/booking', 'zh', { locale: 'zh', confident: false }],
    ['13812345678', 'en', { locale: 'en', confident: false }],
    ['[强]', 'en', { locale: 'en', confident: false }],
    ['I NEED TO CANCEL', 'zh', { locale: 'en', confident: true }],
    ['ABS灯亮了', 'en', { locale: 'zh', confident: true }],
    ['我要换oil filter', 'en', { locale: 'zh', confident: true }],
    ['Thanks for the great service 谢谢', 'zh', { locale: 'en', confident: true }],
  ] as const)('%j (fallback %s) → %j', (text, fallback, expected) => {
    expect(detectLocale(text, fallback)).toMatchObject(expected);
  });

  it('exposes the letter counts', () => {
    expect(detectLocale('my name is 王建国', 'en')).toEqual({ locale: 'en', confident: true, han: 3, latin: 8 });
  });
});

describe('parseMileage', () => {
  it.each([
    ['12000', 12000],
    ['12,000', 12000],
    ['12000公里', 12000],
    ['两万', 20000],
    ['大概两万公里', 20000],
    ['三万五', 35000],
    ['2万5', 25000],
    ['1.2w', 12000],
    ['1.2W', 12000],
    ['20k km', 20000],
    ['20k', 20000],
    ['about 20,000 km', 20000],
    ['3.2万', 32000],
    ['3.2万公里', 32000],
    ['一万零五百', 10500],
    ['两万三千公里', 23000],
    ['5万多公里', 50000],
    ['已经跑了3万多公里了', 30000],
    ['８０００', 8000],
    ['100', 100],
    ['50 km', 50],
    ['十公里', 10],
    ['20000 miles', 32187],
  ])('%j → %i km', (input, km) => {
    expect(parseMileage(input)).toEqual({ ok: true, value: km });
  });

  it.each([
    ['1', 'mileage.small'],
    ['50', 'mileage.small'],
    ['0', 'mileage.small'],
    ['99', 'mileage.small'],
    ['abc', 'mileage.format'],
    ['明天', 'mileage.format'],
    ['二三', 'mileage.format'],
    ['3000000', 'mileage.range'],
    ['', 'mileage.format'],
  ])('%j → %s', (input, reason) => {
    expect(parseMileage(input)).toEqual({ ok: false, reason });
  });
});

describe('parseChineseNumber', () => {
  it.each([
    ['两万', 20000],
    ['三万五', 35000],
    ['三万五千', 35000],
    ['2万5', 25000],
    ['3千5', 3500],
    ['一百五', 150],
    ['十二', 12],
    ['十二万', 120000],
    ['一万零五百', 10500],
    ['1.2万', 12000],
    ['1200', 1200],
  ])('%j → %i', (text, value) => {
    expect(parseChineseNumber(text)).toBe(value);
  });

  it.each(['', '万', '百', '二三', 'abc', '三万abc'])('%j → null', (text) => {
    expect(parseChineseNumber(text)).toBeNull();
  });
});

describe('booking references', () => {
  it.each([
    ['预约号HUAFGT', 'HUAFGT'],
    ['预约号：huafgt', 'HUAFGT'],
    ['booking ref is abcdef', 'ABCDEF'],
    ['my reference number: Q7W8E9', 'Q7W8E9'],
    ['我的预约 HUAFGT', 'HUAFGT'],
    ['cancel booking x8y2z1', 'X8Y2Z1'],
    ['K3X9PQ', 'K3X9PQ'],
    ['HUAFGT 预约号', 'HUAFGT'],
  ])('%j → %s', (text, ref) => {
    expect(findBookingRef(text)).toBe(ref);
  });

  it.each(['cancel my booking please', 'thanks', 'HUAFGT', 'change my oil', '5000km', 'tomorrow 1230pm', '沪A12345', '180rmb', 'LSVAU2180N2184847', 'booking please'])(
    '%j → none',
    (text) => {
      expect(findBookingRef(text)).toBeNull();
    },
  );
});

describe('spelling', () => {
  it.each([
    ['cancle', 'cancel'],
    ['reschedual', 'reschedule'],
    ['apointment', 'appointment'],
    ['tmrw', 'tomorrow'],
    ['pls', 'please'],
    ['looking', 'looking'],
    ['rotation', 'rotation'],
    ['there', 'there'],
    ['speaking', 'speaking'],
    ['oil', 'oil'],
  ])('%s → %s', (word, corrected) => {
    expect(correctWord(word)).toBe(corrected);
  });
});

describe('the demo context', () => {
  it('carries the seeded catalogue with codes as ids', () => {
    expect(DEMO_CATALOGUE.map((i) => i.code)).toContain('INSPECTION');
    expect(DEMO_CATALOGUE.every((i) => i.id === i.code)).toBe(true);
  });
});
