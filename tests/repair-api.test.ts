import { createBooking } from '../services/booking';
import { SEED_NOW } from './support/database';
import { startTestApp, type TestApp } from './support/app';

const KEY = 'test-api-key-0123456789';

/** The repair-order REST API: the DMS's view of check-in, lines, extra work and status. */
describe('repair-order REST API', () => {
  let t: TestApp;
  let bookingId: string;
  let shopId: string;
  let advisorId: string;
  beforeAll(async () => {
    t = await startTestApp({ AFTERCARE_API_KEY: KEY });
    const shop = await t.db.prisma.shop.findFirstOrThrow();
    shopId = shop.id;
    advisorId = (await t.db.prisma.advisor.findFirstOrThrow({ where: { name: '张敏' } })).id;
    const customer = await t.db.prisma.customer.create({ data: { shopId, name: '郑先生', mobile: '13800001111', advisorId } });
    const vehicle = await t.db.prisma.vehicle.create({ data: { shopId, customerId: customer.id, plate: '沪C10001' } });
    const walkIn = await t.db.prisma.customer.create({ data: { shopId, name: '钱女士', mobile: '13800002222', advisorId } });
    await t.db.prisma.vehicle.create({ data: { shopId, customerId: walkIn.id, plate: '沪C20002' } });
    const pm = await t.db.prisma.serviceCatalogItem.findFirstOrThrow({ where: { code: 'PM-REGULAR' } });
    bookingId = (await createBooking(t.db.prisma, { shopId, customerId: customer.id, vehicleId: vehicle.id, catalogItemIds: [pm.id], startsAt: new Date('2026-11-28T02:00:00Z'), channel: 'msteams', now: SEED_NOW })).id;
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  const api = (path: string, init: { method?: string; body?: unknown; key?: string | null; raw?: string } = {}) =>
    fetch(`${t.url}/api/v1${path}`, {
      method: init.method ?? (init.body !== undefined || init.raw !== undefined ? 'POST' : 'GET'),
      headers: { 'content-type': 'application/json', ...(init.key === null ? {} : { 'x-api-key': init.key ?? KEY }) },
      body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
    });
  const json = async (res: Response) => (await res.json()) as Record<string, any>;
  const writes = async () => ({
    orders: await t.db.prisma.repairOrder.count(),
    lines: await t.db.prisma.repairOrderLine.count(),
    requests: await t.db.prisma.extraWorkRequest.count(),
    audits: await t.db.prisma.auditEvent.count(),
  });

  let orderId: string;

  it('checks in a booking (201), and the same booking again answers 200 with the same order', async () => {
    const body = { bookingId, mileageInKm: 32_000, concern: '保养，刹车有点响', promisedAt: '2026-11-27T17:00:00+08:00' };
    const res = await api('/repair-orders', { body });
    expect(res.status).toBe(201);
    const order = await json(res);
    orderId = order.id;
    expect(order).toMatchObject({
      number: 'RO-20261127-0001',
      status: 'CHECKED_IN',
      plate: '沪C10001',
      customer: { name: '郑先生', mobile: '138****1111' },
      advisor: { name: '张敏' },
      promisedAt: '2026-11-27T09:00:00.000Z',
      totals: { totalFen: 122_831 },
    });
    expect(order.lines).toHaveLength(4);
    expect(order.audit).toEqual([expect.objectContaining({ action: 'repair-order.checked-in', actor: { type: 'api-key', id: 'env', name: 'env' } })]);
    const again = await api('/repair-orders', { body });
    expect(again.status).toBe(200);
    expect((await json(again)).id).toBe(orderId);
  });

  it('checks in a walk-in by plate with the services agreed at the desk', async () => {
    const res = await api('/repair-orders', { body: { plate: '沪C20002', services: ['OIL-CHANGE'], mileageInKm: null, concern: '换机油' } });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({ number: 'RO-20261127-0002', totals: { totalFen: 77_405 } });
  });

  it.each([
    ['both a booking and a plate', '/repair-orders', { bookingId: 'c'.repeat(25), plate: '沪C20002', mileageInKm: 1, concern: 'x' }, /exactly one of bookingId, vehicleId or plate/],
    ['no concern', '/repair-orders', { plate: '沪C20002', mileageInKm: 1 }, /concern/],
    ['a blank concern', '/repair-orders', { plate: '沪C20002', mileageInKm: 1, concern: '   ' }, /concern/],
    ['a negative mileage', '/repair-orders', { plate: '沪C20002', mileageInKm: -5, concern: 'x' }, /mileageInKm/],
    ['a time without a zone', '/repair-orders', { plate: '沪C20002', mileageInKm: 1, concern: 'x', promisedAt: '2026-11-27 17:00' }, /promisedAt: must be an ISO 8601 date-time with a time zone/],
    ['an unknown field', '/repair-orders', { plate: '沪C20002', mileageInKm: 1, concern: 'x', status: 'READY' }, /Unrecognized key/i],
    ['a line of another kind', '/repair-orders/ID/lines', { lines: [{ kind: 'FEE', quantity: 1 }] }, /lines\.0/],
    ['a quantity with four decimals', '/repair-orders/ID/lines', { lines: [{ kind: 'PART', sku: 'WIPER-SET', quantity: '1.0005' }] }, /quantity/],
    ['no lines', '/repair-orders/ID/lines', { lines: [] }, /lines/],
    ['extra work without a reason', '/repair-orders/ID/extra-work', { items: [{ operationCode: 'BRAKE-PAD-F', urgency: 'RED' }] }, /reason/],
    ['a photo that is not a web address', '/repair-orders/ID/extra-work', { items: [{ operationCode: 'BRAKE-PAD-F', urgency: 'RED', reason: 'x', photoUrls: ['file:///etc/passwd'] }] }, /photoUrls/],
    ['an unknown urgency', '/repair-orders/ID/extra-work', { items: [{ operationCode: 'BRAKE-PAD-F', urgency: 'PURPLE', reason: 'x' }] }, /urgency/],
    ['an unknown status', '/repair-orders/ID/status', { status: 'FINISHED' }, /status/],
  ])('refuses %s with 400 and writes nothing', async (_label, path, body, message) => {
    const before = await writes();
    const res = await api(path.replace('ID', orderId), { body });
    expect(res.status).toBe(400);
    expect((await json(res)).error).toMatch(message);
    expect(await writes()).toEqual(before);
  });

  it.each([
    ['malformed JSON', { raw: '{"status":' }, 400, /not valid JSON/],
    ['no key', { body: { status: 'IN_PROGRESS' }, key: null }, 401, /missing API key/],
    ['a bad id', { body: { status: 'IN_PROGRESS' }, path: '/repair-orders/x;drop/status' }, 400, /not a valid id/],
    ['an unknown order', { body: { status: 'IN_PROGRESS' }, path: `/repair-orders/${'c'.repeat(25)}/status` }, 404, /no repair order/],
  ] as Array<[string, { raw?: string; body?: unknown; key?: null; path?: string }, number, RegExp]>)('refuses %s and writes nothing', async (_label, init, status, message) => {
    const before = await writes();
    const res = await api(init.path ?? `/repair-orders/${orderId}/status`, init);
    expect(res.status).toBe(status);
    expect((await json(res)).error).toMatch(message);
    expect(await writes()).toEqual(before);
  });

  it('answers refusals of the rules with a reason code: 400 for input, 409 for state', async () => {
    const cases: Array<[string, unknown, number, string]> = [
      ['/status', { status: 'READY' }, 409, 'illegal-transition'],
      ['/status', { status: 'AWAITING_APPROVAL' }, 409, 'use-extra-work'],
      ['/status', { status: 'CANCELLED' }, 400, 'reason-required'],
      ['/lines', { lines: [{ kind: 'PART', sku: 'NO-SUCH-SKU', quantity: 1 }] }, 400, 'unknown-item'],
      ['/lines', { lines: [{ kind: 'PART', sku: 'WIPER-SET', quantity: 1, payer: 'WARRANTY' }] }, 400, 'invalid-line'],
    ];
    for (const [path, body, status, code] of cases) {
      const before = await writes();
      const res = await api(`/repair-orders/${orderId}${path}`, { body });
      const answer = await json(res);
      expect([path, res.status, answer.code]).toEqual([path, status, code]);
      expect(answer.error.length).toBeGreaterThan(10);
      expect(await writes()).toEqual(before);
    }
  });

  it('adds lines, proposes extra work, refuses READY while it waits, and shows it all with the audit trail', async () => {
    expect((await api(`/repair-orders/${orderId}/status`, { body: { status: 'IN_PROGRESS' } })).status).toBe(200);
    const same = await api(`/repair-orders/${orderId}/status`, { body: { status: 'IN_PROGRESS' } });
    expect(await json(same)).toMatchObject({ changed: false, status: 'IN_PROGRESS', from: 'IN_PROGRESS' });

    const lines = await api(`/repair-orders/${orderId}/lines`, { body: { lines: [{ kind: 'PART', sku: 'WIPER-SET', quantity: 1 }, { kind: 'LABOUR', description: { zh: '检查刹车', en: 'Brake check' }, hours: 0.5 }] } });
    expect(lines.status).toBe(201);
    expect(await json(lines)).toMatchObject({ lineIds: [expect.any(String), expect.any(String)] });

    const proposal = await api(`/repair-orders/${orderId}/extra-work`, { body: { advisorId, items: [{ operationCode: 'BRAKE-PAD-F', urgency: 'RED', reason: '前刹车片剩余2mm，建议更换', photoUrls: ['https://example.com/p.jpg'] }] } });
    expect(proposal.status).toBe(201);
    const p = await json(proposal);
    expect(p).toMatchObject({ version: 1, versionHash: expect.stringMatching(/^[0-9a-f]{64}$/), totalFen: 99_440, items: [{ title: { zh: '更换前刹车片' }, urgency: 'RED', totalFen: 99_440 }] });

    const ready = await api(`/repair-orders/${orderId}/status`, { body: { status: 'READY' } });
    expect(ready.status).toBe(409);
    expect(await json(ready)).toMatchObject({ code: 'extra-work-pending', error: expect.stringMatching(/1 extra-work item\(s\) waiting for the customer/) });

    const detail = await json(await api(`/repair-orders/${orderId}`));
    expect(detail).toMatchObject({ status: 'AWAITING_APPROVAL', extraWork: [{ status: 'OPEN', version: 1, versionHash: p.versionHash, items: [{ status: 'PENDING', totalFen: 99_440 }] }] });
    expect(detail.lines).toHaveLength(6);
    expect(detail.audit.map((e: { action: string }) => e.action)).toEqual([
      'repair-order.checked-in',
      'repair-order.status-changed',
      'repair-order.lines-added',
      'repair-order.status-changed',
      'extra-work.proposed',
    ]);
    expect(detail.audit.every((e: { actor: { type: string; id: string } }) => e.actor.type === 'api-key' && e.actor.id === 'env')).toBe(true);
  });

  it("lists a day's repair orders", async () => {
    const res = await api('/repair-orders?date=2026-11-27');
    const body = await json(res);
    expect(res.status).toBe(200);
    expect(body.repairOrders.map((o: { number: string; pendingDecisions: number }) => [o.number, o.pendingDecisions])).toEqual([
      ['RO-20261127-0001', 1],
      ['RO-20261127-0002', 0],
    ]);
    expect(JSON.stringify(body)).not.toContain('13800001111');
    expect((await json(await api('/repair-orders?date=2026-11-28'))).repairOrders).toEqual([]);
    const bad = await api('/repair-orders?date=2026-02-30');
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatch(/date: must be a date/);
  });
});
