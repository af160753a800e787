import { Prisma } from '../generated/prisma/client';
import { calculateCosts, CostInputError, formatFen, hoursFromMinutes, type CostLineInput } from '../services/costs';

const d = (zh: string, en: string) => ({ zh, en });

describe('calculateCosts', () => {
  it('prices a regular maintenance (hand-computed)', () => {
    // Labour 1.5 h × ¥300 = ¥450.00; oil 4.5 L × ¥98 = ¥441.00; oil filter ¥68; air filter ¥128.
    // Subtotal ¥1,087.00; VAT 13 % = ¥141.31; total ¥1,228.31.
    const result = calculateCosts({
      taxRateBp: 1300,
      lines: [
        { kind: 'LABOUR', description: d('常规保养', 'Regular maintenance'), quantity: '1.5', unitPriceFen: 30_000 },
        { kind: 'PART', description: d('机油', 'Oil'), quantity: 4.5, unitPriceFen: 9_800 },
        { kind: 'PART', description: d('机滤', 'Oil filter'), quantity: 1, unitPriceFen: 6_800 },
        { kind: 'PART', description: d('空滤', 'Air filter'), quantity: new Prisma.Decimal('1.000'), unitPriceFen: 12_800 },
      ],
    });
    expect(result.lines.map((l) => l.amountFen)).toEqual([45_000, 44_100, 6_800, 12_800]);
    expect(result).toMatchObject({ labourFen: 45_000, partsFen: 63_700, coveredFen: 0, subtotalFen: 108_700, taxFen: 14_131, totalFen: 122_831 });
    expect(result.lines[0]).toMatchObject({ quantity: '1.500', coverage: 'CUSTOMER', coveragePercent: 0, payableFen: 45_000 });
  });

  it('applies warranty and goodwill per line, then taxes only what the customer pays', () => {
    // Labour 2 h × ¥300 = 60000, warranty 100 % → payable 0.
    // Brake pads 58000, goodwill 50 % → covered 29000, payable 29000.
    // 1.005 × 999 = 1003.995 → 1004 (half-up), customer pays.
    // Subtotal 30004; tax 13 % = 3900.52 → 3901; total 33905.
    const result = calculateCosts({
      taxRateBp: 1300,
      lines: [
        { kind: 'LABOUR', description: d('更换刹车片', 'Brake pads'), quantity: 2, unitPriceFen: 30_000, coverage: 'WARRANTY' },
        { kind: 'PART', description: d('前刹车片', 'Front pads'), quantity: 1, unitPriceFen: 58_000, coverage: 'GOODWILL', coveragePercent: 50 },
        { kind: 'PART', description: d('清洁剂', 'Cleaner'), quantity: '1.005', unitPriceFen: 999 },
      ],
    });
    expect(result.lines.map((l) => [l.amountFen, l.coveredFen, l.payableFen])).toEqual([
      [60_000, 60_000, 0],
      [58_000, 29_000, 29_000],
      [1_004, 0, 1_004],
    ]);
    expect(result).toMatchObject({ labourFen: 60_000, partsFen: 59_004, coveredFen: 89_000, subtotalFen: 30_004, taxFen: 3_901, totalFen: 33_905 });
  });

  it('rounds exact halves up, once per line and once for tax', () => {
    // 0.5 × 1 fen = 0.5 → 1; covered 50 % of 1 = 0.5 → 1 (payable 0);
    // 1.5 × 33 = 49.5 → 50, payable; tax 13 % of 50 = 6.5 → 7.
    const result = calculateCosts({
      taxRateBp: 1300,
      lines: [
        { kind: 'PART', description: d('a', 'a'), quantity: '0.5', unitPriceFen: 1, coverage: 'WARRANTY', coveragePercent: 50 },
        { kind: 'PART', description: d('b', 'b'), quantity: '1.5', unitPriceFen: 33 },
      ],
    });
    expect(result.lines.map((l) => [l.amountFen, l.coveredFen, l.payableFen])).toEqual([
      [1, 1, 0],
      [50, 0, 50],
    ]);
    expect(result).toMatchObject({ subtotalFen: 50, taxFen: 7, totalFen: 57 });
  });

  it('keeps extra fields (ids, sku) on the output lines', () => {
    const result = calculateCosts({
      taxRateBp: 0,
      lines: [{ kind: 'PART', description: d('a', 'a'), quantity: 1, unitPriceFen: 100, partId: 'p1', sku: 'SKU' }],
    });
    expect(result.lines[0]).toMatchObject({ partId: 'p1', sku: 'SKU' });
    expect(result.totalFen).toBe(100);
  });

  it('is exact where floating point is not (0.1 + 0.2 style)', () => {
    // In binary floating point 1.115 × 10000 is 11149.999…; the decimal maths gives 11150.
    const result = calculateCosts({ taxRateBp: 0, lines: [{ kind: 'PART', description: d('x', 'x'), quantity: 1.115, unitPriceFen: 10_000 }] });
    expect(result.lines[0].amountFen).toBe(11_150);
  });

  it('handles an empty order', () => {
    expect(calculateCosts({ taxRateBp: 1300, lines: [] })).toMatchObject({ subtotalFen: 0, taxFen: 0, totalFen: 0 });
  });

  const line = (over: Partial<CostLineInput>): CostLineInput => ({ kind: 'PART', description: d('x', 'x'), quantity: 1, unitPriceFen: 100, ...over });
  const problems = (over: Partial<CostLineInput>, taxRateBp = 1300) => {
    try {
      calculateCosts({ taxRateBp, lines: [line(over)] });
    } catch (error) {
      expect(error).toBeInstanceOf(CostInputError);
      return (error as CostInputError).problems.join('\n');
    }
    throw new Error('expected a CostInputError');
  };

  it('rejects bad input with clear messages', () => {
    expect(problems({ unitPriceFen: -100 })).toMatch(/unitPriceFen must not be negative/);
    expect(problems({ unitPriceFen: 1.5 })).toMatch(/unitPriceFen must be whole fen/);
    expect(problems({ quantity: Number.NaN })).toMatch(/quantity must be a finite number/);
    expect(problems({ quantity: 'NaN' })).toMatch(/quantity must be a finite number/);
    expect(problems({ quantity: -1 })).toMatch(/quantity must not be negative/);
    expect(problems({ quantity: '1.0005' })).toMatch(/more than 3 decimal places/);
    expect(problems({ quantity: 'two' })).toMatch(/not a decimal number/);
    expect(problems({ coverage: 'WARRANTY', coveragePercent: 101 })).toMatch(/coveragePercent must be between 0 and 100/);
    expect(problems({ coverage: 'CUSTOMER', coveragePercent: 50 })).toMatch(/CUSTOMER line cannot be covered/);
    expect(problems({}, -5)).toMatch(/taxRateBp must not be negative/);
    expect(problems({ kind: 'FEE' as 'PART' })).toMatch(/kind/);
  });
});

