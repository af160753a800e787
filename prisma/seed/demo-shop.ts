/** The demo dealership that `aftercare db seed` creates: realistic enough to try every flow. */

export const DEMO_SHOP = {
  code: 'DEMO',
  name: '安途汽车4S店（演示）',
  nameEn: 'Antu Motors (demo)',
  phone: '021-5555 0100',
  address: '上海市闵行区虹梅南路 1888 号',
  labourRateFen: 30_000, // ¥300 per hour
  taxRateBp: 1300, // 13 % VAT on repair services
  slotMinutes: 30,
  bookingHorizonDays: 60,
};

/** ISO weekday → [open, close] in minutes after midnight; Sunday closed. */
export const OPENING_HOURS: Record<number, [number, number]> = {
  1: [8 * 60 + 30, 18 * 60],
  2: [8 * 60 + 30, 18 * 60],
  3: [8 * 60 + 30, 18 * 60],
  4: [8 * 60 + 30, 18 * 60],
  5: [8 * 60 + 30, 18 * 60],
  6: [9 * 60, 17 * 60],
};

export const BAYS = [
  { name: '1号工位', kind: 'GENERAL' as const },
  { name: '2号工位', kind: 'GENERAL' as const },
  { name: '3号快保工位', kind: 'QUICK' as const },
  { name: '4号四轮定位工位', kind: 'ALIGNMENT' as const },
];

export const TECHNICIANS = [
  { name: '陈师傅', skills: ['maintenance', 'brakes', 'electrical'] },
  { name: '刘师傅', skills: ['maintenance', 'tyres', 'alignment'] },
  { name: '赵师傅', skills: ['maintenance', 'ac', 'electrical'] },
  { name: '孙师傅', skills: ['maintenance', 'brakes', 'tyres'] },
];

export const ADVISORS = [
  { name: '张敏', role: 'ADVISOR' as const, mobile: '13900000001', email: 'zhang.min@example.com' },
  { name: '李强', role: 'ADVISOR' as const, mobile: '13900000002', email: 'li.qiang@example.com' },
  { name: '王经理', role: 'MANAGER' as const, mobile: '13900000003', email: 'wang.manager@example.com' },
];

/** restockInDays: expected delivery counted from the seed date, for parts out of stock. */
export const PARTS = [
  { sku: 'OIL-0W20-1L', nameZh: '全合成机油 0W-20', nameEn: 'Full synthetic oil 0W-20', unit: '升', unitPriceFen: 9_800, stockQty: 400 },
  { sku: 'FLT-OIL-01', nameZh: '机油滤清器', nameEn: 'Oil filter', unit: '个', unitPriceFen: 6_800, stockQty: 60 },
  { sku: 'FLT-AIR-01', nameZh: '空气滤清器', nameEn: 'Engine air filter', unit: '个', unitPriceFen: 12_800, stockQty: 40 },
  { sku: 'FLT-CABIN-01', nameZh: '空调滤芯', nameEn: 'Cabin air filter', unit: '个', unitPriceFen: 9_800, stockQty: 50 },
  { sku: 'BRK-PAD-F', nameZh: '前刹车片（套）', nameEn: 'Front brake pads (set)', unit: '套', unitPriceFen: 58_000, stockQty: 12 },
  { sku: 'BRK-PAD-R', nameZh: '后刹车片（套）', nameEn: 'Rear brake pads (set)', unit: '套', unitPriceFen: 46_000, stockQty: 0, restockInDays: 5 },
  { sku: 'BRK-FLUID-1L', nameZh: '刹车油 DOT4', nameEn: 'Brake fluid DOT4', unit: '升', unitPriceFen: 8_800, stockQty: 30 },
  { sku: 'BAT-60AH', nameZh: '蓄电池 60Ah', nameEn: 'Battery 60Ah', unit: '个', unitPriceFen: 78_000, stockQty: 8 },
  { sku: 'SPK-PLUG', nameZh: '火花塞', nameEn: 'Spark plug', unit: '个', unitPriceFen: 6_500, stockQty: 80 },
  { sku: 'COOLANT-1L', nameZh: '防冻液', nameEn: 'Coolant', unit: '升', unitPriceFen: 4_800, stockQty: 60 },
  { sku: 'WIPER-SET', nameZh: '雨刮片（对）', nameEn: 'Wiper blades (pair)', unit: '对', unitPriceFen: 16_800, stockQty: 25 },
  { sku: 'AC-R1234YF', nameZh: '空调冷媒 R1234yf', nameEn: 'A/C refrigerant R1234yf', unit: '瓶', unitPriceFen: 35_000, stockQty: 10 },
  { sku: 'TYRE-225-55R17', nameZh: '轮胎 225/55 R17', nameEn: 'Tyre 225/55 R17', unit: '条', unitPriceFen: 88_000, stockQty: 16 },
];

