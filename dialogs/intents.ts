/**
 * What a free-form message asks for. Rules, not a model: the bot's intents are few, and
 * a service department must be able to read why a message went where it did.
 */
export type Intent = 'book' | 'myBookings' | 'price' | 'handoff' | 'help' | 'greeting' | 'thanks' | 'unknown';

const HANDOFF = /(转人工|人工客服|人工服务|找顾问|找人工|真人|客服|服务顾问|talk to (a )?(person|human|someone|advisor)|speak to (a )?(person|human|someone)|human agent|real person|\bagent\b)/i;
const MY_BOOKINGS = /(我的预约|查.*预约|预约.*(查询|记录)|改期|改.*时间|换.*时间|取消.*预约|预约.*取消|不去了|my booking|my appointment|(cancel|reschedule|move|change) (my )?(booking|appointment)|view (my )?booking)/i;
const BOOK = /(预约|预订|约个|约一下|保养|维修|修车|做个|换|检查|检测|定位|首保|book|appointment|service|maintenance|repair|oil|brake|tyre|tire|alignment|battery|inspection)/i;
const PRICE = /(多少钱|价格|价钱|费用|报价|收费|怎么收|how much|price|cost|quote)/i;
const THANKS = /^(谢谢|多谢|感谢|谢啦|好的谢谢|thanks|thank you|thx|ty|ok thanks)[\s!！。.~]*(你|您)?[!！。.~]*$/i;
const HELP = /^(帮助|帮忙|怎么用|你能做什么|help|\?|？|what can you do)$/i;
const GREETING = /^(你好|您好|hi|hello|hey|在吗|在不在|哈喽|早上好|下午好|晚上好|good (morning|afternoon|evening))[!！。.~]*$/i;

export function recognizeIntent(text: string): Intent {
  const s = text.trim();
  if (!s) return 'unknown';
  if (HELP.test(s)) return 'help';
  if (HANDOFF.test(s)) return 'handoff';
  if (MY_BOOKINGS.test(s)) return 'myBookings';
  if (GREETING.test(s)) return 'greeting';
  if (THANKS.test(s)) return 'thanks';
  if (PRICE.test(s)) return 'price';
  if (BOOK.test(s)) return 'book';
  return 'unknown';
}
