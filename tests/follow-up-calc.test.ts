import { averageDailyKm, dueServices, nextSendTime, nextStep, projectDue, questionsFor, isLowScore, type DueInput } from '../services/follow-up';

/** Pure follow-up arithmetic: mileage projection, due dates by date and distance, reminder steps, the notice window. */

const at = (iso: string) => new Date(iso);

describe('average daily mileage between the last two readings', () => {
  it.each([
    ['two readings 100 days apart', [{ km: 20_000, at: at('2026-01-01T02:00:00Z') }, { km: 23_000, at: at('2026-04-11T02:00:00Z') }], 30],
    ['the newest counts against the newest reading a day older, not the oldest', [{ km: 10_000, at: at('2025-01-01T00:00:00Z') }, { km: 20_000, at: at('2026-01-01T02:00:00Z') }, { km: 23_000, at: at('2026-04-11T02:00:00Z') }], 30],
    ['a same-day correction is skipped for the one a day older', [{ km: 20_000, at: at('2026-01-01T02:00:00Z') }, { km: 22_950, at: at('2026-04-11T01:00:00Z') }, { km: 23_000, at: at('2026-04-11T02:00:00Z') }], 30],
    ['order of the rows does not matter', [{ km: 23_000, at: at('2026-04-11T02:00:00Z') }, { km: 20_000, at: at('2026-01-01T02:00:00Z') }], 30],
    ['a parked car', [{ km: 20_000, at: at('2026-01-01T02:00:00Z') }, { km: 20_000, at: at('2026-03-01T02:00:00Z') }], 0],
  ])('%s', (_name, readings, expected) => {
    expect(averageDailyKm(readings)).toBeCloseTo(expected, 6);
  });

  it.each([
    ['no reading', []],
    ['one reading', [{ km: 20_000, at: at('2026-01-01T02:00:00Z') }]],
    ['two readings the same day', [{ km: 20_000, at: at('2026-01-01T02:00:00Z') }, { km: 20_050, at: at('2026-01-01T09:00:00Z') }]],
    ['an odometer that went backwards', [{ km: 20_000, at: at('2026-01-01T02:00:00Z') }, { km: 2_000, at: at('2026-03-01T02:00:00Z') }]],
  ])('none: %s', (_name, readings) => {
    expect(averageDailyKm(readings)).toBeNull();
  });
});

describe('when a service is due: by date or by distance, whichever first', () => {
  const base: DueInput = { lastDone: { date: '2025-12-05', km: 20_000 }, interval: { months: 12, km: 10_000 }, odometer: { date: '2026-06-05', km: 25_000 }, dailyKm: 20 };
  it.each<[string, Partial<DueInput>, { dueDate: string; dueBy: 'date' | 'mileage' | 'both'; dueKm: number | null }]>([
    // 5000 km left at 20 km/day: 250 days after 5 June = 10 Feb 2027; the year ends first.
    ['the months come first', {}, { dueDate: '2026-12-05', dueBy: 'date', dueKm: 30_000 }],
    // 5000 km at 50 km/day: 100 days after 5 June = 13 Sep 2026.
    ['the kilometres come first', { dailyKm: 50 }, { dueDate: '2026-09-13', dueBy: 'mileage', dueKm: 30_000 }],
    // 5000 km at 25 km/day from 19 May is 200 days: 5 December, the day the year is up.
    ['both on the same day', { dailyKm: 25, odometer: { date: '2026-05-19', km: 25_000 } }, { dueDate: '2026-12-05', dueBy: 'both', dueKm: 30_000 }],
    // A fractional day is a day more: 5000 / 21 = 238.1 → 239 days.
    ['a part day rounds up', { dailyKm: 21, interval: { months: 24, km: 10_000 } }, { dueDate: '2027-01-30', dueBy: 'mileage', dueKm: 30_000 }],
    ['distance only (no months on the catalogue)', { interval: { months: null, km: 10_000 }, dailyKm: 50 }, { dueDate: '2026-09-13', dueBy: 'mileage', dueKm: 30_000 }],
    ['months only (no kilometres on the catalogue)', { interval: { months: 6, km: null } }, { dueDate: '2026-06-05', dueBy: 'date', dueKm: null }],
    ['no reading at the last visit: by date only', { lastDone: { date: '2025-12-05', km: null } }, { dueDate: '2026-12-05', dueBy: 'date', dueKm: null }],
    ['no rate known: by date only, the distance still said', { dailyKm: null }, { dueDate: '2026-12-05', dueBy: 'date', dueKm: 30_000 }],
    ['already past the distance, no rate: due since the reading', { dailyKm: null, odometer: { date: '2026-06-05', km: 31_000 } }, { dueDate: '2026-06-05', dueBy: 'mileage', dueKm: 30_000 }],
    // 1000 km past at 50 km/day: it was reached 20 days before the reading.
    ['already past the distance, with a rate: the day it was passed', { dailyKm: 50, odometer: { date: '2026-06-05', km: 31_000 } }, { dueDate: '2026-05-16', dueBy: 'mileage', dueKm: 30_000 }],
    ['a parked car is due by date', { dailyKm: 0 }, { dueDate: '2026-12-05', dueBy: 'date', dueKm: 30_000 }],
    ['31 January plus a month is the end of February', { lastDone: { date: '2026-01-31', km: null }, interval: { months: 1, km: null } }, { dueDate: '2026-02-28', dueBy: 'date', dueKm: null }],
  ])('%s', (_name, change, expected) => {
    expect(projectDue({ ...base, ...change })).toEqual(expected);
  });

  it('nothing to say without months and without a distance to project', () => {
    expect(projectDue({ ...base, interval: { months: null, km: 10_000 }, dailyKm: null })).toBeNull();
    expect(projectDue({ ...base, interval: { months: null, km: null } })).toBeNull();
  });
});

