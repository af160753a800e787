import {
  candidateStarts,
  isOnGrid,
  jobRequirements,
  nearestTo,
  OccupancyIndex,
  partsVerdict,
  qualifiedTechnicians,
  roundUpToSlots,
  slotUnits,
  makeSlot,
  usableBays,
  type PartNeed,
} from '../services/booking/slots';

const TZ = 'Asia/Shanghai';
const WEEKDAY = { openMinute: 510, closeMinute: 1080 }; // 08:30–18:00

describe('jobRequirements', () => {
  const item = (labourMinutes: number, bayKind: 'GENERAL' | 'ALIGNMENT' | 'QUICK', requiredSkill: string | null) => ({ labourMinutes, bayKind, requiredSkill });

  it('sums durations and rounds up to whole slots', () => {
    expect(jobRequirements([item(45, 'QUICK', 'maintenance')], 30).durationMinutes).toBe(60);
    expect(jobRequirements([item(90, 'GENERAL', 'maintenance'), item(60, 'ALIGNMENT', 'alignment')], 30).durationMinutes).toBe(150);
    expect(jobRequirements([item(15, 'QUICK', null), item(20, 'QUICK', null)], 30).durationMinutes).toBe(60);
    expect(roundUpToSlots(0, 30)).toBe(30);
  });

  it('needs the most specific bay: ALIGNMENT > GENERAL > QUICK, quick work may use a lift', () => {
    expect(jobRequirements([item(45, 'QUICK', null)], 30).bayKinds).toEqual(['QUICK', 'GENERAL']);
    expect(jobRequirements([item(45, 'QUICK', null), item(60, 'GENERAL', null)], 30).bayKinds).toEqual(['GENERAL']);
    expect(jobRequirements([item(60, 'GENERAL', null), item(60, 'ALIGNMENT', null)], 30).bayKinds).toEqual(['ALIGNMENT']);
  });

  it('needs the union of skills', () => {
    expect(jobRequirements([item(60, 'GENERAL', 'maintenance'), item(60, 'ALIGNMENT', 'alignment'), item(30, 'QUICK', 'maintenance')], 30).skills).toEqual([
      'alignment',
      'maintenance',
    ]);
  });

  it('refuses an empty job', () => {
    expect(() => jobRequirements([], 30)).toThrow(RangeError);
  });
});

describe('time grid', () => {
  it('offers starts from opening until the job still ends by closing', () => {
    const starts = candidateStarts(WEEKDAY, 30, 90);
    expect(starts[0]).toBe(510);
    expect(starts[starts.length - 1]).toBe(990); // 16:30 + 90 min = 18:00
    expect(starts).toHaveLength(17);
  });

  it('anchors the grid at midnight, not at an odd opening time', () => {
    expect(candidateStarts({ openMinute: 525, closeMinute: 660 }, 30, 30)).toEqual([540, 570, 600, 630]);
  });

  it('checks a start against grid and hours', () => {
    expect(isOnGrid(600, WEEKDAY, 30, 60)).toBe(true);
    expect(isOnGrid(615, WEEKDAY, 30, 60)).toBe(false);
    expect(isOnGrid(1050, WEEKDAY, 30, 60)).toBe(false);
    expect(isOnGrid(480, WEEKDAY, 30, 60)).toBe(false);
  });

  it('lists the slot units a job holds', () => {
    expect(slotUnits('2026-11-30', 600, 90, 30, TZ).map((d) => d.toISOString())).toEqual([
      '2026-11-30T02:00:00.000Z',
      '2026-11-30T02:30:00.000Z',
      '2026-11-30T03:00:00.000Z',
    ]);
  });
});

describe('resources', () => {
  const bays = [
    { id: 'b2', name: '2号', kind: 'GENERAL' as const },
    { id: 'b1', name: '1号', kind: 'GENERAL' as const },
    { id: 'b3', name: '3号', kind: 'QUICK' as const },
    { id: 'b4', name: '4号', kind: 'ALIGNMENT' as const },
  ];

  it('orders usable bays: the job’s own kind first, then by name', () => {
    expect(usableBays(bays, ['QUICK', 'GENERAL']).map((b) => b.id)).toEqual(['b3', 'b1', 'b2']);
    expect(usableBays(bays, ['GENERAL']).map((b) => b.id)).toEqual(['b1', 'b2']);
  });

  it('keeps technicians having every skill', () => {
    const techs = [
      { id: 't1', name: 'A', skills: ['maintenance', 'brakes'] },
      { id: 't2', name: 'B', skills: ['maintenance', 'alignment'] },
    ];
    expect(qualifiedTechnicians(techs, ['maintenance', 'alignment']).map((t) => t.id)).toEqual(['t2']);
    expect(qualifiedTechnicians(techs, []).map((t) => t.id)).toEqual(['t1', 't2']);
  });

  it('finds the first resource free for the whole job', () => {
    const index = new OccupancyIndex();
    const units = slotUnits('2026-11-30', 600, 90, 30, TZ);
    index.add('b1', units[2]); // b1 busy for the last half hour only
    expect(index.firstFree([bays[1], bays[0]], units)?.id).toBe('b2');
    index.add('b2', units[0]);
    expect(index.firstFree([bays[1], bays[0]], units)).toBeNull();
  });
});

describe('partsVerdict', () => {
  const need = (over: Partial<PartNeed>): PartNeed => ({ partId: 'p', sku: 'SKU', neededMilli: 1000, stockMilli: 5000, reservedMilli: 0, restockDate: null, ...over });

  it('is satisfied when stock minus reservations covers the job', () => {
    expect(partsVerdict([need({ stockMilli: 2000, reservedMilli: 1000 })])).toEqual({ shortSkus: [], availableFrom: null, flagged: false, restockDate: null });
  });

  it('holds slots until the restock date when stock is short', () => {
    expect(partsVerdict([need({ stockMilli: 1000, reservedMilli: 500, restockDate: '2026-12-02' })])).toEqual({
      shortSkus: ['SKU'],
      availableFrom: '2026-12-02',
      flagged: false,
      restockDate: '2026-12-02',
    });
  });

  it('flags a shortage with no restock date for the advisor', () => {
    expect(partsVerdict([need({ stockMilli: 0 })])).toMatchObject({ shortSkus: ['SKU'], availableFrom: null, flagged: true, restockDate: null });
  });
});

describe('nearestTo', () => {
  it('ranks by distance from the wish, earlier first on ties', () => {
    const slots = [540, 570, 630, 660].map((m) => makeSlot('2026-11-30', m, 60, TZ));
    expect(nearestTo(slots, 600).map((s) => s.time)).toEqual(['09:30', '10:30', '09:00', '11:00']);
  });
});
