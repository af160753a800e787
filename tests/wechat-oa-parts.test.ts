import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../services/config';
import { packText } from '../bot/channels/wechat-oa/channel';
import { parseInbound } from '../bot/channels/wechat-oa/inbound';
import { checkWebhookRequest, ReplayGuard, requestKey, webhookSignature } from '../bot/channels/wechat-oa/signature';
import { ReplyWindow, WINDOW_MS } from '../bot/channels/wechat-oa/window';
import { createTestDatabase, type TestDatabase } from './support/database';

const OA = { WECHAT_OA_APP_ID: 'wx0123456789abcdef', WECHAT_OA_APP_SECRET: '0123456789abcdef0123456789ABCDEF', WECHAT_OA_TOKEN: 'shopToken2026' };
const REMINDER = { templateId: 'T-reminder', fields: { ref: 'keyword1', when: 'keyword2', plate: 'keyword3', services: { key: 'keyword4', max: 20 } } };

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env, os.tmpdir());
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('Official Account settings', () => {
  it('reads the channel and its templates', () => {
    const config = loadConfig({ ...OA, WECHAT_OA_TEMPLATES: JSON.stringify({ 'booking.reminder': REMINDER }) });
    expect(config.wechatOa).toEqual({
      ...{ appId: OA.WECHAT_OA_APP_ID, appSecret: OA.WECHAT_OA_APP_SECRET, token: OA.WECHAT_OA_TOKEN },
      path: '/wechat/oa',
      apiBase: 'https://api.weixin.qq.com',
      templates: { 'booking.reminder': { templateId: 'T-reminder', fields: { ref: { key: 'keyword1' }, when: { key: 'keyword2' }, plate: { key: 'keyword3' }, services: { key: 'keyword4', max: 20 } } } },
    });
    expect(loadConfig({}).wechatOa).toBeNull();
  });

  it.each([
    ['an unknown notice kind', { 'booking.remind': REMINDER }, /WECHAT_OA_TEMPLATES names an unknown notice kind "booking.remind" \(known: booking.reminder, repair.status/],
    ['a missing field', { 'booking.reminder': { ...REMINDER, fields: { ref: 'keyword1', when: 'keyword2', plate: 'keyword3' } } }, /booking.reminder: field "services" is missing/],
    ['a fact the kind does not have', { 'survey.invite': { templateId: 'T', fields: { number: 'keyword1', plate: 'keyword2', score: 'keyword3' } } }, /survey.invite: "score" is not a fact of survey.invite/],
    ['two facts in one field', { 'complaint.followup': { templateId: 'T', fields: { advisor: 'keyword1', due: 'keyword1' } } }, /"due" and "advisor" both go to template field keyword1/],
    ['a field key WeChat does not have', { 'complaint.followup': { templateId: 'T', fields: { advisor: '{{first.DATA}}', due: 'keyword2' } } }, /at complaint.followup.fields.advisor: /],
    ['no template id', { 'complaint.followup': { fields: { advisor: 'keyword1', due: 'keyword2' } } }, /at complaint.followup.templateId/],
  ])('stops start-up naming %s', (_what, templates, expected) => {
    expect(problems({ ...OA, WECHAT_OA_TEMPLATES: JSON.stringify(templates) }).join('\n')).toMatch(expected);
  });

  it('reads templates from a file, and says when it cannot', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oa-templates-'));
    fs.writeFileSync(path.join(dir, 'templates.json'), JSON.stringify({ 'booking.reminder': REMINDER }));
    expect(Object.keys(loadConfig({ ...OA, WECHAT_OA_TEMPLATES_FILE: 'templates.json' }, dir).wechatOa!.templates)).toEqual(['booking.reminder']);
    expect(problems({ ...OA, WECHAT_OA_TEMPLATES_FILE: path.join(dir, 'missing.json') })).toEqual([`WECHAT_OA_TEMPLATES_FILE cannot be read (ENOENT): ${path.join(dir, 'missing.json')}`]);
    fs.writeFileSync(path.join(dir, 'broken.json'), '{"booking.reminder": ');
    expect(problems({ ...OA, WECHAT_OA_TEMPLATES_FILE: path.join(dir, 'broken.json') })[0]).toMatch(/^WECHAT_OA_TEMPLATES_FILE is not valid JSON/);
    fs.rmSync(dir, { recursive: true });
  });

  it('names what is missing or wrong, and never echoes the secret or the token', () => {
    expect(problems({ WECHAT_OA_APP_ID: OA.WECHAT_OA_APP_ID })).toEqual([
      'WECHAT_OA_APP_SECRET is required for the Official Account channel (set together with WECHAT_OA_APP_ID)',
      'WECHAT_OA_TOKEN is required for the Official Account channel (set together with WECHAT_OA_APP_ID)',
    ]);
    const bad = problems({ ...OA, WECHAT_OA_APP_SECRET: 'short-secret-value', WECHAT_OA_TOKEN: 'bad token!' }).join('\n');
    expect(bad).toMatch(/WECHAT_OA_APP_SECRET must be the 32-character AppSecret/);
    expect(bad).toMatch(/WECHAT_OA_TOKEN must be 3–32 letters or digits/);
    expect(bad).not.toContain('short-secret-value');
    expect(bad).not.toContain('bad token!');
    expect(problems({ ...OA, WECHAT_OA_API_BASE: 'http://api.weixin.qq.com' })).toEqual([expect.stringMatching(/WECHAT_OA_API_BASE must be https \(http only to a loopback address/)]);
    expect(problems({ ...OA, WECHAT_OA_PATH: '/api/messages' })).toEqual([expect.stringMatching(/WECHAT_OA_PATH must not be under \/api\//)]);
    expect(problems({ WECHAT_OA_TEMPLATES: '{}' })).toEqual([expect.stringMatching(/WECHAT_OA_TEMPLATES needs the Official Account channel/)]);
    expect(problems({ WECHATY_PUPPET: 'wechaty-puppet-official-account' })).toEqual([expect.stringMatching(/WECHATY_PUPPET wechaty-puppet-official-account is not supported: set WECHAT_OA_APP_ID/)]);
    expect(loadConfig({ ...OA, WECHAT_OA_API_BASE: 'http://127.0.0.1:8080/' }).wechatOa!.apiBase).toBe('http://127.0.0.1:8080');
  });
});

describe('Official Account webhook pieces', () => {
  const xml = (inner: string) => `<xml><ToUserName><![CDATA[gh_123]]></ToUserName><FromUserName><![CDATA[oUser_1-x]]></FromUserName><CreateTime>1796000000</CreateTime>${inner}</xml>`;

  it('reads text, voice with recognition, media, menu clicks and follows', () => {
    expect(parseInbound(xml('<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[明天 10点 & <保养>]]></Content><MsgId>24601234567890123456</MsgId>'))).toEqual({
      kind: 'text',
      openid: 'oUser_1-x',
      account: 'gh_123',
      createdAt: new Date(1796000000 * 1000),
      id: '24601234567890123456',
      text: '明天 10点 & <保养>',
    });
    expect(parseInbound(xml('<MsgType>voice</MsgType><MediaId>m</MediaId><Format>amr</Format><Recognition><![CDATA[我的预约]]></Recognition><MsgId>1</MsgId>'))).toMatchObject({ kind: 'text', text: '我的预约' });
    expect(parseInbound(xml('<MsgType>voice</MsgType><MediaId>m</MediaId><MsgId>2</MsgId>'))).toMatchObject({ kind: 'media', id: '2' });
    expect(parseInbound(xml('<MsgType>image</MsgType><PicUrl>http://x</PicUrl><MediaId>m</MediaId><MsgId>3</MsgId>'))).toMatchObject({ kind: 'media' });
    expect(parseInbound(xml('<MsgType>event</MsgType><Event>CLICK</Event><EventKey>BOOK</EventKey>'))).toMatchObject({ kind: 'click', key: 'BOOK', id: 'oUser_1-x:1796000000:CLICK:BOOK' });
    expect(parseInbound(xml('<MsgType>event</MsgType><Event>subscribe</Event>'))).toMatchObject({ kind: 'subscribe' });
    expect(parseInbound(xml('<MsgType>event</MsgType><Event>TEMPLATESENDJOBFINISH</Event><Status>failed:user block</Status>'))).toMatchObject({ kind: 'template-finished', status: 'failed:user block' });
  });

  it.each([
    ['a document type', '<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Content>&e;</Content></xml>', /document type/],
    ['broken XML', '<xml><ToUserName>gh</ToUserName>', /not well-formed/],
    ['another root', '<message><MsgType>text</MsgType></message>', /no <xml> root/],
    ['no message id', xml('<MsgType>text</MsgType><Content>hi</Content>'), /MsgId/],
    ['an unknown message type', xml('<MsgType>hologram</MsgType><MsgId>1</MsgId>'), /MsgType/],
    ['a follower id that is not an openid', xml('<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId>').replace('oUser_1-x', 'o<script>'), /not well-formed|openid/],
  ])('refuses %s', (_what, body, expected) => {
    expect(() => parseInbound(body)).toThrow(expected);
  });

  it('checks the signature, the timestamp and replays', () => {
    const token = 'shopToken2026';
    const nowMs = 1_796_000_000_000;
    const timestamp = String(nowMs / 1000);
    // sha1 over the three values sorted as strings, as the platform computes it.
    expect(webhookSignature(token, timestamp, '1234')).toBe(crypto.createHash('sha1').update('12341796000000shopToken2026').digest('hex'));
    const guard = new ReplayGuard();
    const query = { signature: webhookSignature(token, timestamp, '1234'), timestamp, nonce: '1234' };
    expect(checkWebhookRequest('other', query, nowMs, guard)).toBe('bad-signature');
    expect(checkWebhookRequest(token, { ...query, signature: query.signature.slice(1) }, nowMs, guard)).toBe('bad-signature');
    expect(checkWebhookRequest(token, query, nowMs + 301_000, guard)).toBe('stale');
    expect(checkWebhookRequest(token, query, nowMs - 301_000, guard)).toBe('stale');
    expect(checkWebhookRequest(token, query, nowMs, guard)).toBe('ok');
    expect(checkWebhookRequest(token, query, nowMs + 1000, guard)).toBe('replayed');
    expect(checkWebhookRequest(token, query, nowMs, null)).toBe('ok');
    // A request that failed is forgotten: the platform's retry of it goes through.
    guard.forget(requestKey(query));
    expect(checkWebhookRequest(token, query, nowMs, guard)).toBe('ok');
  });

  it('packs long replies into messages of at most 2048 bytes, at line ends where it can', () => {
    expect(packText('短消息')).toEqual(['短消息']);
    const lines = Array.from({ length: 200 }, (_, i) => `第 ${i + 1} 行：更换前刹车片 ¥994.40`);
    const pieces = packText(lines.join('\n'));
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(2048);
    expect(pieces.join('\n')).toBe(lines.join('\n'));
    const oneLine = '保'.repeat(1500);
    const cut = packText(oneLine);
    // 3 bytes a character: 682 characters fit.
    expect(cut.map((p) => Buffer.byteLength(p))).toEqual([2046, 2046, 408]);
    expect(cut.join('')).toBe(oneLine);
  });
});

describe('the reply window in the database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  it('gives five slots after a message, none after 48 hours, and is reopened only by a new message', async () => {
    const window = new ReplyWindow(db.raw, 'wx0123456789abcdef');
    const wrote = new Date('2026-11-27T02:00:00Z');
    expect(await window.take('oA', 1, wrote)).toBeNull();
    await window.open('oA', wrote, 'msg-1', wrote);
    const slots = [];
    for (let i = 0; i < 6; i++) slots.push(await window.take('oA', 1, wrote));
    expect(slots.map(Boolean)).toEqual([true, true, true, true, true, false]);
    // The platform's retry of the same message, or an older one arriving late, opens nothing.
    await window.open('oA', wrote, 'msg-1', wrote);
    await window.open('oA', new Date(wrote.getTime() - 1000), 'msg-0', wrote);
    expect(await window.take('oA', 1, wrote)).toBeNull();
    // A failed send gives its slot back, to the same window only.
    await window.giveBack('oA', slots[0]!, wrote);
    expect(await window.take('oA', 1, wrote)).not.toBeNull();
    // A second message in the same second is a new message.
    await window.open('oA', wrote, 'msg-2', wrote);
    expect(await window.take('oA', 5, wrote)).not.toBeNull();
    expect(await window.take('oA', 1, wrote)).toBeNull();
    await window.open('oA', new Date(wrote.getTime() + 60_000), 'msg-3', wrote);
    const slot = await window.take('oA', 2, wrote);
    await window.close('oA', slot!, wrote);
    expect(await window.take('oA', 1, wrote)).toBeNull();
    await window.open('oA', new Date(wrote.getTime() + 120_000), 'msg-4', wrote);
    expect(await window.take('oA', 1, new Date(wrote.getTime() + 120_000 + WINDOW_MS - 1))).not.toBeNull();
    expect(await window.take('oA', 1, new Date(wrote.getTime() + 120_000 + WINDOW_MS))).toBeNull();
    expect(await window.state('oA')).toMatchObject({ sent: 1 });
  });
});
