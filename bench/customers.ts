import http from 'node:http';
import crypto from 'node:crypto';
import { t } from '../dialogs/i18n';
import { renderActivity, type ConnectorCall, type LoadConnector } from './connector';

/**
 * Simulated Teams customers. A turn is: activity POSTed to /api/messages → the last
 * activity the bot posted to the connector for that conversation during that request
 * (the bot sends its replies before answering the POST, so that is the turn's end).
 */

export interface TurnResult {
  /** Request sent → last reply received by the connector (ms). */
  latencyMs: number;
  /** The turn got a real answer: no HTTP error, no timeout, not the bot's error reply. */
  ok: boolean;
  /** A booking was confirmed by this turn. */
  booked?: boolean;
  error?: string;
  /** The bot said it was busy (a BUSY_MARKERS reply) before answering, or instead of it. */
  busy?: boolean;
  /** The bot answered with its turn-error reply (counted as a failed turn). */
  errorReply?: boolean;
}

/**
 * The bot's "busy, I'll answer in a minute" reply under overload (bot/turn-gate.ts sends the
 * catalogue's `busy.queued`). A turn with it and then a real answer is not failed; a turn with
 * only the busy reply is.
 */
export const BUSY_MARKERS = [t('zh', 'busy.queued'), t('en', 'busy.queued')];

/**
 * The bot's turn-error reply: the adapter's onTurnError sends the catalogue's `unavailable`
 * ("系统繁忙…") when a turn throws, e.g. on a database pool timeout. Such a turn failed.
 */
export const ERROR_REPLIES = [t('zh', 'unavailable'), t('en', 'unavailable')];

export type ReplyKind = 'error' | 'busy' | 'answer';

/** What a posted reply is; the error reply is checked first (the English one says "busy"). */
export function classifyReply(text: string): ReplyKind {
  if (ERROR_REPLIES.some((e) => text.includes(e))) return 'error';
  if (BUSY_MARKERS.some((m) => text.includes(m))) return 'busy';
  return 'answer';
}

/** After a late answer (one that follows a busy reply), how long to wait for the rest of it. */
const LATE_ANSWER_QUIET_MS = 250;

