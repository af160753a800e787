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
  ])('refuses %s with 400 and a reason', async (_label, path, message) => {
    const res = await api(path);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
  });

  it('refuses a cancel without a reason and changes nothing', async () => {
    const res = await api(`/api/v1/bookings/${bookingId}/cancel`, { method: 'POST', body: JSON.stringify({}) });
    expect(res.status).toBe(400);
    expect((await t.db.prisma.booking.findUniqueOrThrow({ where: { id: bookingId } })).status).toBe('CONFIRMED');
  });

  it('404s an unknown booking', async () => {
    const res = await api(`/api/v1/bookings/${'c'.repeat(25)}/cancel`, { method: 'POST', body: JSON.stringify({ reason: '客户来电取消' }) });
    expect(res.status).toBe(404);
  });

  it('cancels a booking for a customer who phoned, freeing the slot', async () => {
    const res = await api(`/api/v1/bookings/${bookingId}/cancel`, { method: 'POST', body: JSON.stringify({ reason: '客户来电取消' }) });
    expect(res.status).toBe(200);
    const booking = await t.db.prisma.booking.findUniqueOrThrow({ where: { id: bookingId } });
    expect(booking).toMatchObject({ status: 'CANCELLED', cancelReason: '客户来电取消' });
    expect(await t.db.prisma.bayOccupancy.count({ where: { bookingId } })).toBe(0);
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