describe('calculateCosts: the pricing table', () => {
  // One labour line (2 h × ¥300 = 60000) and one part (¥580 = 58000) of a warranty-covered
  // operation, one part of an operation that is not covered (¥100 = 10000), tax 13 %.
  const covered = (over: Partial<CostLineInput> = {}): CostLineInput[] => [
    { kind: 'LABOUR', description: d('更换刹车片', 'Brake pads'), quantity: 2, unitPriceFen: 30_000, warrantyCovered: true, ...over },
    { kind: 'PART', description: d('前刹车片', 'Front pads'), quantity: 1, unitPriceFen: 58_000, warrantyCovered: true, ...over },
    { kind: 'PART', description: d('雨刮', 'Wipers'), quantity: 1, unitPriceFen: 10_000 },
  ];
  const inside = { endDate: '2027-06-30', endKm: 100_000, on: '2026-11-27', mileageKm: 32_000 };

  it.each([
    // label, input, [per-line payable], { totals }
    ['no warranty context: everyone pays', { lines: covered() }, [60_000, 58_000, 10_000], { warrantyFen: 0, subtotalFen: 128_000, taxFen: 16_640, totalFen: 144_640 }],
    ['inside by date and mileage: covered lines 0, still listed', { lines: covered(), warranty: inside }, [0, 0, 10_000], { warrantyFen: 118_000, subtotalFen: 10_000, taxFen: 1_300, totalFen: 11_300 }],
    ['last day of warranty, at the mileage limit: still inside', { lines: covered(), warranty: { ...inside, on: '2027-06-30', mileageKm: 100_000 } }, [0, 0, 10_000], { warrantyFen: 118_000, totalFen: 11_300 }],
    ['one day past the date: customer pays', { lines: covered(), warranty: { ...inside, on: '2027-07-01' } }, [60_000, 58_000, 10_000], { warrantyFen: 0, totalFen: 144_640 }],
    ['1 km over the mileage: customer pays', { lines: covered(), warranty: { ...inside, mileageKm: 100_001 } }, [60_000, 58_000, 10_000], { warrantyFen: 0, totalFen: 144_640 }],
    ['odometer not read: customer pays', { lines: covered(), warranty: { ...inside, mileageKm: null } }, [60_000, 58_000, 10_000], { warrantyFen: 0 }],
    ['goodwill 50 % on the part', { lines: [covered()[0], { ...covered()[1], coverage: 'GOODWILL', coveragePercent: 50 }] }, [60_000, 29_000], { goodwillFen: 29_000, subtotalFen: 89_000, taxFen: 11_570, totalFen: 100_570 }],
    ['internal line: visible, costs the customer 0', { lines: [covered()[2], { ...covered()[0], coverage: 'INTERNAL' }] }, [10_000, 0], { internalFen: 60_000, coveredFen: 60_000, subtotalFen: 10_000, totalFen: 11_300 }],
    ['zero-price lines are kept at 0', { lines: [{ kind: 'LABOUR', description: d('检查', 'Check'), quantity: 0.5, unitPriceFen: 0 }, { kind: 'PART', description: d('赠品', 'Gift'), quantity: 0, unitPriceFen: 9_900 }] }, [0, 0], { subtotalFen: 0, taxFen: 0, totalFen: 0 }],
    // 10 % of 128000 = 12800, then ¥50 fixed: taxable 110200, tax 14326.
    ['discount: 10 % then ¥50', { lines: covered(), discount: { bp: 1000, fen: 5_000 } }, [60_000, 58_000, 10_000], { discount: { bp: 1000, fen: 5_000, percentFen: 12_800, fixedFen: 5_000 }, discountFen: 17_800, taxableFen: 110_200, taxFen: 14_326, totalFen: 124_526 }],
    ['a fixed discount larger than the bill stops at 0', { lines: [covered()[2]], discount: { fen: 50_000 } }, [10_000], { discountFen: 10_000, taxableFen: 0, totalFen: 0 }],
    // 3.333 × 100 = 333.3 → 333; 7.5 % of 333 = 24.975 → 25; taxable 308; 13 % = 40.04 → 40.
    ['rounding: half-up once per line, discount and tax', { lines: [{ kind: 'PART', description: d('x', 'x'), quantity: '3.333', unitPriceFen: 100 }], discount: { bp: 750 } }, [333], { discountFen: 25, taxableFen: 308, taxFen: 40, totalFen: 348 }],
    // 1 fen × 50 % = 0.5 → 1 covered (half-up), 0 payable.
    ['rounding: half a fen of goodwill rounds up', { lines: [{ kind: 'PART', description: d('x', 'x'), quantity: 1, unitPriceFen: 1, coverage: 'GOODWILL', coveragePercent: 50 }] }, [0], { goodwillFen: 1, totalFen: 0 }],
  ] as Array<[string, Partial<Parameters<typeof calculateCosts>[0]>, number[], Record<string, unknown>]>)('%s', (_label, input, payable, totals) => {
    const result = calculateCosts({ taxRateBp: 1300, lines: [], ...input });
    expect(result.lines.map((l) => l.payableFen)).toEqual(payable);
    expect(result).toMatchObject(totals);
    // The identities the settlement list relies on.
    expect(result.labourFen + result.partsFen - result.coveredFen).toBe(result.subtotalFen);
    expect(result.warrantyFen + result.goodwillFen + result.internalFen).toBe(result.coveredFen);
    expect(result.subtotalFen - result.discountFen + result.taxFen).toBe(result.totalFen);
  });

  it('says which warranty limit was passed, and marks lines covered by the rule', () => {
    expect(calculateCosts({ taxRateBp: 0, lines: covered(), warranty: inside }).warranty?.status).toBe('in-warranty');
    expect(calculateCosts({ taxRateBp: 0, lines: covered(), warranty: { ...inside, on: '2028-01-01' } }).warranty?.status).toBe('expired-by-date');
    expect(calculateCosts({ taxRateBp: 0, lines: covered(), warranty: { ...inside, mileageKm: 120_000 } }).warranty?.status).toBe('expired-by-mileage');
    expect(calculateCosts({ taxRateBp: 0, lines: covered(), warranty: { ...inside, endKm: null } }).warranty?.status).toBe('not-recorded');
    const lines = calculateCosts({ taxRateBp: 0, lines: covered(), warranty: inside }).lines;
    expect(lines.map((l) => [l.coverage, l.coverageByRule])).toEqual([['WARRANTY', true], ['WARRANTY', true], ['CUSTOMER', false]]);
  });

  it('refuses a line that asks for warranty where it does not apply', () => {
    const ask = (warranty: typeof inside, warrantyCovered: boolean) => () =>
      calculateCosts({ taxRateBp: 0, warranty, lines: [{ kind: 'PART', description: d('x', 'x'), quantity: 1, unitPriceFen: 100, coverage: 'WARRANTY', warrantyCovered }] });
    expect(ask({ ...inside, mileageKm: 150_000 }, true)).toThrow(/warranty does not apply \(expired-by-mileage\)/);
    expect(ask(inside, false)).toThrow(/warranty does not apply \(operation not covered\)/);
    expect(ask(inside, true)).not.toThrow();
  });

  it('refuses shares that make no sense', () => {
    expect(() => calculateCosts({ taxRateBp: 0, lines: [{ kind: 'PART', description: d('x', 'x'), quantity: 1, unitPriceFen: 1, coverage: 'INTERNAL', coveragePercent: 40 }] })).toThrow(/INTERNAL line/);
    expect(() => calculateCosts({ taxRateBp: 0, lines: [{ kind: 'PART', description: d('x', 'x'), quantity: 1, unitPriceFen: 1, coveragePercent: 40 }] })).toThrow(/needs a payer/);
    expect(() => calculateCosts({ taxRateBp: 0, lines: [], discount: { bp: 12_000 } })).toThrow(/discount.bp must be at most 10000/);
  });
});

describe('hoursFromMinutes', () => {
  it('stores flat-rate minutes as hours with three decimals', () => {
    expect(hoursFromMinutes(90)).toBe('1.500');
    expect(hoursFromMinutes(45)).toBe('0.750');
    expect(hoursFromMinutes(20)).toBe('0.333');
    expect(hoursFromMinutes(40)).toBe('0.667');
  });
});

describe('formatFen', () => {
  it('formats yuan with two decimals and grouping', () => {
    expect(formatFen(68_000, 'zh')).toBe('¥680.00');
    expect(formatFen(68_000, 'en')).toBe('¥680.00');
    expect(formatFen(128_000, 'zh')).toBe('¥1,280.00');
    expect(formatFen(5, 'en')).toBe('¥0.05');
    expect(formatFen(-500, 'en')).toBe('-¥5.00');
    expect(formatFen(0, 'zh')).toBe('¥0.00');
  });
});
