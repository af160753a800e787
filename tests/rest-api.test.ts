import crypto from 'node:crypto';
import { PassThrough } from 'node:stream';
import { runApiKeyCommand } from '../bot/cli/apikey';
import { startTestApp, type TestApp, useTestApp } from './support/app';

const KEY = 'test-api-key-0123456789';

describe('advisors REST API', () => {
  let t: TestApp;
  let bookingId: string;
  beforeAll(async () => {
    t = await startTestApp({ AFTERCARE_API_KEY: KEY });
    // A real booking made over Teams.
    const user = t.user();
    for (const text of ['明天上午10点给沪C10001做常规保养', '13800001111', '郑先生', '跳过', '跳过']) await user.say(text);
    await user.press('确认');
    bookingId = (await t.db.prisma.booking.findFirstOrThrow()).id;
  });
  afterAll(async () => {
    await t.close();
  });

  const api = (path: string, init: RequestInit & { key?: string | null } = {}) =>
    fetch(`${t.url}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(init.key === null ? {} : { 'x-api-key': init.key ?? KEY }), ...(init.headers ?? {}) },
    });

  it.each([
    ['no key', null, 401, /missing API key/],
    ['a wrong key', 'x'.repeat(KEY.length), 401, /wrong API key/],
    ['a key of another length', 'short', 401, /wrong API key/],
  ])('refuses %s', async (_label, key, status, message) => {
    const res = await api('/api/v1/bookings?date=2026-11-28', { key });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
  });

  it('accepts the key as a bearer token too', async () => {
    const res = await api('/api/v1/bookings?date=2026-11-28', { key: null, headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(200);
  });

  it("lists a day's bookings with masked mobile numbers", async () => {
    const res = await api('/api/v1/bookings?date=2026-11-28');
    const body = (await res.json()) as { bookings: Array<{ plate: string; customer: { mobile: string }; services: Array<{ code: string }> }> };
    expect(res.status).toBe(200);
    expect(body.bookings).toHaveLength(1);
    expect(body.bookings[0]).toMatchObject({ plate: '沪C10001', customer: { mobile: '138****1111' }, services: [{ code: 'PM-REGULAR' }] });
    expect(JSON.stringify(body)).not.toContain('13800001111');
  });

  it.each([
    ['a bad date', '/api/v1/bookings?date=2026-13-45', /date: must be a date/],
    ['an unknown parameter', '/api/v1/bookings?drop=table', /Unrecognized key/i],
    ['an unknown status', '/api/v1/tasks?status=ALL', /status/],
    // Found by probing: these reached the database and came back as 500.
    ['a date far in the future', '/api/v1/bookings?date=9999-12-31', /date: must be within 5 years of today \(2021-11-27 to 2031-11-27\)/],
    ['a date far in the past', '/api/v1/bookings?date=1900-01-01', /date: must be within 5 years/],
    ['two dates', '/api/v1/bookings?date=2026-11-28&date=2026-11-29', /date:/],
  ])('refuses %s with 400 and a reason', async (_label, path, message) => {
    const res = await api(path);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
  });

  it.each([
    ['no reason', { body: JSON.stringify({}) }, 400, /reason/],
    ['an empty reason', { body: JSON.stringify({ reason: '   ' }) }, 400, /reason/],
    ['a reason over 500 characters', { body: JSON.stringify({ reason: '取消'.repeat(251) }) }, 400, /reason/],
    ['an unknown field', { body: JSON.stringify({ reason: 'x', status: 'CONFIRMED' }) }, 400, /Unrecognized key/i],
    ['malformed JSON', { body: '{"reason":' }, 400, /not valid JSON/],
    ['a non-JSON content type', { body: 'reason=x', headers: { 'content-type': 'text/plain' } }, 415, /application\/json/],
    ['a body over 256 KB', { body: JSON.stringify({ reason: 'x'.repeat(300_000) }) }, 413, /larger than/],
    ['a wrong key', { body: JSON.stringify({ reason: 'x' }), key: 'y'.repeat(KEY.length) }, 401, /wrong API key/],
  ] as Array<[string, RequestInit & { key?: string }, number, RegExp]>)('refuses a cancel with %s and changes nothing', async (_label, init, status, message) => {
    const audits = await t.db.prisma.auditEvent.count();
    const res = await api(`/api/v1/bookings/${bookingId}/cancel`, { method: 'POST', ...init });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
    expect((await t.db.prisma.booking.findUniqueOrThrow({ where: { id: bookingId } })).status).toBe('CONFIRMED');
    expect(await t.db.prisma.auditEvent.count()).toBe(audits);
  });

  it('refuses an id that is not one, before any query', async () => {
    const res = await api(`/api/v1/bookings/${encodeURIComponent("x' OR '1'='1")}/cancel`, { method: 'POST', body: JSON.stringify({ reason: 'x' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('id: not a valid id');
  });

  it('404s an unknown booking', async () => {
    const res = await api(`/api/v1/bookings/${'c'.repeat(25)}/cancel`, { method: 'POST', body: JSON.stringify({ reason: '客户来电取消' }) });
    expect(res.status).toBe(404);
  });

  it('cancels a booking for a customer who phoned, freeing the slot: five at once change it once, audited as the key', async () => {
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => api(`/api/v1/bookings/${bookingId}/cancel`, { method: 'POST', body: JSON.stringify({ reason: '客户来电取消' }) })),
    );
    // Idempotent: every caller gets 200 and the same result.
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const bodies = await Promise.all(responses.map((r) => r.json()));
    for (const body of bodies) expect(body).toEqual({ id: bookingId, status: 'CANCELLED' });
    const booking = await t.db.prisma.booking.findUniqueOrThrow({ where: { id: bookingId } });
    expect(booking).toMatchObject({ status: 'CANCELLED', cancelReason: '客户来电取消' });
    expect(await t.db.prisma.bayOccupancy.count({ where: { bookingId } })).toBe(0);
    const audits = await t.db.prisma.auditEvent.findMany({ where: { entityId: bookingId, action: 'booking.cancelled' } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorType: 'api-key', actorId: 'env' });
    expect(audits[0].data).toMatchObject({ customerId: booking.customerId, reason: '客户来电取消' });
    // And once more, later: still 200, still one audit row.
    expect((await api(`/api/v1/bookings/${bookingId}/cancel`, { method: 'POST', body: JSON.stringify({ reason: 'again' }) })).status).toBe(200);
    expect(await t.db.prisma.auditEvent.count({ where: { entityId: bookingId, action: 'booking.cancelled' } })).toBe(1);
  });

  it('sanitises REST bodies too: a NUL in a field is removed, not a 500', async () => {
    const shop = await t.db.prisma.shop.findFirstOrThrow();
    const task = await t.db.prisma.advisorTask.create({ data: { shopId: shop.id, kind: 'OTHER', title: 'x', dueAt: new Date('2026-11-28T01:00:00Z') } });
    const advisor = await t.db.prisma.advisor.findFirstOrThrow({ where: { role: 'ADVISOR' } });
    const res = await api(`/api/v1/tasks/${task.id}/complete`, { method: 'POST', body: `{"advisorId":"${advisor.id}\\u0000"}` });
    expect(res.status).toBe(200);
  });

  it('lists and completes advisor tasks', async () => {
    const shop = await t.db.prisma.shop.findFirstOrThrow();
    const advisor = await t.db.prisma.advisor.findFirstOrThrow({ where: { role: 'ADVISOR' } });
    const task = await t.db.prisma.advisorTask.create({ data: { shopId: shop.id, advisorId: advisor.id, kind: 'OTHER', title: '回电客户', dueAt: new Date('2026-11-27T01:00:00Z') } });
    const list = (await (await api('/api/v1/tasks')).json()) as { tasks: Array<{ id: string; overdue: boolean }> };
    expect(list.tasks.find((x) => x.id === task.id)).toMatchObject({ overdue: true });
    const done = await api(`/api/v1/tasks/${task.id}/complete`, { method: 'POST', body: JSON.stringify({ advisorId: advisor.id }) });
    expect(done.status).toBe(200);
    expect((await t.db.prisma.advisorTask.findUniqueOrThrow({ where: { id: task.id } })).status).toBe('DONE');
    expect(await t.db.prisma.auditEvent.findMany({ where: { entityId: task.id, action: 'task.completed' } })).toEqual([
      expect.objectContaining({ actorType: 'api-key', actorId: 'env', data: { advisorId: advisor.id } }),
    ]);
    const again = await api(`/api/v1/tasks/${task.id}/complete`, { method: 'POST', body: JSON.stringify({ advisorId: advisor.id }) });
    expect(again.status).toBe(404);
  });
});

describe('REST API without a key configured', () => {
  const t = useTestApp();
  it('is off, and says how to turn it on', async () => {
    const res = await fetch(`${t.url}/api/v1/bookings`, { headers: { 'x-api-key': 'anything-at-all-here' } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toContain('AFTERCARE_API_KEY');
  });
});

describe('named API keys', () => {
  const t = useTestApp();
  const NOW = () => new Date('2026-11-27T02:00:00Z');

  async function cli(args: string[]) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c) => (out += c));
    stderr.on('data', (c) => (err += c));
    const shop = await t.db.prisma.shop.findFirstOrThrow({ select: { id: true, code: true } });
    const code = await runApiKeyCommand(args, { stdout, stderr }, { prisma: t.db.prisma, shop, now: NOW });
    return { code, out, err };
  }
  const get = (key: string | null) => fetch(`${t.url}/api/v1/tasks`, { headers: key ? { 'x-api-key': key } : {} });
  const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;

  it('opens the API without AFTERCARE_API_KEY, shown once, stored only as a SHA-256, and audited by name; revoked at once', async () => {
    // Off: no key of any kind.
    const off = await get('aftercare_whatever');
    expect(off.status).toBe(404);
    expect(await errorOf(off)).toMatch(/AFTERCARE_API_KEY.*apikey create/);

    const created = await cli(['create', 'dms-main']);
    expect(created.code).toBe(0);
    const key = /^(aftercare_[A-Za-z0-9_-]{43})$/m.exec(created.out)?.[1];
    expect(key).toBeDefined();
    expect(created.out).toContain('shown only now');
    const row = await t.db.prisma.apiKey.findUniqueOrThrow({ where: { name: 'dms-main' } });
    expect(row.hash).toBe(crypto.createHash('sha256').update(key!).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(key!.slice('aftercare_'.length));
    // The database refuses anything but a digest in that column.
    await expect(t.db.prisma.apiKey.create({ data: { name: 'plain', hash: key! } })).rejects.toThrow();

    expect((await get(key!)).status).toBe(200);
    const bearer = await fetch(`${t.url}/api/v1/bookings?date=2026-11-28`, { headers: { authorization: `Bearer ${key}` } });
    expect(bearer.status).toBe(200);
    expect(await errorOf(await get(null))).toMatch(/missing API key/);
    expect(await errorOf(await get(`${key!.slice(0, -1)}x`))).toBe('wrong API key');

    // A write is audited with the key's name.
    const shop = await t.db.prisma.shop.findFirstOrThrow();
    const advisor = await t.db.prisma.advisor.findFirstOrThrow({ where: { role: 'ADVISOR' } });
    const task = await t.db.prisma.advisorTask.create({ data: { shopId: shop.id, kind: 'OTHER', title: '回电客户', dueAt: new Date('2026-11-28T01:00:00Z') } });
    const done = await fetch(`${t.url}/api/v1/tasks/${task.id}/complete`, { method: 'POST', headers: { 'x-api-key': key!, 'content-type': 'application/json' }, body: JSON.stringify({ advisorId: advisor.id }) });
    expect(done.status).toBe(200);
    expect(await t.db.prisma.auditEvent.findFirstOrThrow({ where: { entityId: task.id, action: 'task.completed' } })).toMatchObject({ actorType: 'api-key', actorId: 'dms-main' });

    const list = await cli(['list']);
    expect(list.out).toMatch(/^dms-main\tDEMO\tcreated 2026-11-27T02:00:00.000Z\tlast used 2026-11-27T02:00:00.000Z\tactive$/m);
    expect(list.out).not.toContain(key!);

    // A name is never reused, also after revocation: audit rows keep meaning one key.
    expect((await cli(['create', 'dms-main'])).err).toMatch(/exists already/);
    expect((await cli(['revoke', 'dms-main'])).code).toBe(0);
    const revoked = await get(key!);
    expect(revoked.status).toBe(401);
    expect(await errorOf(revoked)).toBe('this API key was revoked');
    expect((await cli(['revoke', 'dms-main'])).err).toMatch(/revoked already/);
    expect((await cli(['create', 'dms-main'])).code).toBe(1);
    expect((await cli(['list'])).out).toMatch(/^dms-main\t.*\trevoked 2026-11-27T02:00:00.000Z$/m);
    // No active key left and no AFTERCARE_API_KEY: off again.
    expect((await get('aftercare_whatever')).status).toBe(404);
  });

  it("refuses a key bound to another shop (a dealer group's instances share one database)", async () => {
    const other = await t.db.prisma.shop.create({ data: { code: 'OTHER', name: '另一家店', labourRateFen: 30000 } });
    const created = await cli(['create', 'dms-keep']);
    const own = /^(aftercare_\S+)$/m.exec(created.out)![1];
    await t.db.prisma.apiKey.update({ where: { name: 'dms-keep' }, data: { shopId: other.id } });
    const res = await get(own);
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toBe('this API key belongs to another shop');
  });

  it.each([
    [['create', 'env'], /reserved/],
    [['create', 'has space'], /letters, digits/],
    [['create'], /usage/],
    [['revoke', 'nobody'], /no API key named "nobody"/],
    [['rotate', 'x'], /usage/],
  ])('apikey %j → %s', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBeGreaterThan(0);
    expect(r.err).toMatch(message);
  });
});
