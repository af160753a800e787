import http from 'node:http';
import crypto from 'node:crypto';
import { renderActivity, type ConnectorCall, type LoadConnector } from './connector';

/**
 * Simulated Teams customers. A turn is: activity POSTed to /api/messages → the last
 * activity the bot posted to the connector for that conversation during that request
 * (the bot sends its replies before answering the POST, so that is the turn's end).
 */

export interface TurnResult {
  /** Request sent → last reply received by the connector (ms). */
  latencyMs: number;
  ok: boolean;
  /** A booking was confirmed by this turn. */
  booked?: boolean;
  error?: string;
}

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

  /** Sends one activity; returns the new connector calls and the turn latency. */
  async send(extra: Record<string, unknown>, timeoutMs: number): Promise<{ status: number; calls: ConnectorCall[]; latencyMs: number }> {
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
    const res = await post(this.endpoint, body, timeoutMs);
    const answered = performance.now();
    const fresh = this.calls.slice(this.seen);
    this.seen = this.calls.length;
    const last = fresh.length ? fresh[fresh.length - 1].at : answered;
    return { status: res.status, calls: fresh, latencyMs: last - started };
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

/** Spreads wanted times round-robin over open days 1–55 days ahead and 11 times of day. */
export class WantedTimes {
  private readonly days: Array<{ month: number; day: number; saturday: boolean }> = [];
  private k = 0;
  constructor(now = new Date()) {
    for (let i = 1; i <= 55; i++) {
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
  abandoned: number;
  errors: string[];
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
    const { status, calls, latencyMs } = result;
    const posts = calls.filter((c) => c.method === 'POST');
    const text = posts.map((c) => renderActivity(c.body)).join('\n');
    if (status >= 300 || posts.length === 0) {
      this.fail(`HTTP ${status}, ${posts.length} replies`, `${sending.text ?? JSON.stringify(sending.value)} → ${text}`);
      return { latencyMs, ok: false, error: `HTTP ${status}` };
    }
    if (text.includes('预约成功')) {
      this.stats.bookings++;
      this.restart();
      return { latencyMs, ok: true, booked: true };
    }
    if (this.turns >= MAX_TURNS_PER_BOOKING) {
      this.fail('too many turns', text);
      return { latencyMs, ok: true };
    }
    const card = [...posts].reverse().find((c) => c.body.attachments?.length);
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
      this.fail('unexpected reply', `${sending.text ?? JSON.stringify(sending.value)} → ${text}`);
    }
    return { latencyMs, ok: true };
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
      const { status, calls, latencyMs } = await this.conversation.send({ text: `明天上午10点保养 ${++this.n}` }, this.timeoutMs);
      const ok = status < 300 && calls.some((c) => c.method === 'POST');
      return { latencyMs, ok, error: ok ? undefined : `HTTP ${status}` };
    } catch (error) {
      return { latencyMs: NaN, ok: false, error: String((error as Error).message) };
    }
  }
  dispose(): void {
    this.conversation.dispose();
  }
}
