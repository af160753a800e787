import { zh } from '../../dialogs/i18n/zh';
import { en } from '../../dialogs/i18n/en';

/** Every sentence exists in both languages with the same placeholders (a missing one would print "{when}"). */
describe('the word catalogues', () => {
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  it('have the same keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
  });

  it.each(Object.keys(zh) as Array<keyof typeof zh>)('%s has the same placeholders in zh and en', (key) => {
    expect(placeholders(en[key])).toEqual(placeholders(zh[key]));
    expect(en[key].trim().length).toBeGreaterThan(0);
  });
});
