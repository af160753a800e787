/** Holidays on a fixed Gregorian date (month, day). Lunar holidays (春节, 中秋, 端午) are not included. */
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
