/**
 * Does the message complain, and is it a 重大投诉 (severe complaint)?
 *
 * Reasons, each a named rule so the complaint record says why:
 * - 'explicit'      投诉, 维权, 差评, complain, complaint;
 * - 'damage'        the shop is blamed for damage ("你们把我车划了", "you scratched my bumper");
 * - 'after-service' a fault since the shop's work ("修完第二天刹车就失灵了", "since your service"), or
 *                   the same fault again ("还是有异响", "still doesn't work": a comeback, 返修);
 * - 'dissatisfied'  strong displeasure (太差, 坑人, 不满意, worst, rip-off);
 * - 'regulator'     12315, 消协, 市场监管;
 * - 'media'         曝光, 媒体, 记者, posting it online;
 * - 'legal'         律师, 起诉, lawyer, sue;
 * - 'safety'        刹车失灵, 起火, 冒烟, 安全, brakes failed, fire — only within a complaint.
 * Severe: any of regulator, media, legal, safety. Regulator, media and legal words are a
 * complaint by themselves; safety words alone are a symptom (a car that smokes is booked in).
 */
import type { ComplaintSignal } from './types';
import { findSymptom } from './symptoms';
import { prepareText } from './text';

interface ComplaintRule {
  reason: string;
  severe: boolean;
  /** A complaint by itself (false: only raises the severity of one). */
  complains: boolean;
  chinese?: RegExp;
  english?: RegExp;
}

