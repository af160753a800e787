import { findSlots, loadSearchContext, OccupancyLoader, type FindSlotsInput } from '../services/booking/availability';
import { at, bookingScenario, NOW, type BookingScenario } from './support/booking-scenarios';

/** Now is Friday 2026-11-27 10:00 Shanghai (see booking-scenarios.ts). */
let s: BookingScenario;
beforeAll(async () => {
  s = await bookingScenario();
});
beforeEach(() => s.reset());
afterAll(() => s.close());

const search = (codes: string[], date: string, time: string | null = null, part: FindSlotsInput['wanted']['part'] = null, now = NOW) =>
  findSlots(s.prisma, { shopId: s.shopId, catalogItemIds: codes.map((c) => s.item(c)), wanted: { date, time, part }, now });
const times = (slots: Array<{ date: string; time: string }>) => slots.map((x) => `${x.date} ${x.time}`);

describe('opening hours', () => {
  it('offers the requested time when it is free, with the nearest others', async () => {
    const r = await search(['PM-REGULAR'], '2026-11-30', '10:00');
    expect(r.requested).toMatchObject({ date: '2026-11-30', time: '10:00', startsAt: at('2026-11-30', '10:00'), endsAt: at('2026-11-30', '11:30') });
    expect(times(r.alternatives)).toEqual(['2026-11-30 09:30', '2026-11-30 10:30']);
    expect(r.reason).toBeUndefined();
    expect(r.partsShortage).toBeUndefined();
  });

  it('starts at opening time and ends by closing time (Saturday 09:00–17:00)', async () => {
    const first = await search(['PM-REGULAR'], '2026-11-28');
    expect(times(first.alternatives)).toEqual(['2026-11-28 09:00', '2026-11-28 09:30']);
    // 90 minutes must end by 17:00: 15:30 is the last start, 16:00 is outside hours.
    expect((await search(['PM-REGULAR'], '2026-11-28', '15:30')).requested?.time).toBe('15:30');
    const late = await search(['PM-REGULAR'], '2026-11-28', '16:00');
    expect(late.reason).toBe('outside-hours');
    expect(times(late.alternatives)).toEqual(['2026-11-28 15:30', '2026-11-28 15:00']);
    expect((await search(['PM-REGULAR'], '2026-11-30', '08:00')).reason).toBe('outside-hours');
  });

  it('is closed on Sunday and offers Monday', async () => {
    const r = await search(['OIL-CHANGE'], '2026-11-29', '10:00');
    expect(r).toMatchObject({ requested: null, reason: 'closed' });
    expect(times(r.alternatives)).toEqual(['2026-11-30 10:00', '2026-11-30 09:30']);
  });

  it('is closed on a public holiday (元旦 2027-01-01..03) and offers the next working day', async () => {
    const r = await search(['OIL-CHANGE'], '2027-01-01');
    expect(r.reason).toBe('closed');
    expect(times(r.alternatives)).toEqual(['2027-01-04 08:30', '2027-01-04 09:00']);
    // A holiday on a Saturday closes the shop as well.
    expect((await search(['OIL-CHANGE'], '2027-01-02', '10:00')).reason).toBe('closed');
  });

  it('is closed on a holiday added by the shop', async () => {
    await s.addCalendarDay('2026-12-01', 'HOLIDAY');
    const r = await search(['OIL-CHANGE'], '2026-12-01', '10:00');
    expect(r.reason).toBe('closed');
    expect(r.alternatives[0].date).toBe('2026-12-02');
  });

  it('opens on a make-up working day (Sunday 2027-01-31) with Monday hours', async () => {
    const now = at('2027-01-25', '10:00');
    const r = await search(['OIL-CHANGE'], '2027-01-31', null, null, now);
    expect(r.reason).toBeUndefined();
    expect(times(r.alternatives)).toEqual(['2027-01-31 08:30', '2027-01-31 09:00']);
  });

  it('honours the hours stored on a make-up day', async () => {
    await s.addCalendarDay('2026-12-06', 'WORKDAY', 600, 900); // Sunday 10:00–15:00
    const r = await search(['OIL-CHANGE'], '2026-12-06');
    expect(times(r.alternatives)).toEqual(['2026-12-06 10:00', '2026-12-06 10:30']);
    expect((await search(['OIL-CHANGE'], '2026-12-06', '14:30')).reason).toBe('outside-hours');
  });
});

