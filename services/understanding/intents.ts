/**
 * What a message asks for, by rules a service department can read: the first rule in INTENT_RULES
 * that fires decides, and its id travels with the request (`CustomerRequest.rule`) so a log says why
 * a message went where it did.
 *
 * Each rule looks at the message in the forms of text.ts — `chinese` (no spaces), `english`
 * (lower case, shorthand expanded, typos of rule words corrected), `bare` (whole message, letters
 * only) — and/or at the facts already read from it (services, time, plate, score, complaint …).
 * Customers mix languages, so every rule is tried on every message.
 *
 * The order is the policy:
 *   complaint (explicit, damage, after-service, regulator, media, legal) → survey answer with a score
 *   or rating words → complaint (displeasure) → talk to a person → reschedule → cancel → repair status
 *   → defer → decline → approve → price → my bookings → opening hours → location → greeting / thanks /
 *   acknowledgement (whole message only) → praise as a survey answer → book (a verb, a service, a
 *   symptom, a time or a plate) → help → a language request alone → unknown.
 */
import type { WantedTime } from '../when';
import type { Locale } from '../locale';
import type { PreparedText } from './text';
import type { ComplaintSignal, Intent, ServiceMention } from './types';
import { STRONG_COMPLAINT_REASONS } from './complaint';

export interface Facts {
  services: ServiceMention[];
  when: WantedTime | null;
  plate: string | null;
  symptom: boolean;
  complaint: ComplaintSignal | null;
  score: number | null;
  bookingRef: string | null;
  localeSwitch: Locale | null;
  previousIntent: Intent | null;
  /** The whole message is only greetings, or only thanks and acknowledgements (see smallTalk). */
  smallTalk: 'thanks' | 'greeting' | null;
}

interface IntentRule {
  /** Shown in CustomerRequest.rule: "<intent>.<what fired>". */
  id: string;
  intent: Intent;
  chinese?: RegExp;
  english?: RegExp;
  /** Tested on the whole message in its bare form. */
  bare?: RegExp;
  /** Extra condition on the facts; a rule with no pattern fires on this alone. */
  only?: (f: Facts, t: PreparedText) => boolean;
  unless?: (f: Facts, t: PreparedText) => boolean;
}

// ───── shared word lists ─────

/** Words that ask for a booking; they let a booking win over a price or an opening-hours question. */
export const BOOK_CHINESE =
  /预约|预定|预订|订个|订一下|(?<![大预节])约(?:个|一?下|到|在|明|后|今|周|下|礼拜|星期|时间|一个)|挂号|安排(?:一?下|个)?|到店|进店|来店|(?:过去|过来|开过去|开过来)(?:保养|修|做|看|一下)|排个|排一?下|(?:想|要|需要|帮我|得)(?:修|维修|修理|做(?!完))|(?:能|可以|会)修|修一?下|维修|修理|(?:过去|过来)(?:可以|行)吗|(?:现在|马上|今天|明天|后天)(?:能|可以)?(?:直接)?(?:过去|过来)/;
export const BOOK_ENGLISH =
  /\bbook|\bappointment|\bschedule|\breserv|\bbring (?:my|the|it|her|him|in)\b|\bcome in\b|\bdrop (?:it|my \w+|the \w+|her|him) off\b|\b(?:need|want|like) (?:to (?:get )?)?(?:it |my \w+ |the \w+ )?(?:fixed|repaired|looked at|checked)\b|\bneeds? (?:fixing|repairing|a repair|a service|servicing|looking at|checking)\b/;
/** Asking for a free slot or a vague time: a booking, but not strong enough to override a question. */
const SLOT_CHINESE = /有位置|有空位|有没有位置|有空吗|有没有空|能不能来|能来吗|可以来吗|尽快|越快越好|最早|月底|月初|这周|本周|下周|周末/;
const SLOT_ENGLISH =
  /\bslots?\b|\bavailab|\basap\b|\bas soon as possible\b|\bearliest\b|\bsoonest\b|\bsqueeze (?:me|us|it) in\b|\bfit (?:me|us|it) in\b|\bare you free\b|\bfree (?:slot|time)\b|\bend of (?:the|this|next) (?:month|week)\b|\b(?:next|this) week\b|\bsometime\b/;

