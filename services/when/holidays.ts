/** Holidays on a fixed Gregorian date (month, day); the lunar ones are below. */
export const FIXED_HOLIDAYS_ZH: Record<string, [number, number]> = {
  元旦: [1, 1], 新年: [1, 1], 情人节: [2, 14], 妇女节: [3, 8], 三八节: [3, 8], 植树节: [3, 12], 愚人节: [4, 1],
  劳动节: [5, 1], 五一劳动节: [5, 1], 五一: [5, 1], 青年节: [5, 4], 儿童节: [6, 1], 六一: [6, 1], 建党节: [7, 1],
  建军节: [8, 1], 教师节: [9, 10], 国庆节: [10, 1], 国庆: [10, 1], 十一: [10, 1], 双十一: [11, 11], 光棍节: [11, 11],
  双十二: [12, 12], 平安夜: [12, 24], 圣诞节: [12, 25], 圣诞: [12, 25], 跨年: [12, 31],
};

export const FIXED_HOLIDAYS_EN: Record<string, [number, number]> = {
  "new year's day": [1, 1], 'new years day': [1, 1], 'new year day': [1, 1], "new year's eve": [12, 31], 'new year': [1, 1],
  "valentine's day": [2, 14], 'valentines day': [2, 14], 'valentine day': [2, 14], "st patrick's day": [3, 17],
  "saint patrick's day": [3, 17], 'saint patrick': [3, 17], 'st patrick': [3, 17], "april fools' day": [4, 1], 'april fools day': [4, 1],
  'earth day': [4, 22], 'may day': [5, 1], "international workers' day": [5, 1], 'labour day': [5, 1], 'workers day': [5, 1],
  'independence day': [7, 4], 'fourth of july': [7, 4], 'halloween': [10, 31], 'veterans day': [11, 11],
  'christmas eve': [12, 24], 'christmas day': [12, 25], 'christmas': [12, 25], 'xmas': [12, 25], 'boxing day': [12, 26],
};

/** A lunar date: month, day ('last' is the month's last day: 除夕 is the last day of 腊月). */
type LunarDay = readonly [month: number, day: number | 'last'];

const FIRST_DAYS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** Lunar holidays customers name (dates from lunar.ts); 清明 is a solar term and is handled apart. */
export const LUNAR_HOLIDAYS_ZH: Record<string, LunarDay> = {
  春节: [1, 1], 大年初一: [1, 1], 新春: [1, 1], 农历新年: [1, 1],
  // 大年初二 … 大年初十: the days of the new-year holiday
  ...Object.fromEntries(FIRST_DAYS.slice(1).map((n, i) => [`大年初${n}`, [1, i + 2] as LunarDay])),
  除夕: [12, 'last'], 大年三十: [12, 'last'], 年三十: [12, 'last'], 大年夜: [12, 'last'],
  元宵节: [1, 15], 元宵: [1, 15], 端午节: [5, 5], 端午: [5, 5], 端阳节: [5, 5], 七夕节: [7, 7], 七夕: [7, 7],
  中秋节: [8, 15], 中秋: [8, 15], 重阳节: [9, 9], 重阳: [9, 9], 腊八节: [12, 8], 腊八: [12, 8],
};
export const QINGMING_ZH = ['清明节', '清明'];

export const LUNAR_HOLIDAYS_EN: Record<string, LunarDay> = {
  'chinese new year': [1, 1], 'lunar new year': [1, 1], 'spring festival': [1, 1],
  "chinese new year's eve": [12, 'last'], 'chinese new years eve': [12, 'last'],
  'lantern festival': [1, 15], 'dragon boat festival': [5, 5], 'mid-autumn festival': [8, 15], 'mid autumn festival': [8, 15],
  'moon festival': [8, 15], 'double ninth festival': [9, 9],
};
export const QINGMING_EN = ['qingming festival', 'qingming', 'tomb-sweeping day', 'tomb sweeping day'];
