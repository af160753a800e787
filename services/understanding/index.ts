// INTERIM: replaced by the recogniser on branch `understand` when it lands.
import { matchServices } from '../catalog';
import { understandWhen } from '../when';
import { findPlate, parseMobile } from '../registration';
import { zonedInstant } from '../time';
import type { CustomerRequest, Intent, UnderstandingContext } from './types';
export * from './types';

const HANDOFF = /(转人工|人工客服|人工服务|找顾问|找人工|真人|talk to (a )?(person|human|someone|advisor)|human agent|real person)/i;
const COMPLAINT = /(投诉|太差了|划了|complain)/i;
const CANCEL = /(取消.*预约|预约.*取消|不去了|cancel (my )?(booking|appointment)|^取消$|^cancel$)/i;
const RESCHEDULE = /(改期|改到|换.*时间|reschedule|move my|make it)/i;
const MY_BOOKINGS = /(我的预约|查.*预约|my booking|my appointment)/i;
const PRICE = /(多少钱|价格|费用|报价|how much|price|cost)/i;
const BOOK = /(预约|保养|维修|修车|换|检查|检测|定位|book|appointment|service|maintenance|repair|oil|brake|tyre|tire|alignment|battery|inspection)/i;
const THANKS = /^(谢谢|多谢|好的谢谢|thanks|thank you|ok thanks)[\s!！。.~]*$/i;
const HELP = /^(帮助|help|\?+|？+|what can you do)$/i;
const GREETING = /^(你好|您好|hi|hello|hey|在吗)[!！。.~]*$/i;
const HOURS = /(几点关门|几点开门|营业时间|opening hours|open on)/i;
const LOCATION = /(在哪|地址|where are you|located)/i;
const STATUS = /(修好了|什么时候能取|is my car ready)/i;
const LANGUAGE_EN = /(english please|speak english)/i;
const LANGUAGE_ZH = /(说中文|中文)/;

export function understand(text: string, ctx: UnderstandingContext): CustomerRequest {
  const s = text.trim();
  const zh = /[\u3400-\u9fff]/.test(s.replace(/[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z]/gi, ''));
  const en = (s.match(/\b[A-Za-z]{2,}\b/g) ?? []).join('').length >= 3;
  const locale = zh ? 'zh' : en ? 'en' : ctx.fallbackLocale;
  const services = matchServices(ctx.catalogue, s, locale).map((i) => ({ id: i.id, code: i.code, certainty: /看看|检查一下|顺便/.test(s) && i.code !== 'INSPECTION' ? ('tentative' as const) : ('firm' as const), said: i.nameZh }));
  let when = s ? understandWhen(s, { now: ctx.now, timeZone: ctx.timeZone }) : null;
  if (when && ctx.focusDate && !/[天周月号日]|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|week/i.test(s)) {
    const dayStart = zonedInstant(ctx.focusDate, 0, ctx.timeZone);
    if (dayStart > ctx.now) when = understandWhen(s, { now: dayStart, timeZone: ctx.timeZone }) ?? when;
  }
  const plate = findPlate(s);
  const mobile = parseMobile(s);
  let intent: Intent = 'unknown';
  if (!s) intent = 'unknown';
  else if (LANGUAGE_EN.test(s) || (LANGUAGE_ZH.test(s) && s.length < 8)) intent = 'language';
  else if (HELP.test(s)) intent = 'help';
  else if (COMPLAINT.test(s)) intent = 'complaint';
  else if (HANDOFF.test(s)) intent = 'handoff';
  else if (CANCEL.test(s)) intent = 'cancel';
  else if (RESCHEDULE.test(s)) intent = 'reschedule';
  else if (MY_BOOKINGS.test(s)) intent = 'my_bookings';
  else if (GREETING.test(s)) intent = 'greeting';
  else if (THANKS.test(s)) intent = 'thanks';
  else if (HOURS.test(s)) intent = 'hours';
  else if (LOCATION.test(s)) intent = 'location';
  else if (STATUS.test(s)) intent = 'repair_status';
  else if (PRICE.test(s) || (ctx.previousIntent === 'price' && /呢[？?]?$/.test(s))) intent = 'price';
  else if (BOOK.test(s) || services.length || when || plate) intent = 'book';
  return {
    text: s,
    intent,
    locale,
    localeSwitch: intent === 'language' ? (LANGUAGE_EN.test(s) ? 'en' : 'zh') : null,
    services,
    plate,
    when,
    pastDate: /昨天|yesterday/.test(s),
    bookingRef: null,
    mobile: mobile.ok ? mobile.value : null,
    mileageKm: null,
    score: null,
    symptom: false,
    complaint: intent === 'complaint' ? { severe: false, reasons: [] } : null,
  };
}