/** Words that put the shop's past work in the frame ("上次保养后", "after your service"). */
const AFTER_SERVICE_CHINESE = /(?:上次|上回|前几天|刚|才)(?:在你们(?:这|那)?(?:里|儿)?)?(?:保养|修|换|做)|(?:修|保养|换|做|弄)(?:完|好|了之后|过之后|后(?!刹|轮|备|视|门|杠|盖|座|排|面|尾|挡)|以后)|你们(?:给我|帮我)?(?:修|换|保养|做|弄)(?:的|过|了)/;
/** The same fault again after the shop's work (返修): "还是有异响", "still doesn't work", "same problem again". */
const COMEBACK_CHINESE = /还是(?:不行|一样|老样子|有(?:问题|异响|声音)|响|抖|漏|坏)|又坏了|又响了|又漏|问题还在|毛病还在|没修好|白修了|修了(?:好几|两|三)次/;
const COMEBACK_ENGLISH = /\bstill (?:doesn't|does not|isn't|is not|not|won't) (?:work|working|fixed|start|right)|\bstill (?:broken|there|the same|making|noisy|leaking)|\bsame (?:problem|issue|noise) (?:again|as before)|\b(?:broke|broken|failed) again\b|\bsecond time\b/;
const AFTER_SERVICE_ENGLISH = /\b(?:after|since)\s+(?:the|your|my|you|last|our)?\s*(?:last\s+)?(?:service|servicing|repair|visit|oil change|work|fixed|serviced|repaired)|\byou (?:guys )?(?:just )?(?:serviced|repaired|fixed|worked on|replaced)\b/;
const DAMAGE_VERB = '(?:(?<![计规策])划(?![算分款账线])|(?<!雨)刮(?![水片器雨])|蹭|撞|凹|弄坏|搞坏|损坏|弄脏|搞脏|弄丢|丢了|少了|拆坏|砸)';
const FAULT_CHINESE = /异响|响|抖|漏|冒烟|亮灯|灯亮|故障|坏|失灵|不凉|熄火|问题|毛病|不行|没修好|刹不住|打不着|启动不了/;
const FAULT_ENGLISH = /\b(?:nois[ey]|squeak|grind|rattl|vibrat|shak|leak|smok|light|broke|broken|fail|not working|stopped working|won't start|problem|issue|worse|still)\w*/;

const RULES: readonly ComplaintRule[] = [
  {
    reason: 'explicit',
    severe: false,
    complains: true,
    chinese: /投诉|申诉|维权|举报|差评|给个说法|讨个说法|要个说法|必须给.{0,4}说法|赔偿|索赔/,
    english: /\bcomplain|\bcomplaint|\bcompensat/,
  },
  {
    reason: 'damage',
    severe: false,
    complains: true,
    // "划了我的车" said to the shop blames the shop; a stranger who did it is named ("有人划了我的车").
    chinese: new RegExp(
      `(?:你们|你家|贵店|师傅|工人|员工|上次|保养|修车|洗车).{0,12}${DAMAGE_VERB}|把我(?:的)?(?:车|爱车).{0,8}${DAMAGE_VERB}|(?<!人|谁|贼|偷)(?:(?<![计规策])划|刮花|蹭|弄坏|搞坏|弄脏|搞脏)(?:坏|花|伤|脏)?了我(?:的)?(?:车|爱车)`,
    ),
    english:
      /\b(?:you|your (?:guys|mechanics?|technicians?|staff|people|shop|team|workers?)|someone at your)\b.{0,30}\b(?:scratched|dented|damaged|broke|lost|stole|ruined|messed up|cracked)\b|\b(?:scratch|dent|damage)\w*\b.{0,30}\b(?:after|during|since) (?:the|my|your) (?:last )?(?:service|repair|visit)/,
  },
  {
    reason: 'regulator',
    severe: true,
    complains: true,
    chinese: /12315|消协|消费者协会|市场监管|工商局?|质监|交通局|主管部门/,
    english: /\bconsumer (?:association|council|protection|rights)|\bregulator|\bauthorities\b|\btrading standards\b/,
  },
  {
    reason: 'media',
    severe: true,
    complains: true,
    chinese: /曝光|(?<!多)媒体|报社|记者|电视台|(?:发|晒|放|传|挂)(?:到|在|上)?(?:网上|抖音|微博|朋友圈|小红书|点评|大众点评)|网上(?:曝|说|发)/,
    english: /\b(?:media|newspaper|journalist|reporter|the press|go public|post (?:this|it|about (?:this|it|you)) (?:online|on)|social media|tiktok|weibo|bad review|one star review)\b/,
  },
  {
    reason: 'legal',
    severe: true,
    complains: true,
    chinese: /律师|起诉|法院|告你们|打官司|法律|诉讼/,
    english: /\b(?:lawyer|attorney|sue|suing|court|legal action|solicitor)\b/,
  },
  {
    reason: 'dissatisfied',
    severe: false,
    complains: true,
    chinese:
      /太差|很差|真差|差劲|垃圾|坑人|坑爹|被坑|坑我|骗子|骗人|忽悠|态度(?:太|很|真|极|特别)?(?:差|不好|恶劣|冷淡)|不满意|失望|气死|过分|离谱|无语|恶心|黑店|宰客|不靠谱|什么破|乱收费|不负责|敷衍|服务(?:太|很|真)?(?:差|烂)/,
    // "a terrible noise" is a symptom: bare adjectives count only about the shop
    english:
      /\b(?:worst|unacceptable|overcharg\w*|charged (?:me )?twice|double charged|ridiculous|disgusting|rip[- ]?off|ripped off|scam|not happy|unhappy|disappointed|fed up|furious|pathetic|incompetent|rude|outrageous|appalling)\b|\b(?:terrible|awful|horrible|shocking|useless|poor|bad|lousy)\s+(?:service|experience|job|work|customer service|shop|dealership|garage|attitude|staff|communication)\b|\b(?:this|that|it) (?:is|was) (?:terrible|awful|horrible|shocking)\b/,
  },
  {
    reason: 'safety',
    severe: true,
    complains: false,
    chinese: /刹车失灵|刹不住|失灵|起火|着火|自燃|冒烟|(?<!注意)安全(?!带|气囊|检查|检测)|不安全|出事|事故|危险|差点撞/,
    english: /\b(?:brakes? (?:failed|failure|gave out)|caught fire|on fire|fire|smoke|smoking|unsafe|dangerous|accident|nearly crashed|almost crashed|could have (?:died|crashed))\b/,
  },
];

/** The complaint signal of a message, or null when it does not complain. */
export function findComplaint(chinese: string, english: string, symptom: boolean): ComplaintSignal | null {
  const reasons: string[] = [];
  let complains = false;
  let severe = false;
  for (const rule of RULES) {
    if (rule.chinese?.test(chinese) || rule.english?.test(english)) {
      reasons.push(rule.reason);
      complains ||= rule.complains;
      severe ||= rule.severe;
    }
  }
  const afterService =
    (AFTER_SERVICE_CHINESE.test(chinese) && (symptom || FAULT_CHINESE.test(chinese))) ||
    (AFTER_SERVICE_ENGLISH.test(english) && (symptom || FAULT_ENGLISH.test(english)));
  const comeback = COMEBACK_CHINESE.test(chinese) || COMEBACK_ENGLISH.test(english);
  if (afterService || comeback) {
    reasons.push('after-service');
    complains = true;
  }
  if (!complains) return null;
  return { severe, reasons };
}

/** The reasons that make a complaint a complaint even when the message is also a survey answer. */
export const STRONG_COMPLAINT_REASONS: ReadonlySet<string> = new Set(['explicit', 'damage', 'after-service', 'regulator', 'media', 'legal']);

/**
 * The reasons a message carries when it is already known to be a complaint (said in the
 * complaint conversation, a survey comment after a low score, words an advisor took down):
 * here safety words count on their own, so "刹车失灵差点出事" told as a complaint is a 重大投诉,
 * although on its own it is a symptom to book in.
 */
export function reasonsWithinComplaint(text: string): ComplaintSignal {
  const t = prepareText(text);
  const reasons = new Set(findComplaint(t.chinese, t.english, findSymptom(t.chinese, t.english).found)?.reasons ?? []);
  let severe = false;
  for (const rule of RULES) {
    if (rule.chinese?.test(t.chinese) || rule.english?.test(t.english)) {
      reasons.add(rule.reason);
      severe ||= rule.severe;
    }
  }
  return { severe, reasons: [...reasons] };
}