describe('what a vehicle needs next, from its visits', () => {
  const catalogue = [
    { id: 'first', code: 'PM-FIRST', intervalMonths: 6, intervalKm: 5000, nextServiceCode: 'PM-REGULAR' },
    { id: 'regular', code: 'PM-REGULAR', intervalMonths: 12, intervalKm: 10_000, nextServiceCode: null },
    { id: 'brakes', code: 'BRAKE-PAD-F', intervalMonths: null, intervalKm: null, nextServiceCode: null },
    { id: 'rotation', code: 'TYRE-ROTATION', intervalMonths: null, intervalKm: 10_000, nextServiceCode: null },
  ];
  const readings = [
    { km: 4_800, at: at('2026-03-02T02:00:00Z') },
    { km: 9_000, at: at('2026-06-10T02:00:00Z') },
  ];

  it('a first service makes the regular service due, on the regular interval; work without an interval is not projected', () => {
    const due = dueServices({ visits: [{ repairOrderId: 'ro-1', date: '2026-03-02', km: 4_800, catalogItemIds: ['first', 'brakes'] }], catalogue, readings, timeZone: 'Asia/Shanghai' });
    // 4200 km in 100 days = 42 km/day; 14800 − 9000 = 5800 km → 139 days after 10 June = 27 Oct; 12 months → 2 March 2027.
    expect(due).toEqual([{ catalogItemId: 'regular', basisRepairOrderId: 'ro-1', dueDate: '2026-10-27', dueBy: 'mileage', dueKm: 14_800 }]);
  });

  it('counts from the newest visit that did it (or its predecessor), one entry per service', () => {
    const due = dueServices({
      visits: [
        { repairOrderId: 'ro-1', date: '2026-03-02', km: 4_800, catalogItemIds: ['first'] },
        { repairOrderId: 'ro-2', date: '2026-06-10', km: 9_000, catalogItemIds: ['regular', 'rotation'] },
      ],
      catalogue,
      readings,
      timeZone: 'Asia/Shanghai',
    });
    // From 9000 km at 42 km/day: 10000 km more is 239 days after 10 June (4 Feb 2027), before 10 June 2027.
    expect(due).toEqual([
      { catalogItemId: 'regular', basisRepairOrderId: 'ro-2', dueDate: '2027-02-04', dueBy: 'mileage', dueKm: 19_000 },
      { catalogItemId: 'rotation', basisRepairOrderId: 'ro-2', dueDate: '2027-02-04', dueBy: 'mileage', dueKm: 19_000 },
    ]);
  });

  it('reads the reading dates on the shop’s calendar (01:00 in Shanghai is the day before in UTC)', () => {
    const due = dueServices({
      visits: [{ repairOrderId: 'ro-1', date: '2026-03-02', km: 40_000, catalogItemIds: ['regular'] }],
      catalogue,
      readings: [{ km: 51_000, at: at('2026-03-01T17:00:00Z') }],
      timeZone: 'Asia/Shanghai',
    });
    expect(due[0]).toMatchObject({ dueDate: '2026-03-02', dueBy: 'mileage' });
  });
});