/** "I'll be 10 minutes late", "我在路上了": about coming to a booking, not a new one. */
const ARRIVAL_CHINESE = /迟到|晚点到|晚到|在路上|马上到|快到了|到了|堵车/;
const ARRIVAL_ENGLISH = /\b(?:late|on my way|running behind|stuck in traffic|almost there|be there in|i'm here|i am here|arrived)\b|\b(?:fine|ok|good|working) now\b/;

const hasBookVerb = (t: PreparedText) => BOOK_CHINESE.test(t.chinese) || BOOK_ENGLISH.test(t.english);
const hasFirmService = (f: Facts) => f.services.some((s) => s.certainty === 'firm');

export const INTENT_RULES: readonly IntentRule[] = [
  // ───── complaints and surveys first: "我要投诉，你们上次保养把我车划了" is never a booking ─────
  { id: 'complaint.strong', intent: 'complaint', only: (f) => !!f.complaint?.reasons.some((r) => STRONG_COMPLAINT_REASONS.has(r)) },
  // ───── reminders and surveys switched off or on: "退订" here is not cancelling a booking ─────
  {
    id: 'opt_out.words',
    intent: 'opt_out',
    chinese:
      /退订|(?:别|不要|不用|不必|无需|不需要)再?(?:给我)?(?:发|推送?|提醒|通知|打扰|回访)(?:我们?)?了?(?:[。！!]|$|保养|消息|短信|信息|问卷|回访)|不再(?:提醒|通知|回访|推送)|(?:取消|关闭|关掉|停止|关了)(?:保养)?(?:订阅|提醒|通知|推送|回访)|拒收/,
    english:
      /\bunsubscribe\b|\bopt(?:[ -])?out\b|\bstop (?:sending|messaging|texting|reminding|bothering|contacting)\b|\bstop (?:the |all |these |your )?(?:reminders|messages|surveys|notifications)\b|\bno more (?:reminders|messages|surveys|notifications)\b|\bdon't (?:send|message|remind|text|contact) me\b|\bdo not (?:send|message|remind|text|contact) me\b/,
    unless: (f) => f.when !== null,
  },
  {
    id: 'opt_in.words',
    intent: 'opt_in',
    chinese: /(?:恢复|重新开启|重新打开|开启|打开|继续)(?:保养)?(?:提醒|通知|推送|订阅|回访)|重新订阅/,
    english: /\bresume (?:the )?(?:reminders|messages|notifications|surveys)\b|\bresubscribe\b|\bre-subscribe\b|\bopt(?:[ -])?(?:back )?in\b|\bturn (?:the )?(?:reminders|notifications) (?:back )?on\b|\bstart (?:sending|reminding) (?:me )?again\b|\bsend me reminders again\b/,
  },
  { id: 'survey_answer.score', intent: 'survey_answer', only: (f) => f.score !== null },
  {
    id: 'survey_answer.rating',
    intent: 'survey_answer',
    chinese: /打分|打个分|评分|评个分|评价一下|给你们评价|打星|给.{0,3}星|满意度|问卷|回访|满分/,
    english: /\brate (?:you|u|the|your|my|it|this|us)\b|\brating\b|\bfeedback\b|\bsurvey\b|\bleave a review\b|\bscore\b/,
  },
  { id: 'complaint.displeasure', intent: 'complaint', only: (f) => f.complaint !== null },

  // ───── a person ─────
  {
    id: 'handoff.person',
    intent: 'handoff',
    chinese:
      /转人工|人工(?!费|成本|工时|时)|真人|活人|找(?:个|一个)?人(?:工|来|跟|和|聊|说)|找(?:你们)?(?:的)?(?:服务)?(?:顾问|客服|经理|领导|负责人|店长|销售)|(?:服务)?顾问(?:在吗|呢|电话)|客服|(?:给我|帮我)(?:打|回)(?:个)?电话|(?:打|回)(?:个)?电话给我|回电|来电话|联系我|电话联系|打给我|人工服务/,
    english:
      /\b(?:talk|speak|chat)\s+(?:to|with)\s+(?:a |an |the |your |some )?(?:person|human|someone|somebody|advisor|adviser|agent|representative|manager|staff|people|real)|\b(?:real|actual|live) (?:person|human|agent)\b|\bhuman\b|\bagent\b|\brepresentative\b|\boperator\b|\bcall me\b|\bgive me a call\b|\bphone me\b|\bring me\b|\bcontact me\b|\bget me (?:a |an )?(?:person|human|someone|manager)/,
  },

  // ───── an existing booking ─────
  {
    id: 'reschedule.words',
    intent: 'reschedule',
    chinese:
      /改期|改时间|改个时间|改一下时间|换个时间|换时间|换个日子|换一天|换个一天|换个时段|推迟|延期|延后|往后推|推后|推一推|挪一挪|挪个时间|改约|重新约|另约|再约个时间|(?:改|挪|调|移)(?:到|在)|(?:预约|时间).{0,6}(?:改|挪|调)(?!整)/,
    english:
      /\breschedule|\brebook|\bpostpone|\bpush (?:it|my|the|our|back)\b|\bmove (?:it|my|the|our|this)\b|\bchange (?:my|the|our) (?:booking|appointment|time|date|slot|reservation)|\bchange (?:it|the time|the date) to\b|\bdifferent (?:time|day|date|slot)\b|\banother (?:time|day|date|slot)\b|\bbring (?:it|my \w+) forward\b|\bswitch (?:it|my \w+) to\b/,
  },
  {
    id: 'reschedule.new-time',
    intent: 'reschedule',
    chinese: /(?:换|推|提前|延|放|改)(?:到|成|在)/,
    english: /(?<!\b(?:can't|cannot|won't|couldn't|not) )\bmake it\b|\binstead\b|\bcan we do\b|\bchange (?:it )?to\b/,
    only: (f) => f.when !== null,
  },
  {
    id: 'cancel.words',
    intent: 'cancel',
    chinese: /取消|退掉|退订|不去了|不来了|去不了|来不了|过不去了?|过不来了?|不约了|不预约了|撤销|作废/,
    english:
      /\bcancel|\bcall (?:it )?off\b|\bcan't make it\b|\bcannot make it\b|\bwon't make it\b|\bnot (?:be )?coming\b|\bwon't be (?:coming|able to come)\b|\bcan't come\b|\b(?:delete|remove) (?:my |the )?(?:booking|appointment)\b/,
    bare: /^(?:算了|never mind|nevermind|nvm)$/,
  },

  // ───── a car in the workshop ─────
  {
    // "追加项目 / extra work": what the workshop found and waits on the customer for.
    id: 'repair_status.extra-work',
    intent: 'repair_status',
    chinese: /追加(?:项目|作业|维修|的)?|增项|加项|要我确认的(?:项目)?/,
    english: /\bextra (?:work|repairs?|jobs?)\b|\badditional (?:work|repairs?)\b|\bwhat (?:did you|have you) find\b/,
  },
  {
    id: 'repair_status.words',
    intent: 'repair_status',
    chinese:
      /(?:修|弄|搞|做|保养|车)好了?(?:没|吗|没有|么|了没|了吗)|好了(?:没|吗|没有|么)|什么时候(?:能|可以|才能)?(?:取|提|拿|开走|来取|去取|来拿|好|修好|弄好)|几点(?:能|可以)?(?:取|提|拿|好)|(?:能|可以)(?:取|提|拿)车|提车|(?<!上门|上门来)取车|进度|修到哪|修得怎么样|修的怎么样|(?:车|修|保养)\S{0,4}怎么样了|能开走|开走吗|还要多久|还要等多久|还得多久|多久能好|多久可以取|还没(?:修)?好|怎么还没|什么时候(?:能)?好/,
    english:
      /\b(?:is|are) (?:my |the )?(?:car|vehicle|it|truck|suv)\b.{0,20}\b(?:ready|done|finished|fixed|repaired|complete)\b|\b(?:ready|done|finished) yet\b|\bpick (?:it |her |him |my \w+ |the \w+ )?up\b|\bpick-?up\b|\bcollect (?:it|my \w+|the \w+)\b|\bstatus of (?:my|the) (?:car|vehicle|repair|service|job)\b|\brepair status\b|\bupdate on (?:my|the)\b|\bany (?:news|updates?)\b|\bhow(?:'s| is) my (?:car|vehicle|repair)\b|\bhow long (?:until|till|before) (?:my|the|it)\b|\bwhen (?:it's|it is|my car is|the car is) (?:ready|done|finished)\b|\bwhen will (?:my |the )?(?:car|it|vehicle) be\b/,
  },

  // ───── extra work: defer before decline ("先别修，我问问" waits; "先不修了" declines) ─────
  {
    id: 'defer.words',
    intent: 'defer',
    chinese:
      /稍后再说|以后再说|下次再说|回头再说|晚点再说|改天再说|过段时间再说|过几天再说|再说吧|下次吧|下回吧|下次再(?:做|修|换|弄|来)|再考虑|考虑一下|考虑考虑|(?:我|让我|再|先)想(?:想|一想)|(?:我|我先|先)问问|问问(?:我)?(?:老婆|老公|家人|家里|领导|老板|爸|妈|朋友|媳妇)|商量一?下|和.{1,4}商量|先别|等等再说|先放着|暂时不|暂不|先等等|等我(?:问|想|考虑)/,
    english:
      /\blater\b(?! (?:today|tonight|this|in the|on|at))|\bnot (?:right )?now\b|\bnext time\b|\banother time\b|\bthink about it\b|\blet me think\b|\bget back to you\b|\bhold off\b|\bask my (?:wife|husband|partner|boss|dad|mum|mom)\b|\bdiscuss (?:it|this) with\b|\bsleep on it\b|\bnot yet\b/,
    bare: /^(?:wait|hold on|one moment|one sec|等等|等一下|稍等|稍等一下)$/,
  },
  {
    id: 'decline.words',
    intent: 'decline',
    // (?<!要): "要不要换" asks, it does not decline
    chinese: /(?<![要需用该是])(?:不做了|不修了|不换了|不弄了|不搞了|不用修|不用换|不用做|不需要|不用了|不要了|不要修|不要换)|先不做|先不修|先不换|拒绝|算了吧|那就算了|不划算/,
    english:
      /\bdecline|\bno thanks\b|\bno thank you\b|\bdon't do\b|\bdo not do\b|\bnot doing\b|\bskip (?:it|that|this|them)\b|\bdon't need (?:it|that|this|them)\b|\bnot needed\b|\bno need\b|\bnah\b|\bnope\b|\bnot interested\b|\bleave it\b|\bforget it\b/,
    bare: /^(?:no|不|不要|不用|不了)$/,
    unless: (f) => hasFirmService(f),
  },
  {
    id: 'approve.words',
    intent: 'approve',
    chinese:
      /同意|批准|确认维修|都做|都修|都换|全做|全部做|全都做|全修|(?<![在叫不])修吧|(?<!不)做吧|(?<!不)换吧|弄吧|搞吧|(?<!时候|哪天|能不能)可以(?:做|修|换)(?![吗么嘛])|按你们说的|听你们的|就这么办|那就修|那就换|那就做|修了吧|换了吧|做了吧/,
    english:
      /\bapprove|\bgo ahead\b|\bproceed\b|\bauthori[sz]e|\b(?:yes|yeah|yep|ok|sure|fine|alright)\b,?\s+(?:please\s+)?(?:do|fix|replace|change)\b|(?:^|\b(?:yes|yeah|ok|sure|fine|please|just|then|so|alright)\s+)(?:do|fix) (?:it|them|all|everything|all of (?:it|them)|the work)\b|\blet's do it\b/,
    bare: /^(?:确认|确定|confirm|confirmed)$/,
    unless: (f) => f.when !== null,
  },

  // ───── questions ─────
  {
    id: 'price.words',
    intent: 'price',
    chinese:
      /多少钱|几多钱|几块钱|价格|价钱|价位|费用|报价|收费|收了?我|怎么收|怎么算|(?<![宝珍])贵(?![店公司州阳姓宾])|便宜|明细|账单|工时费|人工费|材料费|配件费|花了|要花|划算|打折|优惠|折扣|要多少|需要多少|大概多少|大约多少|(?<!电话|号码)多少[?？吗呢]*$|啥价|什么价|几百|几千|为什么收|凭什么收|发票|(?:\d+|[一二两三四五六七八九十百千万]{2,}|[两三四五六七八九十])(?:块|元)(?!钱包)|[一二两三四五六七八九十百千万\d]+块钱/,
    english:
      /\bhow much\b|\bprice|\bpricing\b|\bcosts?\b|\bcosting\b|\bquote\b|\bquotation\b|\bestimate\b|\bcharg(?:e|ed|es|ing)\b|\bexpensive\b|\bcheap|\bbill\b|\binvoice\b|\breceipt\b|\bbreakdown\b|\bfees?\b|\blabou?r rate\b|\bwhat(?:'s| is) the damage\b|\bdiscounts?\b|\bpromo(?:tion)?s?\b|\bdeals?\b|\bspecial offers?\b|\bcoupons?\b|\bfree of charge\b|\bfor free\b|\b(?:is|it's) (?:it |the \w+ |the \w+ \w+ )?free\b(?! (?:slot|time|tomorrow|today|on|at))|[¥$]|\brmb\b|\byuan\b|\bbucks\b/,
    unless: (f, t) => hasBookVerb(t) && f.when !== null,
  },
  {
    // "换刹车片呢？" / "and brake pads?" right after a price answer is another price question
    id: 'price.follow-up',
    intent: 'price',
    chinese: /呢[?？]?$|吗[?？]?$|^(?:那|还有|那么|再)/,
    english: /^(?:and|what about|how about|also)\b|\?$/,
    only: (f, t) => f.previousIntent === 'price' && f.services.length > 0 && f.when === null && !hasBookVerb(t),
  },
  {
    id: 'price.duration',
    intent: 'price',
    chinese: /(?:要|需要|得)等?多久|多长时间|几个小时|多少时间/,
    english: /\bhow long (?:does|will|would|do) (?:it|a|an|the)\b/,
    only: (f) => f.services.length > 0,
  },
  {
    id: 'my_bookings.words',
    intent: 'my_bookings',
    chinese:
      /我的预约|预约号|预约编号|我约的|我约了|约的(?:是|哪|几|什么)|预约(?:了)?(?:什么|哪天|几点|几号|情况|记录|信息|详情|状态)|查(?:一?下|询|查|看)?(?:我的?)?(?:预约|约)|预约查询|有没有预约|约过没|约过吗|之前约过|约过没有|看看(?:我的)?预约|我预约的|我有预约/,
    english:
      /\bmy (?:bookings?|appointments?|reservations?)\b|\b(?:check|view|see|show|find|look up|list) (?:my |the )?(?:bookings?|appointments?)\b|\bwhen is my\b|\bwhat time (?:is|was) my\b|\bdo i have (?:a|an|any) (?:booking|appointment)\b|\bdid i book\b|\bbooking (?:status|details)\b|\bam i booked\b|\bstatus of my (?:booking|appointment)\b/,
  },
  // "book an oil change for SH B77777 tomorrow at 10": a booking verb with a job or a time asks for a new booking.
  { id: 'my_bookings.reference', intent: 'my_bookings', only: (f) => f.bookingRef !== null, unless: (f, t) => hasBookVerb(t) && (f.services.length > 0 || f.when !== null) },
  {
    id: 'hours.words',
    intent: 'hours',
    chinese:
      /几点(?:钟)?(?:开门|关门|下班|上班|营业|开始|结束|打烊|关|开)|(?:开|营业|上班|干)到几点|营业时间|上班时间|工作时间|开门时间|开放时间|营业吗|开门(?:吗|没|不|嘛|么)|关门(?:吗|没|了吗|了没)|上不上班|营不营业|开不开门|上班(?:吗|不|嘛|么)|营业(?:不|嘛|么)|休息(?:吗|不|嘛|么)|放假(?:吗|不|嘛|么)|几点到几点|周末(?:开|营业|上班)/,
    english:
      /\b(?:opening|business|open|working|office) hours\b|\bhours of operation\b|\b(?:what time|when) (?:do|does|will|are) (?:you|the shop|the store|your shop|it|they)(?: guys)? (?:open|close|shut)\b|\b(?:are|is) (?:you|the shop|the store|your shop|it|the dealership|the garage)(?: guys)? (?:open|closed)\b|\bdo you(?: guys)? (?:open|close)\b|\bopen (?:on|this|today|tomorrow|at the weekend|on the weekend|on weekends|sundays?|saturdays?|holidays?)\b|\bclosing time\b|\bwhat are your hours\b|\byour hours\b|\bwhen are you open\b|\buntil what time\b|\btill what time\b|\bhow late\b/,
    unless: (_f, t) => hasBookVerb(t),
  },
  {
    id: 'location.words',
    intent: 'location',
    chinese: /在哪|地址|(?<![有空没])位置(?!吗)|怎么走|怎么去|怎么过去|怎么到|路线|导航|定位(?:给我|发)|发(?:个|一下)?定位|门店在|店在哪|哪个区|在什么地方|电话多少|联系方式|电话号码|联系电话/,
    english:
      /\bwhere (?:are|is) (?:you|your|the shop|the store|the dealership|the garage)\b|\baddress\b|\blocation\b|\bdirections\b|\bhow (?:do|can) i (?:get|find) (?:to|there|you)\b|\bhow to get (?:to|there)\b|\bfind you\b|\blocated\b|\bphone number\b|\bcontact (?:number|details)\b/,
  },

  // ───── whole-message small talk: "早上好" is not a booking for this morning ─────
  { id: 'greeting.words', intent: 'greeting', only: (f) => f.smallTalk === 'greeting' },
  { id: 'thanks.words', intent: 'thanks', only: (f) => f.smallTalk === 'thanks' },
  {
    id: 'survey_answer.praise',
    intent: 'survey_answer',
    chinese: /(?<!不)满意|服务(?:很|挺|非常|真|特别|太)?(?:好|棒|不错|周到|专业)|很专业|好评|点赞/,
    english:
      /\b(?:great|excellent|good|awesome|amazing|fantastic|wonderful|perfect|brilliant|fast) (?:service|job|work|experience)\b|\bwell done\b|\bvery (?:happy|satisfied|pleased)\b|\bsatisfied\b|\bhighly recommend|\b(?:you|you guys|your team|your staff) (?:are|were) (?:great|awesome|amazing|fantastic|the best|brilliant|excellent)\b/,
    unless: (f, t) => hasBookVerb(t) || f.when !== null || f.symptom,
  },

  {
    // "thank you for fixing my car", "谢谢你们帮我修车": thanks, whatever the thanks are for
    id: 'thanks.for',
    intent: 'thanks',
    chinese: /^(?:谢谢|感谢|多谢)(?:你们|您|你|师傅)?(?:帮|的|给|这么|一直)/,
    english: /^(?:thanks|thank you|thank u|many thanks)(?: (?:so|very) much)? for\b/,
  },

  // ───── a booking: a verb, or anything a booking is made of ─────
  { id: 'book.words', intent: 'book', chinese: BOOK_CHINESE, english: BOOK_ENGLISH },
  { id: 'book.slot', intent: 'book', chinese: SLOT_CHINESE, english: SLOT_ENGLISH },
  { id: 'book.service', intent: 'book', only: (f) => f.services.length > 0 },
  { id: 'book.symptom', intent: 'book', only: (f) => f.symptom },
  { id: 'book.time', intent: 'book', only: (f) => f.when !== null, unless: (_f, t) => ARRIVAL_CHINESE.test(t.chinese) || ARRIVAL_ENGLISH.test(t.english) },
  { id: 'book.plate', intent: 'book', only: (f) => f.plate !== null },

  // ───── the rest ─────
  {
    id: 'help.words',
    intent: 'help',
    chinese: /你(?:能|会|可以)(?:做|干|帮我做?)?(?:些)?什么|有(?:些|哪些)?什么功能|怎么用|能干嘛|能做啥|怎么操作|不会用/,
    english: /\bwhat can (?:you|u) do\b|\bhow does (?:this|it) work\b|\bwhat do you do\b|\bhow do i use\b|\bwhat are (?:my|the) options\b|\bwho are you\b|\bwhat are you\b/,
    bare: /^(?:帮助|帮忙|求助|怎么弄|使用说明|说明|菜单|功能|我该怎么说|help|menu|options|commands|help me|i need help|need help|start)$/,
  },
];

// ───── whole-message small talk ─────
const GREETING_WORDS =
  /你好呀|你好啊|您好啊|你好|您好|在吗|在不在|在么|在嘛|有人吗|有人在吗|哈喽|哈罗|嗨|早上好|上午好|中午好|下午好|晚上好|早安|早|师傅|老师|亲|\b(?:hi|hello|hey|hiya|yo|howdy|greetings|good morning|good afternoon|good evening|good day|morning|evening|anyone there|anybody there|is anyone there|are you there|there)\b/g;
const THANKS_WORDS =
  /嗯嗯|嗯呢|嗯|恩|是的|是|对的|对|谢谢你|谢谢您|谢谢|多谢|感谢|谢了|谢啦|辛苦了|辛苦|麻烦了|麻烦你了|好的呢|好的|好滴|好哒|好嘞|好吧|好呀|好|行吧|行|可以|没问题|收到|知道了|知道|明白了|明白|了解|懂了|就这样|那就这样|没事了|没别的了|\b(?:thanks a lot|thanks|thank you|thank u|many thanks|much appreciated|appreciate it|cheers|ta|ok|yes|yeah|yep|no problem|no worries|np|got it|cool|great|alright|all right|sure|fine|noted|perfect|awesome|nice|good|understood|bye|goodbye|see you|that's all|that is all)\b/g;
const FILLER_WORDS = /啊|呀|哦|噢|喔|哈哈|哈|嘿|呢|吧|啦|嘛|哟|那个|那|呵呵|\b(?:um|uh|er|hmm|oh|ah|so|well|then|mate|very much|much|a lot|so much|you|again|too|guys|all|very|lol)\b/g;

/** 'thanks' for a message of thanks/acknowledgements only, 'greeting' for greetings only, else null. */
export function smallTalk(bare: string): 'thanks' | 'greeting' | null {
  if (!bare) return null;
  const withoutGreetings = bare.replace(GREETING_WORDS, ' ');
  const greeted = withoutGreetings !== bare;
  const withoutThanks = withoutGreetings.replace(THANKS_WORDS, ' ');
  const thanked = withoutThanks !== withoutGreetings;
  if (withoutThanks.replace(FILLER_WORDS, ' ').trim() !== '') return null;
  if (thanked) return 'thanks';
  if (greeted) return 'greeting';
  return null;
}

// ───── symbols only ─────
const WHITESPACE = /\s+/g;
const QUESTION_MARKS_ONLY = /^[?？¿\s]+$/;
const SYMBOLS_ONLY = /^(?:[\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d\ufe0f\u20e3\s]|\[[^\[\]\s]{1,6}\])+$/u;
const THANKS_SYMBOLS = /👍|🙏|👌|🤝|👏|💐|🌹|❤|♥|😊|🙂|☺|😄|😁|💯|✌|🫡|🥰|😘|🌸|\[(?:强|抱拳|ok|OK|握手|玫瑰|爱心|微笑|愉快|好的|谢谢|胜利|鼓掌|耶|Yeah!)\]/gu;
const SYMBOL_NOISE = /[\p{Emoji_Modifier}\u200d\ufe0f\s]/gu;

export interface IntentDecision {
  intent: Intent;
  rule: string;
}

export function decideIntent(t: PreparedText, f: Facts): IntentDecision {
  const compact = t.original.replace(WHITESPACE, '');
  if (!compact) return { intent: 'unknown', rule: 'unknown.empty' };
  if (QUESTION_MARKS_ONLY.test(compact)) return { intent: 'help', rule: 'help.question-marks' };
  if (SYMBOLS_ONLY.test(compact)) {
    const rest = compact.replace(THANKS_SYMBOLS, '').replace(SYMBOL_NOISE, '');
    return rest === '' ? { intent: 'thanks', rule: 'thanks.symbols' } : { intent: 'unknown', rule: 'unknown.symbols' };
  }
  let decided: IntentDecision = { intent: 'unknown', rule: 'unknown.no-rule' };
  for (const rule of INTENT_RULES) {
    const hasPattern = rule.chinese !== undefined || rule.english !== undefined || rule.bare !== undefined;
    const matched =
      !hasPattern || rule.chinese?.test(t.chinese) === true || rule.english?.test(t.english) === true || rule.bare?.test(t.bare) === true;
    if (!matched) continue;
    if (rule.only && !rule.only(f, t)) continue;
    if (rule.unless && rule.unless(f, t)) continue;
    decided = { intent: rule.intent, rule: rule.id };
    break;
  }
  // "English please", "说中文": a language request with nothing else asked
  if (f.localeSwitch && (decided.intent === 'unknown' || decided.intent === 'greeting' || decided.intent === 'thanks' || decided.intent === 'help')) {
    return { intent: 'language', rule: 'language.switch' };
  }
  return decided;
}
