import { addWorkingDays, addWorkingMinutes, isWorkingDay, nextWorkingDay, nextWorkingDayEnd, openingFor, type ShopCalendar } from '../services/calendar';

const SH = 'Asia/Shanghai';
const weekdays = (open: number, close: number) => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, openMinute: open, closeMinute: close }));

/** The demo shop's timetable: Mon–Fri 08:30–18:00, Sat 09:00–17:00, Sunday closed. */
function shop(calendarDays: ShopCalendar['calendarDays'] = []): ShopCalendar {
  return {
    id: 'shop',
    timeZone: SH,
    openingHours: [...weekdays(510, 1080), { weekday: 6, openMinute: 540, closeMinute: 1020 }],
    calendarDays,
  };
}
const day = (date: string, kind: 'HOLIDAY' | 'WORKDAY', openMinute: number | null = null, closeMinute: number | null = null) => ({
  date: new Date(`${date}T00:00:00Z`),
  kind,
  openMinute,
  closeMinute,
});

describe('openingFor', () => {
  it('uses the weekly hours', () => {
    expect(openingFor(shop(), '2026-11-27')).toEqual({ openMinute: 510, closeMinute: 1080 }); // Friday
    expect(openingFor(shop(), '2026-11-28')).toEqual({ openMinute: 540, closeMinute: 1020 }); // Saturday
  });

  it('is closed on Sunday', () => {
    expect(openingFor(shop(), '2026-11-29')).toBeNull();
  });

  it('is closed on a public holiday that falls on a weekday', () => {
    expect(openingFor(shop([day('2027-01-01', 'HOLIDAY')]), '2027-01-01')).toBeNull();
  });

  it('opens on a make-up working day with Monday hours when the row has none', () => {
    expect(openingFor(shop([day('2027-01-31', 'WORKDAY')]), '2027-01-31')).toEqual({ openMinute: 510, closeMinute: 1080 });
  });

  it('uses the make-up day row hours when given', () => {
    expect(openingFor(shop([day('2027-01-31', 'WORKDAY', 540, 960)]), '2027-01-31')).toEqual({ openMinute: 540, closeMinute: 960 });
  });
});

describe('working days', () => {
  const cal = shop([day('2027-01-01', 'HOLIDAY'), day('2027-01-31', 'WORKDAY')]);

  it('skips Sundays and holidays', () => {
    expect(isWorkingDay(cal, '2027-01-01')).toBe(false);
    expect(nextWorkingDay(cal, '2026-12-31')).toBe('2027-01-02'); // Friday holiday → Saturday
    expect(nextWorkingDay(cal, '2027-01-30')).toBe('2027-01-31'); // make-up Sunday
  });

  it('adds working days at the same wall-clock time', () => {
    // Thursday 2026-12-31 15:00 + 1 working day: Friday 1 Jan is a holiday → Saturday 2 Jan 15:00.
    const due = addWorkingDays(cal, new Date('2026-12-31T07:00:00Z'), 1);
    expect(due.toISOString()).toBe('2027-01-02T07:00:00.000Z');
  });

  it('starts counting at the next opening when the event is after hours', () => {
    // Saturday 28 Nov 20:00 → counts from Monday 08:30 → +1 = Tuesday 08:30.
    const due = addWorkingDays(cal, new Date('2026-11-28T12:00:00Z'), 1);
    expect(due.toISOString()).toBe('2026-12-01T00:30:00.000Z');
  });

  it('clamps to the shorter Saturday hours', () => {
    // Friday 17:30 + 1 → Saturday, which closes at 17:00.
    const due = addWorkingDays(cal, new Date('2026-11-27T09:30:00Z'), 1);
    expect(due.toISOString()).toBe('2026-11-28T09:00:00.000Z');
  });

  it('gives the end of the next working day', () => {
    // From Saturday: Sunday closed → Monday 18:00.
    expect(nextWorkingDayEnd(cal, new Date('2026-11-28T02:00:00Z')).toISOString()).toBe('2026-11-30T10:00:00.000Z');
  });
});

describe('addWorkingMinutes', () => {
  const at = (local: string) => new Date(`${local}+08:00`);
  it.each([
    ['inside one day', '2026-11-27T10:00:00', 120, '2026-11-27T12:00:00'],
    ['ending exactly at closing time', '2026-11-27T16:00:00', 120, '2026-11-27T18:00:00'],
    ['over the night to the next opening', '2026-11-27T17:30:00', 120, '2026-11-28T10:30:00'],
    ['Saturday afternoon over Sunday to Monday', '2026-11-28T16:30:00', 120, '2026-11-30T10:00:00'],
    ['from a closed Sunday', '2026-11-29T11:00:00', 120, '2026-11-30T10:30:00'],
    ['before opening', '2026-11-27T07:00:00', 60, '2026-11-27T09:30:00'],
    ['zero minutes', '2026-11-29T11:00:00', 0, '2026-11-29T11:00:00'],
  ])('%s', (_label, from, minutes, expected) => {
    expect(addWorkingMinutes(shop(), at(from), minutes)).toEqual(at(expected));
  });

  it('skips a public holiday', () => {
    expect(addWorkingMinutes(shop([day('2027-01-01', 'HOLIDAY')]), at('2026-12-31T17:00:00'), 120)).toEqual(at('2027-01-02T10:00:00'));
  });
});