export interface SimCustomer {
  turn(): Promise<TurnResult>;
  /** Stops listening on the connector. */
  dispose(): void;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

export function destroyAgent(): void {
  agent.destroy();
}

function post(url: URL, body: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

interface Sent {
  status: number;
  /** Connector calls of the turn, busy replies left out. */
  calls: ConnectorCall[];
  /** Posted replies that are a real answer (neither busy nor the error reply). */
  answers: ConnectorCall[];
  busy: boolean;
  errorReply: boolean;
  latencyMs: number;
}

/** One Teams conversation with one user. */
class TeamsConversation {
  readonly conversationId = `a:${crypto.randomBytes(8).toString('hex')}`;
  readonly userId = `29:${crypto.randomBytes(6).toString('hex')}`;
  private readonly calls: ConnectorCall[];
  private seen = 0;
  private readonly endpoint: URL;

  constructor(appUrl: string, private readonly connector: LoadConnector, private readonly name: string) {
    this.endpoint = new URL('/api/messages', appUrl);
    this.calls = connector.listen(this.conversationId);
  }

  /**
   * Sends one activity; returns the replies (busy replies apart) and the turn latency. The bot
   * posts its replies before answering the POST; when it only said "busy" by then, the real
   * answer follows later, so this waits for it until `timeoutMs` after sending.
   */
  async send(extra: Record<string, unknown>, timeoutMs: number): Promise<Sent> {
    const activity = {
      type: 'message',
      id: `act-${crypto.randomBytes(6).toString('hex')}`,
      timestamp: new Date().toISOString(),
      serviceUrl: this.connector.url,
      channelId: 'msteams',
      from: { id: this.userId, name: this.name },
      conversation: { id: this.conversationId, conversationType: 'personal', tenantId: 'tenant-1' },
      recipient: { id: '28:aftercare-bot', name: 'aftercare' },
      locale: 'zh-CN',
      channelData: { tenant: { id: 'tenant-1' } },
      ...extra,
    };
    const body = JSON.stringify(activity);
    const started = performance.now();
    const deadline = started + timeoutMs;
    const res = await post(this.endpoint, body, timeoutMs);
    const answered = performance.now();
    const sorted = () => {
      const fresh = this.calls.slice(this.seen);
      const kinds = fresh.map((c) => (c.method === 'POST' ? classifyReply(renderActivity(c.body)) : 'answer'));
      return { fresh, kinds, answers: fresh.filter((c, i) => c.method === 'POST' && kinds[i] === 'answer') };
    };
    let got = sorted();
    if (res.status < 300 && got.answers.length === 0 && !got.kinds.includes('error')) {
      // Busy (or nothing yet): wait for the answer that follows, then for the rest of it.
      while (got.answers.length === 0 && !got.kinds.includes('error') && performance.now() < deadline) {
        await this.connector.waitForMore(this.conversationId, this.calls.length, deadline - performance.now());
        got = sorted();
      }
      while (got.answers.length > 0 && (await this.connector.waitForMore(this.conversationId, this.calls.length, LATE_ANSWER_QUIET_MS))) got = sorted();
    }
    this.seen = this.calls.length;
    const { fresh, kinds, answers } = got;
    const last = fresh.length ? fresh[fresh.length - 1].at : answered;
    return {
      status: res.status,
      calls: fresh.filter((_, i) => kinds[i] !== 'busy'),
      answers,
      busy: kinds.includes('busy'),
      errorReply: kinds.includes('error'),
      latencyMs: last - started,
    };
  }

  dispose(): void {
    this.connector.forget(this.conversationId);
  }
}

// ───── identities and wanted times ─────

const PLATE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'; // no I, no O
const NAMES = ['王建国', '李秀英', '张伟', '刘洋', '陈静', '杨帆', '赵磊', '黄敏', '周杰', '吴芳'];
const SERVICES = ['做常规保养', '换机油', '做四轮定位', '做全车检测', '做轮胎换位', '换空调滤芯'];

/** Unique plates and mobiles for one bench run (each mode has a fresh database). */
export class IdentityFactory {
  private n = 0;
  private readonly salt = crypto.randomInt(0, 34 ** 2);
  next(): { plate: string; mobile: string; name: string } {
    const k = this.n++;
    // 沪A + 5 characters: a letter first (so no time parser mistakes it for digits), then base-34 of the counter.
    let rest = '';
    let v = (k * 34 ** 2 + this.salt) % 34 ** 4;
    for (let i = 0; i < 4; i++) {
      rest = PLATE_CHARS[v % 34] + rest;
      v = Math.floor(v / 34);
    }
    const lead = PLATE_CHARS[Math.floor(k / 34 ** 2) % 24];
    const plate = `沪A${lead}${rest}`;
    const mobile = `139${String(10_000_000 + ((k * 7_919 + this.salt) % 90_000_000)).padStart(8, '0')}`;
    return { plate, mobile, name: NAMES[k % NAMES.length] };
  }
}

const TIMES = [9 * 60, 9 * 60 + 30, 10 * 60, 10 * 60 + 30, 11 * 60, 13 * 60 + 30, 14 * 60, 14 * 60 + 30, 15 * 60, 15 * 60 + 30, 16 * 60];

function shanghaiParts(d: Date): { month: number; day: number; weekday: number } {
  const local = new Date(d.getTime() + 8 * 3_600_000);
  return { month: local.getUTCMonth() + 1, day: local.getUTCDate(), weekday: local.getUTCDay() };
}

/**
 * How far ahead customers want their service. bench/prepare-db.ts widens the shop's booking
 * horizon to 366 days so that a run of three repetitions (a few thousand bookings) spreads
 * thin: with the demo shop's 60 days the calendar fills up during the run and later
 * repetitions would measure a full calendar (alternatives, dead ends) instead of bookings.
 * Below a year so that "M月D日" names one date.
 */
export const WANTED_DAYS_AHEAD = 350;

/** Spreads wanted times round-robin over open days 1–WANTED_DAYS_AHEAD days ahead and 11 times of day. */
export class WantedTimes {
  private readonly days: Array<{ month: number; day: number; saturday: boolean }> = [];
  private k = 0;
  constructor(now = new Date(), daysAhead = WANTED_DAYS_AHEAD) {
    for (let i = 1; i <= daysAhead; i++) {
      const p = shanghaiParts(new Date(now.getTime() + i * 86_400_000));
      if (p.weekday === 0) continue;
      this.days.push({ month: p.month, day: p.day, saturday: p.weekday === 6 });
    }
  }
  next(): string {
    const k = this.k++;
    const d = this.days[k % this.days.length];
    let minute = TIMES[Math.floor(k / this.days.length) % TIMES.length];
    if (d.saturday && minute > 15 * 60) minute = 15 * 60; // Saturday closes at 17:00
    const h = Math.floor(minute / 60);
    const half = minute % 60 ? '半' : '';
    const clock = h < 12 ? `上午${h}点${half}` : `下午${h - 12}点${half}`;
    return `${d.month}月${d.day}日${clock}`;
  }
  service(): string {
    return SERVICES[this.k % SERVICES.length];
  }
}

// ───── the booking customer ─────

export interface BookingStats {
  bookings: number;
  alternativesTaken: number;
  /** Conversations given up: a failed turn, an unexpected reply, or the turn limit. */
  abandoned: number;
  /** Abandoned conversations by reason. */
  reasons: Record<string, number>;
  /** The first few transcripts of abandoned conversations. */
  errors: string[];
}

export function newBookingStats(): BookingStats {
  return { bookings: 0, alternativesTaken: 0, abandoned: 0, reasons: {}, errors: [] };
}

/** Adds `from` into `into` (per-phase stats into the mode's totals). */
export function addBookingStats(into: BookingStats, from: BookingStats): void {
  into.bookings += from.bookings;
  into.alternativesTaken += from.alternativesTaken;
  into.abandoned += from.abandoned;
  for (const [k, v] of Object.entries(from.reasons)) into.reasons[k] = (into.reasons[k] ?? 0) + v;
  for (const e of from.errors) if (into.errors.length < 5) into.errors.push(e);
}

const ISO = /^\d{4}-\d{2}-\d{2}T/;
const MAX_TURNS_PER_BOOKING = 12;

/**
 * A customer who books a service end to end: opening message with service, plate and time
 * → registration (mobile, name, VIN 跳过, mileage 跳过) → read-back card → 确认; takes the
 * first alternative when the wanted slot is full. After a booking (or a dead end) the next
 * customer starts with a new identity in a new conversation.
 */
export class BookingCustomer implements SimCustomer {
  private conversation!: TeamsConversation;
  private identity!: { plate: string; mobile: string; name: string };
  private next: { text?: string; value?: Record<string, unknown>; replyToId?: string } = {};
  private turns = 0;

  constructor(
    private readonly appUrl: string,
    private readonly connector: LoadConnector,
    private readonly ids: IdentityFactory,
    private readonly times: WantedTimes,
    private readonly stats: BookingStats,
    private readonly timeoutMs = 30_000,
  ) {
    this.restart();
  }

  private restart(): void {
    this.conversation?.dispose();
    this.identity = this.ids.next();
    this.conversation = new TeamsConversation(this.appUrl, this.connector, this.identity.name);
    this.next = { text: `${this.times.next()}给${this.identity.plate}${this.times.service()}` };
    this.turns = 0;
  }

  private fail(reason: string, transcript: string): void {
    this.stats.abandoned++;
    const kind = reason.replace(/\d+/g, 'N');
    this.stats.reasons[kind] = (this.stats.reasons[kind] ?? 0) + 1;
    if (this.stats.errors.length < 5) this.stats.errors.push(`${reason}: ${transcript.slice(0, 300).replace(/\n/g, ' ⏎ ')}`);
    this.restart();
  }

  async turn(): Promise<TurnResult> {
    const sending = this.next;
    let result;
    try {
      result = await this.conversation.send(sending.value ? { text: '', value: sending.value, replyToId: sending.replyToId } : { text: sending.text }, this.timeoutMs);
    } catch (error) {
      this.fail('request failed', String((error as Error).message));
      return { latencyMs: NaN, ok: false, error: String((error as Error).message) };
    }
    this.turns++;
    const { status, answers, latencyMs, busy, errorReply } = result;
    const said = sending.text ?? JSON.stringify(sending.value);
    const text = answers.map((c) => renderActivity(c.body)).join('\n');
    if (status >= 300 || errorReply || answers.length === 0) {
      const reason = status >= 300 ? `HTTP ${status}` : errorReply ? 'error reply' : busy ? 'busy, no answer' : 'no reply';
      this.fail(reason, `${said} → ${text}`);
      return { latencyMs, ok: false, error: reason, busy, errorReply };
    }
    if (text.includes('预约成功')) {
      this.stats.bookings++;
      this.restart();
      return { latencyMs, ok: true, booked: true, busy };
    }
    if (this.turns >= MAX_TURNS_PER_BOOKING) {
      this.fail('too many turns', text);
      return { latencyMs, ok: true, busy };
    }
    const card = [...answers].reverse().find((c) => c.body.attachments?.length);
    const actions = (card?.body.attachments[0].content?.actions ?? []) as Array<{ title: string; data: Record<string, unknown> }>;
    const confirm = actions.find((a) => a.data?.choice === 'confirm');
    const alternative = actions.find((a) => typeof a.data?.choice === 'string' && ISO.test(a.data.choice as string));
    if (card && confirm) this.next = { value: confirm.data, replyToId: card.id };
    else if (card && alternative) {
      this.stats.alternativesTaken++;
      this.next = { value: alternative.data, replyToId: card.id };
    } else if (text.includes('手机号')) this.next = { text: this.identity.mobile };
    else if (text.includes('怎么称呼')) this.next = { text: this.identity.name };
    else if (text.includes('车架号')) this.next = { text: '跳过' };
    else if (text.includes('里程')) this.next = { text: '跳过' };
    else {
      this.fail('unexpected reply', `${said} → ${text}`);
    }
    return { latencyMs, ok: true, busy };
  }

  dispose(): void {
    this.conversation.dispose();
  }
}

/** A customer of the echo baseline: says something, gets it echoed. */
export class EchoCustomer implements SimCustomer {
  private conversation: TeamsConversation;
  private n = 0;
  constructor(appUrl: string, connector: LoadConnector, private readonly timeoutMs = 30_000) {
    this.conversation = new TeamsConversation(appUrl, connector, '王先生');
  }
  async turn(): Promise<TurnResult> {
    try {
      const { status, answers, latencyMs, busy, errorReply } = await this.conversation.send({ text: `明天上午10点保养 ${++this.n}` }, this.timeoutMs);
      const ok = status < 300 && !errorReply && answers.length > 0;
      return { latencyMs, ok, error: ok ? undefined : `HTTP ${status}`, busy, errorReply };
    } catch (error) {
      return { latencyMs: NaN, ok: false, error: String((error as Error).message) };
    }
  }
  dispose(): void {
    this.conversation.dispose();
  }
}
