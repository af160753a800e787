import { CATALOG } from '../prisma/seed/demo-shop';
import { editDistance, matchServices } from '../services/catalog';

// The demo catalogue, with the operation code as id so expectations read naturally.
const catalogue = CATALOG.map((item) => ({ id: item.code, code: item.code, nameZh: item.nameZh, nameEn: item.nameEn, aliases: [...item.aliases], active: true }));
const codes = (text: string, locale: 'zh' | 'en' = 'zh') => matchServices(catalogue, text, locale).map((i) => i.code);

describe('matchServices — Chinese', () => {
  it('finds a service by name or alias inside a sentence', () => {
    expect(codes('我想预约做保养')).toEqual(['PM-REGULAR']);
    expect(codes('下周六换机油')).toEqual(['OIL-CHANGE']);
    expect(codes('电瓶没电了')).toEqual(['BATTERY']);
  });

  it('finds several services in one sentence, in order', () => {
    expect(codes('保养和四轮定位')).toEqual(['PM-REGULAR', 'ALIGNMENT']);
    expect(codes('四轮定位，顺便换一下雨刮')).toEqual(['ALIGNMENT', 'WIPERS']);
  });

  it('lets the longest name win where names overlap', () => {
    expect(codes('首次保养')).toEqual(['PM-FIRST']);
    expect(codes('换后刹车片')).toEqual(['BRAKE-PAD-R']);
    expect(codes('刹车片该换了')).toEqual(['BRAKE-PAD-F']);
    expect(codes('更换空调滤芯')).toEqual(['CABIN-FILTER']);
    expect(codes('空调不凉')).toEqual(['AC-SERVICE']);
  });

  it('tolerates spaces and full-width characters', () => {
    expect(codes('四轮 定位')).toEqual(['ALIGNMENT']);
    expect(codes('ＯＩＬ ＣＨＡＮＧＥ')).toEqual(['OIL-CHANGE']);
  });

  it('returns nothing for unrelated text', () => {
    expect(codes('你好，请问几点关门？')).toEqual([]);
    expect(codes('')).toEqual([]);
  });
});

describe('matchServices — English', () => {
  it('is case-insensitive and word-bounded', () => {
    expect(codes('I need an OIL CHANGE please', 'en')).toEqual(['OIL-CHANGE']);
    expect(codes('Can I replace my wipers?', 'en')).toEqual(['WIPERS']); // "ac" must not match inside "replace"
    expect(codes('my a/c is warm', 'en')).toEqual(['AC-SERVICE']);
  });

  it('tolerates typos, plurals and joined or split words', () => {
    expect(codes('oil chnage', 'en')).toEqual(['OIL-CHANGE']);
    expect(codes('oilchange', 'en')).toEqual(['OIL-CHANGE']);
    expect(codes('wheel alignmnet', 'en')).toEqual(['ALIGNMENT']);
    expect(codes('new spark plug', 'en')).toEqual(['SPARK-PLUGS']);
    expect(codes('aircon not cold', 'en')).toEqual(['AC-SERVICE']);
    expect(codes('batery', 'en')).toEqual(['BATTERY']);
  });

  it('finds several services and prefers the longer name', () => {
    expect(codes('oil change and tire rotation', 'en')).toEqual(['OIL-CHANGE', 'TYRE-ROTATION']);
    expect(codes('first service for my car', 'en')).toEqual(['PM-FIRST']);
    expect(codes('brake fluid change', 'en')).toEqual(['BRAKE-FLUID']);
    expect(codes('rear brake pads', 'en')).toEqual(['BRAKE-PAD-R']);
  });

  it('mixes languages in one message', () => {
    expect(codes('做个保养, plus wheel alignment')).toEqual(['PM-REGULAR', 'ALIGNMENT']);
  });

  it('does not stretch short words into matches', () => {
    expect(codes('hello there', 'en')).toEqual([]);
    expect(codes('I will be late', 'en')).toEqual([]);
  });

  it('ignores inactive items', () => {
    const withInactive = catalogue.map((i) => (i.code === 'WIPERS' ? { ...i, active: false } : i));
    expect(matchServices(withInactive, 'wipers', 'en')).toEqual([]);
  });
});

describe('editDistance', () => {
  it('counts an adjacent swap as one edit', () => {
    expect(editDistance('chnage', 'change')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
  });
});