describe('now, lead time and horizon', () => {
  it('needs an hour of lead time: 10:30 today is too soon, 11:00 is fine', async () => {
    const soon = await search(['OIL-CHANGE'], '2026-11-27', '10:30');
    expect(soon.reason).toBe('past');
    expect(times(soon.alternatives)).toEqual(['2026-11-27 11:00', '2026-11-27 11:30']);
    expect((await search(['OIL-CHANGE'], '2026-11-27', '11:00')).requested?.time).toBe('11:00');
  });

  it('offers the rest of today without a time', async () => {
    expect(times((await search(['OIL-CHANGE'], '2026-11-27')).alternatives)).toEqual(['2026-11-27 11:00', '2026-11-27 11:30']);
  });

  it('says "past" for a morning already gone, and offers the nearest slots that day', async () => {
    const r = await search(['PM-REGULAR'], '2026-11-27', null, 'morning', at('2026-11-27', '11:30'));
    expect(r.reason).toBe('past');
    expect(times(r.alternatives)).toEqual(['2026-11-27 12:30', '2026-11-27 13:00']);
  });

  it('says "past" for an earlier date and offers from today', async () => {
    const r = await search(['OIL-CHANGE'], '2026-11-20', '10:00');
    expect(r.reason).toBe('past');
    expect(times(r.alternatives)).toEqual(['2026-11-27 11:00', '2026-11-27 11:30']);
  });

  it('refuses dates beyond the 60-day horizon and offers the latest bookable days', async () => {
    const r = await search(['OIL-CHANGE'], '2027-02-15', '10:00');
    expect(r.reason).toBe('beyond-horizon');
    // The horizon ends on 2027-01-26 (Tuesday).
    expect(times(r.alternatives)).toEqual(['2027-01-26 10:00', '2027-01-26 09:30']);
    expect((await search(['OIL-CHANGE'], '2027-01-26', '10:00')).requested).not.toBeNull();
    expect((await search(['OIL-CHANGE'], '2027-01-27', '10:00')).reason).toBe('beyond-horizon');
  });
});

describe('parts of the day', () => {
  it('offers the first free slots in the morning, at noon and in the afternoon', async () => {
    expect(times((await search(['OIL-CHANGE'], '2026-11-30', null, 'morning')).alternatives)).toEqual(['2026-11-30 08:30', '2026-11-30 09:00']);
    expect(times((await search(['OIL-CHANGE'], '2026-11-30', null, 'noon')).alternatives)).toEqual(['2026-11-30 11:30', '2026-11-30 12:00']);
    expect(times((await search(['OIL-CHANGE'], '2026-11-30', null, 'afternoon')).alternatives)).toEqual(['2026-11-30 13:00', '2026-11-30 13:30']);
  });

  it('says the evening is outside hours and offers the latest slots', async () => {
    const r = await search(['OIL-CHANGE'], '2026-11-30', null, 'evening');
    expect(r.reason).toBe('outside-hours');
    expect(times(r.alternatives)).toEqual(['2026-11-30 17:00', '2026-11-30 16:30']);
  });

  it('says "full" when the part of the day is taken and offers the nearest', async () => {
    await s.onlyBays(['4号四轮定位工位']);
    for (const time of ['08:30', '09:30', '10:30', '11:30']) await s.book(['ALIGNMENT'], at('2026-11-30', time));
    const r = await search(['ALIGNMENT'], '2026-11-30', null, 'morning');
    expect(r.reason).toBe('full');
    expect(times(r.alternatives)).toEqual(['2026-11-30 12:30', '2026-11-30 13:00']);
  });
});

describe('capacity', () => {
  it('has one alignment rig: a second alignment overlapping it is full', async () => {
    await s.book(['ALIGNMENT'], at('2026-11-30', '10:00'));
    const r = await search(['ALIGNMENT'], '2026-11-30', '10:00');
    expect(r).toMatchObject({ requested: null, reason: 'full' });
    // 60 minutes: 09:30 would overlap 10:00–10:30, 10:30 overlaps too.
    expect(times(r.alternatives)).toEqual(['2026-11-30 09:00', '2026-11-30 11:00']);
    expect((await search(['ALIGNMENT'], '2026-11-30', '10:30')).reason).toBe('full');
  });

  it('puts general work only on the two lifts, quick work also on the quick lane', async () => {
    await s.book(['PM-REGULAR'], at('2026-11-30', '10:00'));
    await s.book(['PM-REGULAR'], at('2026-11-30', '10:00'));
    expect((await search(['PM-REGULAR'], '2026-11-30', '10:00')).reason).toBe('full');
    expect((await search(['OIL-CHANGE'], '2026-11-30', '10:00')).requested).not.toBeNull();
    await s.book(['OIL-CHANGE'], at('2026-11-30', '10:00'));
    expect((await search(['OIL-CHANGE'], '2026-11-30', '10:00')).reason).toBe('full');
  });

  it('prefers the quick lane for quick work, keeping a lift free', async () => {
    const b = await s.book(['OIL-CHANGE'], at('2026-11-30', '10:00'));
    expect(b.bayId).toBe(s.bayId('3号快保工位'));
    expect((await search(['PM-REGULAR'], '2026-11-30', '10:00')).requested).not.toBeNull();
  });

  it('needs a technician with every skill the job needs', async () => {
    // Maintenance + alignment together: only 刘师傅 has both.
    const r = await search(['PM-REGULAR', 'ALIGNMENT'], '2026-11-30', '10:00');
    expect(r.requested).toMatchObject({ time: '10:00', endsAt: at('2026-11-30', '12:30') });
    await s.onlyTechnicians(['陈师傅', '赵师傅', '孙师傅']);
    const none = await search(['PM-REGULAR', 'ALIGNMENT'], '2026-11-30', '10:00');
    expect(none).toMatchObject({ requested: null, reason: 'full', alternatives: [] });
  });

  it('is full when the only qualified technician is busy, though a lift is free', async () => {
    await s.onlyTechnicians(['陈师傅', '刘师傅']); // 陈 is now the only one with brakes
    await s.book(['BRAKE-PAD-F'], at('2026-11-30', '10:00'));
    const r = await search(['BRAKE-PAD-F'], '2026-11-30', '10:00');
    expect(r.reason).toBe('full');
    expect((await search(['TYRE-ROTATION'], '2026-11-30', '10:00')).requested).not.toBeNull();
  });

  it('spans several slots: a job blocks every half hour it covers', async () => {
    await s.onlyBays(['1号工位']);
    await s.book(['PM-REGULAR'], at('2026-11-30', '10:00')); // 10:00–11:30
    const r = await search(['INSPECTION'], '2026-11-30', '11:00');
    expect(r.reason).toBe('full');
    expect(times(r.alternatives)).toEqual(['2026-11-30 11:30', '2026-11-30 12:00']);
    expect((await search(['INSPECTION'], '2026-11-30', '09:00')).requested?.time).toBe('09:00');
    expect((await search(['INSPECTION'], '2026-11-30', '09:30')).reason).toBe('full');
  });

  it('moves on to the following working days when a day is full', async () => {
    await s.onlyBays(['4号四轮定位工位']);
    // Saturday 09:00–17:00 holds eight one-hour alignments.
    for (let h = 9; h < 17; h++) await s.book(['ALIGNMENT'], at('2026-11-28', `${String(h).padStart(2, '0')}:00`));
    const r = await search(['ALIGNMENT'], '2026-11-28', '10:00');
    expect(r.reason).toBe('full');
    // Sunday closed → Monday, nearest to 10:00.
    expect(times(r.alternatives)).toEqual(['2026-11-30 10:00', '2026-11-30 09:30']);
  });
});

