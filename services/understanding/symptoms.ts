/**
 * A fault described in the customer's words ("刹车有异响", "engine light is on"). A symptom
 * books an inspection, never a guess at the repair; the words are kept for the advisor.
 */

const SYMPTOM_CHINESE = new RegExp(
  [
    // noises
    '异响', '响声', '有声音', '声音(?:很|有点|特别|好)?(?:大|怪|奇怪|响)', '噪音', '咯吱', '吱吱', '嘎吱', '咔咔', '哐哐', '嗡嗡', '咚咚', '(?<!影)响(?!应)',
    // shaking, pulling
    '抖(?!音)', '震动', '振动', '颤', '跑偏', '方向盘(?:歪|重|沉)', '(?:有点|很|发)飘',
    // leaks, smells, smoke
    '漏油', '漏水', '渗油', '漏液', '漏气', '冒烟', '冒白烟', '冒黑烟', '烧焦', '焦味', '异味', '臭味', '怪味', '霉味', '汽油味', '味道(?:很|有点|特别)?(?:大|怪|难闻|冲)',
    // lights and warnings
    '亮灯', '灯亮', '故障灯', '报警', '警告灯', '发动机灯', '胎压(?:低|不足|报警|灯)', '提示胎压',
    // starting, power, temperature
    '没电', '亏电', '打不着', '打不起火', '启动不了', '启动不起来', '点不着', '熄火', '没劲', '动力不足', '顿挫', '过热', '水温高', '开锅', '费油', '油耗(?:高|大)',
    // brakes, air-con, tyres
    '刹车(?:有点|有些|很|太|变|发)?(?:软|不灵|失灵|没力|硬|偏)', '(?:踩|踏)(?:下去|起来|着)?(?:很|有点|特别|太)?(?:软|硬|没力)', '刹不住', '失灵', '不凉', '不制冷', '不出风', '不热', '扎了', '扎胎', '爆胎', '没气',
    // accidents and body damage (blame turns these into a complaint, see complaint.ts)
    '追尾', '撞了', '被撞', '(?<!雨)刮了', '蹭了', '凹了', '凹陷', '掉漆', '碎了', '裂了',
    // general
    '坏了', '故障', '不正常', '出(?:了|点)?问题', '毛病', '卡顿', '卡住', '卡死',
  ].join('|'),
);

const SYMPTOM_ENGLISH = new RegExp(
  [
    'nois[ey]', 'squeak', 'squeal', 'grind', 'rattl', 'knock', 'clunk', 'clicking', 'humming', 'whin(?:e|ing)',
    'vibrat', 'shak(?:e|es|ing)', 'shudder', 'wobbl', 'pulls? to', 'pulling to',
    'leak', 'smok(?:e|ing)', 'smell', 'burning', 'overheat',
    'warning light', 'check engine', 'engine light', 'light (?:is |came |come |went |keeps coming )?on', 'dashboard light',
    "won'?t start", "doesn'?t start", "can'?t start", 'not starting', 'no start', 'dead battery', 'flat battery', 'battery (?:is )?dead',
    'flat (?:tyre|tire)', 'looks? flat', '(?:is|are|went|gone|going) flat', 'puncture', 'pressure (?:warning|light)', 'tpms', 'blow(?:s|ing)? (?:warm|hot)', 'not (?:cold|cooling)', 'stall', 'misfir', 'rough idle', 'hesitat',
    'dent(?:ed)?', 'scratch(?:ed)?', 'crash(?:ed)?', 'rear-ended', 'cracked', 'accident', 'broke down', 'broken down',
    'broken', 'not working', "doesn'?t work", "isn'?t working", 'brakes? (?:feels? )?(?:soft|spongy|failed)', 'brake failure',
  ]
    .map((w) => `\\b${w}`)
    .join('|'),
);

export interface SymptomHit {
  found: boolean;
  /** The words, as matched (for the advisor's note). */
  said: string | null;
}

export function findSymptom(chinese: string, english: string): SymptomHit {
  const zh = SYMPTOM_CHINESE.exec(chinese);
  if (zh) return { found: true, said: zh[0] };
  const en = SYMPTOM_ENGLISH.exec(english);
  if (en) return { found: true, said: en[0] };
  return { found: false, said: null };
}

/** Symptom words inside a stretch of text (a clause), for deciding how firm a service mention is. */
export function hasSymptom(text: string): boolean {
  return SYMPTOM_CHINESE.test(text) || SYMPTOM_ENGLISH.test(text);
}