export const CATALOG = [
  { code: 'PM-FIRST', nameZh: '首保', nameEn: 'First service', aliases: ['首次保养', '首保养', 'first maintenance', '1st service'], labourMinutes: 60, requiredSkill: 'maintenance', bayKind: 'QUICK' as const, intervalKm: 5000, intervalMonths: 6, nextServiceCode: 'PM-REGULAR', parts: [['OIL-0W20-1L', 4], ['FLT-OIL-01', 1]] as const },
  { code: 'PM-REGULAR', nameZh: '常规保养', nameEn: 'Regular maintenance', aliases: ['保养', '小保养', '做保养', 'maintenance', 'service', 'routine service', 'regular service'], labourMinutes: 90, requiredSkill: 'maintenance', bayKind: 'GENERAL' as const, intervalKm: 10000, intervalMonths: 12, parts: [['OIL-0W20-1L', 4.5], ['FLT-OIL-01', 1], ['FLT-AIR-01', 1]] as const },
  { code: 'OIL-CHANGE', nameZh: '更换机油机滤', nameEn: 'Oil and filter change', aliases: ['换机油', '换机油机滤', '机油', 'oil change', 'change oil'], labourMinutes: 45, requiredSkill: 'maintenance', bayKind: 'QUICK' as const, intervalKm: 7500, intervalMonths: 6, parts: [['OIL-0W20-1L', 4], ['FLT-OIL-01', 1]] as const },
  { code: 'BRAKE-PAD-F', nameZh: '更换前刹车片', nameEn: 'Front brake pads', aliases: ['前刹车片', '刹车片', '换刹车片', 'brake pads', 'front brakes', 'brakes'], labourMinutes: 60, requiredSkill: 'brakes', bayKind: 'GENERAL' as const, parts: [['BRK-PAD-F', 1]] as const },
  { code: 'BRAKE-PAD-R', nameZh: '更换后刹车片', nameEn: 'Rear brake pads', aliases: ['后刹车片', 'rear brakes', 'rear brake pads'], labourMinutes: 60, requiredSkill: 'brakes', bayKind: 'GENERAL' as const, parts: [['BRK-PAD-R', 1]] as const },
  { code: 'CABIN-FILTER', nameZh: '更换空调滤芯', nameEn: 'Cabin air filter', aliases: ['空调滤芯', '空调滤', '换空调滤芯', 'cabin filter', 'pollen filter'], labourMinutes: 20, requiredSkill: 'maintenance', bayKind: 'QUICK' as const, intervalKm: 20000, intervalMonths: 12, parts: [['FLT-CABIN-01', 1]] as const },
  { code: 'TYRE-ROTATION', nameZh: '轮胎换位', nameEn: 'Tyre rotation', aliases: ['换位', '轮胎调换', 'tire rotation', 'rotate tyres', 'rotate tires'], labourMinutes: 30, requiredSkill: 'tyres', bayKind: 'QUICK' as const, intervalKm: 10000, parts: [] as const },
  { code: 'ALIGNMENT', nameZh: '四轮定位', nameEn: 'Wheel alignment', aliases: ['定位', '做定位', 'alignment', 'wheel alignment', 'tracking'], labourMinutes: 60, requiredSkill: 'alignment', bayKind: 'ALIGNMENT' as const, parts: [] as const },
  { code: 'BATTERY', nameZh: '更换蓄电池', nameEn: 'Battery replacement', aliases: ['蓄电池', '电瓶', '换电瓶', 'battery', 'new battery'], labourMinutes: 30, requiredSkill: 'electrical', bayKind: 'QUICK' as const, parts: [['BAT-60AH', 1]] as const },
  { code: 'BRAKE-FLUID', nameZh: '更换刹车油', nameEn: 'Brake fluid change', aliases: ['刹车油', '制动液', 'brake fluid'], labourMinutes: 45, requiredSkill: 'brakes', bayKind: 'GENERAL' as const, intervalKm: 40000, intervalMonths: 24, parts: [['BRK-FLUID-1L', 1]] as const },
  { code: 'AC-SERVICE', nameZh: '空调检修加冷媒', nameEn: 'A/C service and recharge', aliases: ['空调', '加氟', '空调加氟', '空调不凉', 'air con', 'a/c', 'ac service', 'air conditioning'], labourMinutes: 60, requiredSkill: 'ac', bayKind: 'GENERAL' as const, parts: [['AC-R1234YF', 1]] as const },
  { code: 'SPARK-PLUGS', nameZh: '更换火花塞', nameEn: 'Spark plug replacement', aliases: ['火花塞', 'spark plugs'], labourMinutes: 60, requiredSkill: 'maintenance', bayKind: 'GENERAL' as const, intervalKm: 60000, parts: [['SPK-PLUG', 4]] as const },
  { code: 'COOLANT', nameZh: '更换防冻液', nameEn: 'Coolant change', aliases: ['防冻液', '冷却液', 'coolant', 'antifreeze'], labourMinutes: 45, requiredSkill: 'maintenance', bayKind: 'GENERAL' as const, intervalKm: 40000, intervalMonths: 24, parts: [['COOLANT-1L', 4]] as const },
  { code: 'WIPERS', nameZh: '更换雨刮片', nameEn: 'Wiper blades', aliases: ['雨刮', '雨刷', 'wipers', 'wiper blades'], labourMinutes: 15, requiredSkill: 'maintenance', bayKind: 'QUICK' as const, parts: [['WIPER-SET', 1]] as const },
  { code: 'TYRES', nameZh: '更换轮胎', nameEn: 'Tyre replacement', aliases: ['换轮胎', '轮胎', 'tyres', 'tires', 'new tyres', 'new tires'], labourMinutes: 60, requiredSkill: 'tyres', bayKind: 'QUICK' as const, parts: [['TYRE-225-55R17', 4]] as const },
  { code: 'INSPECTION', nameZh: '全车检测', nameEn: 'Full vehicle inspection', aliases: ['检测', '检查', '车检', '检修', '修车', '故障', '异响', '有点响', '响声', '抖动', '漏油', '故障灯', 'inspection', 'check-up', 'health check', 'diagnosis', 'noise', 'warning light'], labourMinutes: 60, requiredSkill: 'maintenance', bayKind: 'GENERAL' as const, parts: [] as const },
];