describe('reminder steps: at most N reminders, spaced, then the advisor', () => {
  const rules = { maxReminders: 2, spacingDays: 14 };
  const now = at('2026-11-28T02:00:00Z');
  const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
  it.each<[string, { reminders: number; lastRemindedAt: Date | null; advisorTaskId: string | null }, string]>([
    ['never reminded', { reminders: 0, lastRemindedAt: null, advisorTaskId: null }, 'remind'],
    ['reminded 13 days ago', { reminders: 1, lastRemindedAt: daysAgo(13), advisorTaskId: null }, 'wait'],
    ['reminded 14 days ago', { reminders: 1, lastRemindedAt: daysAgo(14), advisorTaskId: null }, 'remind'],
    ['twice, the second 13 days ago', { reminders: 2, lastRemindedAt: daysAgo(13), advisorTaskId: null }, 'wait'],
    ['twice, the second 14 days ago', { reminders: 2, lastRemindedAt: daysAgo(14), advisorTaskId: null }, 'task'],
    ['the advisor has it', { reminders: 2, lastRemindedAt: daysAgo(60), advisorTaskId: 't1' }, 'done'],
  ])('%s', (_name, state, step) => {
    expect(nextStep(state, rules, now)).toBe(step);
  });
  it('a shop that sends no automatic reminders goes to the advisor at once', () => {
    expect(nextStep({ reminders: 0, lastRemindedAt: null, advisorTaskId: null }, { maxReminders: 0, spacingDays: 14 }, now)).toBe('task');
  });
});

describe('the notice window (quiet hours)', () => {
  const shanghai = { timeZone: 'Asia/Shanghai', startMinute: 9 * 60, endMinute: 20 * 60 };
  it.each([
    ['22:00 waits for 09:00 the next day', '2026-11-28T14:00:00Z', '2026-11-29T01:00:00.000Z'],
    ['08:59 waits a minute', '2026-11-28T00:59:00Z', '2026-11-28T01:00:00.000Z'],
    ['20:00 is already outside', '2026-11-28T12:00:00Z', '2026-11-29T01:00:00.000Z'],
    ['00:30 waits for the same morning', '2026-11-28T16:30:00Z', '2026-11-29T01:00:00.000Z'],
    ['09:00 is inside', '2026-11-28T01:00:00Z', null],
    ['19:59 is inside', '2026-11-28T11:59:00Z', null],
  ])('%s', (_name, now, expected) => {
    expect(nextSendTime(shanghai, at(now))?.toISOString() ?? null).toBe(expected);
  });
  it('opens at 09:00 wall-clock time across a daylight-saving change', () => {
    // Berlin goes to summer time on 29 March 2026: 09:00 is 07:00 UTC that day, 08:00 UTC the day before.
    const berlin = { timeZone: 'Europe/Berlin', startMinute: 9 * 60, endMinute: 20 * 60 };
    expect(nextSendTime(berlin, at('2026-03-28T21:00:00Z'))?.toISOString()).toBe('2026-03-29T07:00:00.000Z');
  });
  it('refuses a window that is empty or wraps midnight', () => {
    expect(() => nextSendTime({ timeZone: 'Asia/Shanghai', startMinute: 20 * 60, endMinute: 9 * 60 }, at('2026-11-28T02:00:00Z'))).toThrow(RangeError);
  });
});

describe('survey questions and low scores', () => {
  it('asks the core questions, then the CSI factors the shop switched on (in their fixed order), then the comment', () => {
    expect(questionsFor([]).map((q) => q.code)).toEqual(['overall', 'recommend', 'explained', 'comment']);
    expect(questionsFor(['service-quality', 'service-advisor', 'no-such-factor']).map((q) => [q.code, q.required])).toEqual([
      ['overall', true],
      ['recommend', true],
      ['explained', true],
      ['csi.service-advisor', false],
      ['csi.service-quality', false],
      ['comment', false],
    ]);
    expect(questionsFor([])[1]).toEqual({ code: 'recommend', kind: 'scale', min: 0, max: 10, required: true });
  });
  it.each([
    [{ overall: 2 }, true],
    [{ overall: 3 }, false],
    [{ recommend: 6 }, true],
    [{ recommend: 7 }, false],
    [{ overall: 5, recommend: 0 }, true],
    [{}, false],
  ])('%j low: %s', (scores, low) => {
    expect(isLowScore(scores)).toBe(low);
  });
});
