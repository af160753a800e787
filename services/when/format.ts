import { parseYMD, weekdayOf } from './calendar';
import type { WantedTime } from './index';

const ZH_WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const EN_WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ZH_PARTS = { morning: '上午', noon: '中午', afternoon: '下午', evening: '晚上' } as const;

/** "11月28日（周六）上午10:00" / "Sat 28 Nov, 10:00" */
export function formatWanted(w: WantedTime, locale: 'zh' | 'en'): string {
  const day = parseYMD(w.date);
  const wd = weekdayOf(day);
  if (locale === 'zh') {
    let s = `${day.m}月${day.d}日（${ZH_WEEKDAYS[wd]}）`;
    if (w.part) s += ZH_PARTS[w.part];
    else if (w.time) {
      const h = Number(w.time.slice(0, 2));
      s += h < 12 ? '上午' : h < 13 ? '中午' : h < 18 ? '下午' : '晚上';
    }
    if (w.time) s += w.time;
    return s;
  }
  let s = `${EN_WEEKDAYS[wd]} ${day.d} ${EN_MONTHS[day.m - 1]}`;
  if (w.time) s += `, ${w.time}`;
  else if (w.part) s += `, ${w.part}`;
  return s;
}
