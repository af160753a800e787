/**
 * China's public holidays (放假) and make-up working days (调休上班).
 * The demo shop is closed on Sundays and public holidays; a make-up day that falls on a
 * Sunday opens it. 2027 is PROVISIONAL: the statutory days follow the 2025 rules
 * (元旦1, 春节4, 清明1, 劳动节2, 端午1, 中秋1, 国庆3) on the 2027 lunar dates, but the
 * 调休 pattern was estimated before the State Council's notice could be checked here.
 * Edit this list (or the WorkingCalendarDay table) when the notice is published.
 */
export interface CalendarEntry {
  date: string;
  kind: 'HOLIDAY' | 'WORKDAY';
  name: string;
}

function range(from: string, to: string, kind: CalendarEntry['kind'], name: string): CalendarEntry[] {
  const out: CalendarEntry[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    out.push({ date: d.toISOString().slice(0, 10), kind, name });
  }
  return out;
}

export const CHINA_CALENDAR: CalendarEntry[] = [
  // 2027 (provisional, see above)
  ...range('2027-01-01', '2027-01-03', 'HOLIDAY', '元旦'),
  ...range('2027-02-05', '2027-02-13', 'HOLIDAY', '春节'),
  { date: '2027-01-31', kind: 'WORKDAY', name: '春节调休上班' },
  { date: '2027-02-21', kind: 'WORKDAY', name: '春节调休上班' },
  ...range('2027-04-03', '2027-04-05', 'HOLIDAY', '清明节'),
  ...range('2027-05-01', '2027-05-05', 'HOLIDAY', '劳动节'),
  { date: '2027-04-25', kind: 'WORKDAY', name: '劳动节调休上班' },
  { date: '2027-06-09', kind: 'HOLIDAY', name: '端午节' },
  { date: '2027-09-15', kind: 'HOLIDAY', name: '中秋节' },
  ...range('2027-10-01', '2027-10-07', 'HOLIDAY', '国庆节'),
  { date: '2027-09-26', kind: 'WORKDAY', name: '国庆节调休上班' },
];
