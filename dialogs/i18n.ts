/**
 * Everything the bot says, in Chinese and English. Customers are answered in the language
 * they write in; a message with no letters ("1", "13812345678") keeps the last language.
 */
import { withoutPlates } from '../services/registration';

export type Locale = 'zh' | 'en';

export function detectLocale(text: string | undefined, fallback: Locale): Locale {
  if (!text) return fallback;
  text = withoutPlates(text);
  if (/[\u3400-\u9fff]/.test(text)) return 'zh';
  // Words made only of letters: plates, VINs and codes mix in digits ("LSVAU218", "A12345")
  // and are not yet English; "ok" is too short to tell.
  const words = text.match(/\b[A-Za-z]{2,}\b/g) ?? [];
  return words.join('').length >= 3 ? 'en' : fallback;
}

type Vars = Record<string, string | number>;
type Entry = { zh: string; en: string };

const M = {
  welcome: {
    zh: '您好！我是{shop}的服务顾问助手。我可以帮您：预约保养、查看或修改预约、转接人工顾问。请直接告诉我，例如“明天上午10点做保养”。',
    en: "Hello! I'm the service assistant of {shop}. I can book maintenance, show or change your bookings, or put you through to a service advisor. Just tell me, e.g. \"service tomorrow at 10am\".",
  },
  menu: { zh: '请问需要什么帮助？', en: 'How can I help?' },
  'menu.book': { zh: '预约保养', en: 'Book a service' },
  'menu.mine': { zh: '我的预约', en: 'My bookings' },
  'menu.human': { zh: '转人工', en: 'Talk to a person' },
  help: {
    zh: '可以这样说：“下周三上午9点半给沪A12345做常规保养”、“我的预约”、“转人工”。任何时候回复“取消”可以退出当前操作。',
    en: 'You can say: "regular service for 沪A12345 next Wednesday 9:30am", "my bookings" or "talk to a person". Reply "cancel" at any time to stop what we are doing.',
  },
  cancelled: { zh: '好的，已退出当前操作。还有什么可以帮您？', en: 'OK, I have stopped that. Anything else I can do?' },
  notUnderstood: {
    zh: '抱歉，我没有理解。您可以说“预约保养”、“我的预约”或“转人工”。',
    en: 'Sorry, I did not understand. You can say "book a service", "my bookings" or "talk to a person".',
  },
  tooLong: { zh: '您的消息太长了（超过 {max} 个字），请简短描述一下需要什么帮助。', en: 'Your message is too long (over {max} characters). Please tell me briefly what you need.' },
  unavailable: { zh: '系统繁忙，请稍后再试。您的信息没有丢失。', en: 'The system is busy, please try again shortly. Nothing you sent was lost.' },
  alreadyDecided: { zh: '这个选项已经处理过了。', en: 'That choice has already been made.' },
  chosen: { zh: '已选择：{choice}', en: 'Chosen: {choice}' },
  replyNumber: { zh: '请回复数字选择。', en: 'Reply with the number of your choice.' },
  nonText: { zh: '目前我只能阅读文字消息，请用文字告诉我需要什么帮助。', en: 'I can only read text messages for now; please tell me in words what you need.' },

  thanks: { zh: '不客气！有需要随时找我。', en: "You're welcome! I'm here whenever you need me." },
  'price.which': { zh: '请问想了解哪个项目的费用？例如“常规保养”、“换刹车片”。', en: 'Which service would you like a price for? E.g. "regular maintenance", "brake pads".' },
  'price.intro': { zh: '费用估算（以到店检查为准）：', en: 'Estimate (final after inspection at the workshop):' },
  'price.book': { zh: '需要预约的话，直接告诉我时间即可，例如“明天上午10点做保养”。', en: 'To book, just tell me when, e.g. "service tomorrow at 10am".' },

  // Registration (建档)
  'reg.intro': { zh: '为了给您预约，需要先建立客户档案（只需一次）。', en: 'To book, I first need to register you (only once).' },
  'reg.askMobile': { zh: '请输入您的手机号：', en: 'Please enter your mobile number:' },
  'mobile.missing': { zh: '没有找到手机号。请输入 11 位手机号，例如 13812345678：', en: 'I could not find a mobile number. Please enter the 11-digit number, e.g. 13812345678:' },
  'mobile.format': { zh: '手机号应为 1 开头的 11 位数字，例如 13812345678。请重新输入：', en: 'A mobile number has 11 digits starting with 1, e.g. 13812345678. Please try again:' },
  'reg.askName': { zh: '请问怎么称呼您？（姓名）', en: 'What is your name?' },
  'name.missing': { zh: '请输入您的姓名：', en: 'Please enter your name:' },
  'name.long': { zh: '姓名太长了，请输入 40 个字以内：', en: 'That name is too long; please use at most 40 characters:' },
  'name.characters': { zh: '姓名不能包含数字或特殊符号，请重新输入：', en: 'A name cannot contain digits or symbols; please try again:' },
  'reg.askPlate': { zh: '请输入您的车牌号，例如 沪A12345 或新能源 粤BD12345：', en: 'Please enter your licence plate, e.g. 沪A12345 or new-energy 粤BD12345:' },
  'plate.missing': { zh: '没有识别到车牌号。请输入完整车牌，例如 沪A12345：', en: 'I could not find a plate. Please enter the full plate, e.g. 沪A12345:' },
  'plate.format': { zh: '车牌格式不正确：普通车牌为省份简称+字母+5位（如 沪A12345），新能源为+6位（如 粤BD12345）。请重新输入：', en: 'That plate is not valid: a plate is a province character, a letter and 5 characters (沪A12345), or 6 for new-energy cars (粤BD12345). Please try again:' },
  'plate.province': { zh: '车牌需要包含省份简称，例如 沪A12345。请重新输入：', en: 'The plate needs its province character, e.g. 沪A12345. Please try again:' },
  'reg.askVin': { zh: '请输入 17 位车架号（VIN），没有的话回复“跳过”：', en: 'Please enter the 17-character VIN, or reply "skip":' },
  'vin.length': { zh: '车架号应为 17 位字母和数字，请重新输入，或回复“跳过”：', en: 'A VIN has 17 letters and digits. Please try again, or reply "skip":' },
  'vin.letters': { zh: '车架号不含字母 I、O、Q（容易与数字 1、0 混淆），请核对后重新输入，或回复“跳过”：', en: 'A VIN never contains the letters I, O or Q (they look like 1 and 0). Please check it, or reply "skip":' },
  'vin.characters': { zh: '车架号只包含字母和数字，请重新输入，或回复“跳过”：', en: 'A VIN contains only letters and digits. Please try again, or reply "skip":' },
  'vin.checkDigit': { zh: '车架号校验位不对，可能有一位输错了，请核对后重新输入，或回复“跳过”：', en: 'The VIN check digit does not match; a character may be mistyped. Please check it, or reply "skip":' },
  'vin.taken': { zh: '这个车架号已登记在另一辆车上，请核对，或回复“跳过”：', en: 'That VIN is already registered to another vehicle. Please check it, or reply "skip":' },
  'reg.askMileage': { zh: '当前行驶里程大约多少公里？（例如 12000 或 1.2万，没有可回复“跳过”）', en: 'Roughly how many kilometres has the car done? (e.g. 12000; or reply "skip")' },
  'mileage.format': { zh: '请输入里程数字，例如 12000 或 1.2万，或回复“跳过”：', en: 'Please enter the mileage as a number, e.g. 12000, or reply "skip":' },
  'mileage.range': { zh: '里程数看起来不对，请输入 0 到 200 万公里之间的数字，或回复“跳过”：', en: 'That mileage looks wrong; please enter a number between 0 and 2,000,000, or reply "skip":' },
  'reg.done': { zh: '建档完成，{name}，您的车辆 {plate} 已登记。', en: 'You are registered, {name}; your car {plate} is on file.' },
  'reg.verifyPlate': { zh: '这个手机号已有档案。为保护您的信息，请输入档案中登记的任一车牌号进行验证：', en: 'This mobile number is already registered. To protect your data, please enter a plate registered on it:' },
  'reg.verifyFailed': { zh: '车牌与档案不符。', en: 'That plate does not match our records.' },
  'reg.linked': { zh: '验证通过，欢迎回来，{name}！', en: 'Verified, welcome back, {name}!' },
  'reg.plateTaken': { zh: '车牌 {plate} 已登记在其他客户名下，请核对后重新输入：', en: 'Plate {plate} is registered to another customer. Please check it and try again:' },
  'reg.gaveUp': { zh: '抱歉给您添麻烦了，我已请服务顾问尽快联系您完成登记。', en: "Sorry for the trouble: I've asked a service advisor to contact you shortly to finish registering." },

  // Booking
  'book.timeNoted': { zh: '好的，时间记下了：{when}。', en: 'Noted: {when}.' },
  'book.askServiceList': { zh: '请问您要做什么项目？可以直接输入项目名称，或选择：', en: 'Which service would you like? Type its name, or pick one:' },
  'book.serviceUnknown': {
    zh: '没有找到“{text}”对应的项目。可选项目有：{examples}。车辆有故障或异响可选“全车检测”，也可以回复“转人工”。请重新输入：',
    en: 'I could not find a service matching "{text}". Services include: {examples}. For a fault or a noise choose "full vehicle inspection", or say "talk to a person". Please try again:',
  },
  'book.askVehicle': { zh: '请选择要保养的车辆：', en: 'Which car is it for?' },
  'book.otherVehicle': { zh: '其他车辆', en: 'Another car' },
  'book.askNewPlate': { zh: '请输入这辆车的车牌号：', en: 'Please enter the plate of that car:' },
  'book.plateNotYours': { zh: '车牌 {plate} 不在您的档案中，已登记在其他客户名下。请输入您自己的车牌：', en: 'Plate {plate} is registered to another customer. Please enter a plate of your own:' },
  'book.plateAdded': { zh: '已把 {plate} 添加到您的档案。', en: 'I added {plate} to your profile.' },
  'book.askWhen': { zh: '您希望哪天几点到店？例如“明天上午10点”、“下周三下午”。', en: 'When would you like to come in? E.g. "tomorrow 10am" or "next Wednesday afternoon".' },
  'book.whenUnknown': { zh: '没有识别出日期或时间，请换一种说法，例如“12月3日上午9点半”：', en: 'I could not read a date or time there. Please try e.g. "3 December at 9:30am":' },
  'book.closed': { zh: '{date}门店休息。', en: 'The workshop is closed on {date}.' },
  'book.full': { zh: '{when}已约满。', en: '{when} is fully booked.' },
  'book.past': { zh: '这个时间已经过去或太近了，需要至少提前 1 小时预约。', en: 'That time has passed or is too soon; bookings need at least an hour of notice.' },
  'book.outsideHours': { zh: '这个时间开始无法在营业时间内（{hours}）完成。', en: 'A job starting then would not fit in the opening hours ({hours}).' },
  'book.pastDate': { zh: '预约只能约以后的时间哦。', en: 'Bookings can only be for a time still to come.' },
  'book.beyondHorizon': { zh: '目前只能预约 {days} 天以内的时间。', en: 'Bookings can be made up to {days} days ahead.' },
  'book.alternatives': { zh: '可以预约的时间：', en: 'Available times:' },
  'book.noAlternatives': { zh: '近期没有可预约的时间，请换一天，或回复“转人工”由顾问为您安排。', en: 'There is nothing free around then. Please try another day, or say "talk to a person" and an advisor will arrange it.' },
  'book.otherTime': { zh: '换个时间', en: 'Another time' },
  'book.partsShort': { zh: '注：所需配件 {parts} 目前缺货，顾问会在到店前确认到货情况。', en: 'Note: the parts needed ({parts}) are out of stock; your advisor will confirm they arrive before your visit.' },
  'book.partsRestock': { zh: '注：所需配件预计 {date} 到货，已为您安排到货之后的时间。', en: 'Note: the parts needed arrive on {date}; the times offered are after that.' },
  'book.readBack': {
    zh: '请确认预约：{when}，{plate}，{services}，预计{duration}，约{price}（含税）。',
    en: 'Please confirm: {when}, {plate}, {services}, about {duration}, approx. {price} incl. tax.',
  },
  'book.confirm': { zh: '确认', en: 'Confirm' },
  'book.change': { zh: '修改', en: 'Change' },
  'book.whatToChange': { zh: '要修改哪一项？', en: 'What would you like to change?' },
  'book.changeTime': { zh: '时间', en: 'Time' },
  'book.changeService': { zh: '项目', en: 'Service' },
  'book.changeVehicle': { zh: '车辆', en: 'Car' },
  'book.done': {
    zh: '预约成功！预约号 {ref}：{when}，{plate}，{services}。我们会在前一天提醒您。如需修改，回复“我的预约”。',
    en: 'Booked! Reference {ref}: {when}, {plate}, {services}. We will remind you the day before. To change it, say "my bookings".',
  },
  'book.vehicleBusy': {
    zh: '{plate} 在 {when} 已有预约（预约号 {ref}），同一辆车不能重复预约。如需改期，请回复“我的预约”。',
    en: '{plate} is already booked for {when} (reference {ref}). To move it, say "my bookings".',
  },
  'book.slotTaken': { zh: '抱歉，这个时间刚刚被约满了。', en: 'Sorry, that time was just taken.' },
  hours: { zh: '{h}小时', en: '{h} h' },

  // My bookings
  'mine.none': { zh: '您目前没有待到店的预约。需要预约保养吗？', en: 'You have no upcoming bookings. Would you like to book a service?' },
  'mine.list': { zh: '您的预约：', en: 'Your bookings:' },
  'mine.pick': { zh: '请选择要处理的预约：', en: 'Which booking?' },
  'mine.whatToDo': { zh: '要怎么处理这个预约？', en: 'What would you like to do with it?' },
  'mine.reschedule': { zh: '改期', en: 'Reschedule' },
  'mine.cancel': { zh: '取消预约', en: 'Cancel booking' },
  'mine.keep': { zh: '不用了', en: 'Nothing' },
  'mine.askReason': { zh: '请问取消的原因？（例如：时间冲突；可回复“跳过”）', en: 'May I ask why? (e.g. "clash"; or reply "skip")' },
  'mine.cancelled': { zh: '已取消预约 {ref}。期待下次为您服务。', en: 'Booking {ref} is cancelled. We hope to see you another time.' },
  'mine.rescheduled': { zh: '已改期：预约 {ref} 改到 {when}。', en: 'Rescheduled: booking {ref} is now {when}.' },
  'mine.confirmCancel': { zh: '确认取消 {booking}？', en: 'Cancel {booking}?' },
  yes: { zh: '是', en: 'Yes' },
  no: { zh: '否', en: 'No' },
  skip: { zh: '跳过', en: 'Skip' },

  'reminder.booking': {
    zh: '【{shop}】温馨提醒：您预约了 {when} 为 {plate} 做{services}。如需改期或取消，回复“我的预约”。',
    en: '[{shop}] Reminder: your {services} for {plate} is booked for {when}. To change or cancel, reply "my bookings".',
  },
  'advisor.linked': { zh: '绑定成功：您已作为服务顾问 {name} 登录。回复“任务”查看待办。', en: 'Linked: you are signed in as service advisor {name}. Say "tasks" to see your work.' },
  'advisor.linkFailed': { zh: '绑定码无效或已过期，请向经理索取新的绑定码。', en: 'That code is unknown or expired; ask your manager for a new one.' },
  'handoff.accepted': { zh: '服务顾问{advisor}已接入，请直接说明您的问题。', en: 'Service advisor {advisor} has joined; please go ahead.' },
  'handoff.fromAdvisor': { zh: '【顾问 {advisor}】{text}', en: '[Advisor {advisor}] {text}' },

  // Handoff
  'handoff.started': { zh: '好的，正在为您转接服务顾问{advisor}，请稍候。顾问回复前，您的消息都会转给顾问。', en: 'OK, I am putting you through to {advisor}. Until they reply, your messages are passed to them.' },
  'handoff.noAdvisor': { zh: '好的，已通知服务顾问，请稍候。', en: 'OK, a service advisor has been told; please wait.' },
  'handoff.callback': { zh: '已为您登记人工服务，服务顾问会在 {when} 前给您回电。', en: 'I have passed this to a service advisor; they will call you back by {when}.' },
  'handoff.ended': { zh: '人工服务已结束，有需要随时找我。', en: 'The chat with the advisor has ended. I am here if you need anything.' },
} satisfies Record<string, Entry>;

export type MessageKey = keyof typeof M;

export function t(locale: Locale, key: MessageKey, vars: Vars = {}): string {
  const entry: Entry = M[key];
  return entry[locale].replace(/\{(\w+)\}/g, (_, name: string) => (name in vars ? String(vars[name]) : `{${name}}`));
}

export function isMessageKey(key: string): key is MessageKey {
  return key in M;
}
