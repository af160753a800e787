import { calculateCosts } from '../services/costs';
import { explainCosts } from '../dialogs/cost-text';

describe('cost explanation', () => {
  const breakdown = calculateCosts({
    taxRateBp: 1300,
    lines: [
      { kind: 'LABOUR', description: { zh: '更换前刹车片', en: 'Front brake pads' }, quantity: '1.0', unitPriceFen: 30_000 },
      { kind: 'PART', description: { zh: '前刹车片（套）', en: 'Front brake pads (set)' }, quantity: 1, unitPriceFen: 58_000, coverage: 'WARRANTY' },
    ],
  });

  it('itemises labour hours × rate, parts, warranty, tax and total in Chinese', () => {
    const text = explainCosts(breakdown, 'zh');
    expect(text).toContain('工时 更换前刹车片：1小时 × ¥300.00/小时 = ¥300.00');
    expect(text).toContain('配件 前刹车片（套）：1 × ¥580.00 = ¥580.00（保修承担 ¥580.00）');
    expect(text).toContain('工时 ¥300.00 + 配件 ¥580.00 − 保修 ¥580.00 = ¥300.00，税 13% ¥39.00，合计 ¥339.00');
  });

  it('says the same in English, from the same numbers', () => {
    const text = explainCosts(breakdown, 'en');
    expect(text).toContain('Labour, Front brake pads: 1 h × ¥300.00/h = ¥300.00');
    expect(text).toContain('(warranty covers ¥580.00)');
    expect(text).toContain('total ¥339.00');
    expect(breakdown.totalFen).toBe(33_900);
  });
});