describe('parts', () => {
  it('offers nothing before the restock date of a part out of stock (rear pads, due 2026-12-02)', async () => {
    const r = await search(['BRAKE-PAD-R'], '2026-11-30', '10:00');
    expect(r).toMatchObject({ requested: null, reason: 'full', partsShortage: { partSkus: ['BRK-PAD-R'], restockDate: '2026-12-02' } });
    expect(times(r.alternatives)).toEqual(['2026-12-02 10:00', '2026-12-02 09:30']);
    expect((await search(['BRAKE-PAD-R'], '2026-12-02', '10:00')).requested?.time).toBe('10:00');
  });

  it('lets a short part with no restock date be booked, reporting the shortage', async () => {
    await s.setStock('BRK-PAD-R', 0, null);
    const r = await search(['BRAKE-PAD-R'], '2026-11-30', '10:00');
    expect(r.requested?.time).toBe('10:00');
    expect(r.partsShortage).toEqual({ partSkus: ['BRK-PAD-R'], restockDate: null });
    const booking = await s.book(['BRAKE-PAD-R'], at('2026-11-30', '10:00'));
    expect(booking.partsFlagged).toBe(true);
  });

  it('counts parts reserved by confirmed future bookings', async () => {
    await s.setStock('BAT-60AH', 1, '2026-12-03');
    const first = await s.book(['BATTERY'], at('2026-11-30', '10:00'));
    expect(first.partsFlagged).toBe(false);
    const r = await search(['BATTERY'], '2026-11-30', '11:00');
    expect(r).toMatchObject({ requested: null, partsShortage: { partSkus: ['BAT-60AH'], restockDate: '2026-12-03' } });
    expect(r.alternatives[0].date).toBe('2026-12-03');
  });

  it('needs no parts check for labour-only work', async () => {
    await s.setStock('OIL-0W20-1L', 0, null);
    expect((await search(['ALIGNMENT'], '2026-11-30', '10:00')).partsShortage).toBeUndefined();
  });
});

describe('narrow reads', () => {
  it('reads occupancy only for the days it looks at, a week at a time', async () => {
    const ctx = await loadSearchContext(s.prisma, { shopId: s.shopId, catalogItemIds: [s.item('OIL-CHANGE')], now: NOW });
    const loader = new OccupancyLoader(s.prisma, ctx);
    await loader.ensure('2026-11-30', '2026-12-06');
    await loader.ensure('2026-12-01', '2026-12-03');
    expect(loader.queries).toBe(1); // one query (bays and technicians) for the week, none after
  });
});

describe('input validation', () => {
  it('rejects malformed wishes with a clear error', async () => {
    await expect(search(['OIL-CHANGE'], '2026-02-30', '10:00')).rejects.toThrow(/YYYY-MM-DD/);
    await expect(search(['OIL-CHANGE'], '2026-11-30', '25:00')).rejects.toThrow(/HH:mm/);
    await expect(findSlots(s.prisma, { shopId: s.shopId, catalogItemIds: ['nope'], wanted: { date: '2026-11-30', time: null, part: null }, now: NOW })).rejects.toThrow(
      /unknown or inactive services/,
    );
  });
});
