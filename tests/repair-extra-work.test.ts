import { JobRunner } from '../services/jobs';
import { jobHandlers } from '../bot/job-handlers';
import type { ProactiveMessenger } from '../bot/proactive';
import {
  auditTrail,
  canonicalJson,
  checkIn,
  correctLine,
  costExplanation,
  CUSTOMER_NOTICE_JOB_KIND,
  decideExtraWork,
  openRecommendations,
  pendingApproval,
  proposeExtraWork,
  recordDecisionOnBehalf,
  RepairOrderError,
  repairOrdersOf,
  reviseExtraWork,
  settlementList,
  sha256,
  transitionRepairOrder,
  type ExtraWorkVersionResult,
} from '../services/repair-orders';
import { CHECK_IN_AT, repairWorld, type Customer, type RepairWorld } from './support/repair-fixtures';

/**
 * Extra work (追加作业) from proposal to decision: per-item approve / defer / decline, the
 * version hash, refusals, double decisions, re-consent after a price change, expiry into an
 * advisor task on a clock the test moves, and phone decisions by an advisor.
 */
let w: RepairWorld;
beforeAll(async () => {
  w = await repairWorld();
}, 60_000);
afterAll(() => w.close());

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RepairOrderError);
    return { code: (error as RepairOrderError).code, message: (error as Error).message };
  }
  throw new Error('expected a RepairOrderError');
}

async function orderInWork(customer: Customer, services = ['OIL-CHANGE']): Promise<string> {
  const { repairOrderId } = await checkIn(w.db.prisma, { shopId: w.shopId, vehicleId: customer.vehicleId, services, mileageInKm: 45_000, concern: '保养', actor: w.advisor(), now: w.now() });
  await transitionRepairOrder(w.db.prisma, { repairOrderId, to: 'IN_PROGRESS', actor: w.advisor(), now: w.now() });
  return repairOrderId;
}

const THREE_ITEMS = [
  { operationCode: 'BRAKE-PAD-F', urgency: 'RED' as const, reason: '前刹车片剩余2mm，建议更换', photoUrls: ['https://example.com/pads.jpg'] },
  {
    title: { zh: '更换雨刮片', en: 'Wiper blades' },
    urgency: 'YELLOW' as const,
    reason: '雨刮片老化，刮不干净',
    lines: [
      { kind: 'LABOUR' as const, description: { zh: '更换雨刮片', en: 'Wiper blades' }, hours: '0.25' },
      { kind: 'PART' as const, sku: 'WIPER-SET', quantity: 1 },
    ],
  },
  { operationCode: 'CABIN-FILTER', urgency: 'GREEN' as const, reason: '空调滤芯有些脏，下次保养换也可以' },
];

const status = async (id: string) => (await w.db.prisma.repairOrder.findUniqueOrThrow({ where: { id } })).status;
const noticesOf = async (repairOrderId: string, notice: string) =>
  (await w.db.prisma.job.findMany({ where: { kind: CUSTOMER_NOTICE_JOB_KIND }, orderBy: { createdAt: 'asc' } })).map((j) => j.payload as Record<string, unknown>).filter((p) => p.repairOrderId === repairOrderId && p.notice === notice);

describe('approve one, defer one, decline one', () => {
  let customer: Customer;
  let stranger: Customer;
  let orderId: string;
  let proposal: ExtraWorkVersionResult;
  const [brakes, wipers, cabin] = [0, 1, 2];
  const item = (i: number) => proposal.items[i].itemId;

  beforeAll(async () => {
    w.setNow(CHECK_IN_AT);
    customer = await w.newCustomer({ book: [] });
    stranger = await w.newCustomer({ book: [] });
    orderId = await orderInWork(customer);
    proposal = await proposeExtraWork(w.db.prisma, { repairOrderId: orderId, advisorId: w.advisorId, items: THREE_ITEMS, actor: w.advisor(), now: w.now() });
  });

  it('shows version 1, priced by the pricing function and fingerprinted, and waits for the customer', async () => {
    // Brake pads: 1 h × 30000 + 58000 = 88000, tax 11440 → 99440. Wipers: 0.25 h × 30000 + 16800 = 24300 → 27459.
    // Cabin filter: 0.333 h × 30000 = 9990 + 9800 = 19790 → 22363 (tax 2572.7 → 2573).
    expect(proposal.items.map((i) => [i.title.zh, i.urgency, i.totalFen])).toEqual([
      ['更换前刹车片', 'RED', 99_440],
      ['更换雨刮片', 'YELLOW', 27_459],
      ['更换空调滤芯', 'GREEN', 22_363],
    ]);
    expect(proposal).toMatchObject({ version: 1, totalFen: 149_262, pendingItems: 3, difference: null });
    expect(proposal.versionHash).toMatch(/^[0-9a-f]{64}$/);
    // The hash is of exactly what was shown, recomputable from the stored version.
    const version = await w.db.prisma.extraWorkVersion.findUniqueOrThrow({ where: { hash: proposal.versionHash }, include: { items: true } });
    expect(sha256(canonicalJson(version.shown))).toBe(proposal.versionHash);
    for (const shown of proposal.items) {
      const { hash, ...content } = shown;
      expect(sha256(canonicalJson(content))).toBe(hash);
      expect(version.items.find((v) => v.itemId === shown.itemId)?.hash).toBe(hash);
    }
    // Two working hours on the shop calendar: Saturday 10:00 → 12:00.
    expect(proposal.expiresAt).toEqual(new Date('2026-11-28T04:00:00Z'));
    expect(await status(orderId)).toBe('AWAITING_APPROVAL');
    expect(await noticesOf(orderId, 'ro.awaiting-approval')).toEqual([
      expect.objectContaining({ customerId: customer.id, version: 1, versionHash: proposal.versionHash, pendingItems: 3, pendingTotalFen: 149_262, revised: false, expiresAt: '2026-11-28T04:00:00.000Z' }),
    ]);

    const [view] = await pendingApproval(w.db.prisma, customer.id);
    expect(view).toMatchObject({ repairOrderId: orderId, version: 1, versionHash: proposal.versionHash, advisor: { name: '张敏' }, totalFen: 149_262, pendingTotalFen: 149_262, difference: null });
    expect(view.items[brakes]).toMatchObject({ status: 'PENDING', urgency: 'RED', reason: '前刹车片剩余2mm，建议更换', photoUrls: ['https://example.com/pads.jpg'] });
    expect(view.items[brakes].lines.map((l) => [l.kind, l.quantity, l.unitPriceFen, l.payableFen])).toEqual([
      ['LABOUR', '1.000', 30_000, 30_000],
      ['PART', '1.000', 58_000, 58_000],
    ]);
    expect((await repairOrdersOf(w.db.prisma, customer.id))[0].waiting).toEqual({ decisions: 3, decisionsTotalFen: 149_262, pickUp: false });
    expect(await pendingApproval(w.db.prisma, stranger.id)).toEqual([]);
  });

  it('cannot become ready while anything waits for the customer', async () => {
    await transitionRepairOrder(w.db.prisma, { repairOrderId: orderId, to: 'IN_PROGRESS', actor: w.advisor(), now: w.now() }).then(
      () => {
        throw new Error('expected a refusal');
      },
      (error: RepairOrderError) => expect(error.code).toBe('extra-work-pending'),
    );
    await w.db.prisma.repairOrder.update({ where: { id: orderId }, data: { status: 'IN_PROGRESS' } });
    expect(await refusal(transitionRepairOrder(w.db.prisma, { repairOrderId: orderId, to: 'READY', actor: w.advisor(), now: w.now() }))).toMatchObject({ code: 'extra-work-pending' });
    await w.db.prisma.repairOrder.update({ where: { id: orderId }, data: { status: 'AWAITING_APPROVAL' } });
  });

  it('refuses anyone but the order’s customer, and changes nothing', async () => {
    const asStranger = await decideExtraWork(w.db.prisma, { customerId: stranger.id, identityId: stranger.identityId, channel: 'msteams', activityId: 'x-1', versionHash: proposal.versionHash, decisions: [{ itemId: item(brakes), decision: 'APPROVED' }], now: w.now() });
    expect(asStranger).toMatchObject({ recorded: [], refused: [{ itemId: item(brakes), reason: 'not-yours' }], repairOrderId: null });
    // The customer's id with someone else's chat identity is not the customer either.
    const borrowed = await decideExtraWork(w.db.prisma, { customerId: customer.id, identityId: stranger.identityId, channel: 'msteams', activityId: 'x-2', versionHash: proposal.versionHash, decisions: [{ itemId: item(brakes), decision: 'APPROVED' }], now: w.now() });
    expect(borrowed.refused).toEqual([{ itemId: item(brakes), reason: 'not-yours' }]);
    const unknown = await decideExtraWork(w.db.prisma, { customerId: customer.id, identityId: customer.identityId, channel: 'msteams', activityId: 'x-3', versionHash: 'f'.repeat(64), decisions: [{ itemId: item(brakes), decision: 'APPROVED' }], now: w.now() });
    expect(unknown.refused).toEqual([{ itemId: item(brakes), reason: 'stale-version' }]);
    expect(await w.db.prisma.extraWorkDecision.count()).toBe(0);
    expect((await w.db.prisma.extraWorkItem.findUniqueOrThrow({ where: { id: item(brakes) } })).status).toBe('PENDING');
  });

  it('approves one: its lines join the order, linked to the item; a second tap is recorded once', async () => {
    w.advance(10);
    const decide = (activityId: string) =>
      decideExtraWork(w.db.prisma, { customerId: customer.id, identityId: customer.identityId, channel: 'msteams', activityId, versionHash: proposal.versionHash, decisions: [{ itemId: item(brakes), decision: 'APPROVED' }], now: w.now() });
    const first = await decide('act-1');
    expect(first).toMatchObject({ recorded: [{ itemId: item(brakes), decision: 'APPROVED', priceFen: 99_440, title: { zh: '更换前刹车片' } }], refused: [], stillPending: 2, status: 'AWAITING_APPROVAL', advisor: { name: '张敏' } });
    // The same activity redelivered, and a second tap (another activity id).
    expect((await decide('act-1')).refused).toEqual([{ itemId: item(brakes), reason: 'already-decided', current: { decision: 'APPROVED', at: w.now() } }]);
    expect((await decide('act-2')).refused[0].reason).toBe('already-decided');
    expect(await w.db.prisma.extraWorkDecision.count({ where: { itemId: item(brakes) } })).toBe(1);
    const lines = await w.db.prisma.repairOrderLine.findMany({ where: { repairOrderId: orderId, extraWorkItemId: item(brakes) } });
    expect(lines.map((l) => [l.kind, l.sku, l.unitPriceFen, l.status])).toEqual(expect.arrayContaining([['LABOUR', null, 30_000, 'ACTIVE'], ['PART', 'BRK-PAD-F', 58_000, 'ACTIVE']]));
    // An approved line changes only by asking the customer again.
    expect(await refusal(correctLine(w.db.prisma, { repairOrderId: orderId, lineId: lines[0].id, changes: { unitPriceFen: 1 }, reason: 'x', actor: w.advisor(), now: w.now() }))).toMatchObject({ code: 'consented-line' });
  });

  it('defers one, with five taps at once recorded once', async () => {
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => decideExtraWork(w.db.prisma, { customerId: customer.id, identityId: customer.identityId, channel: 'msteams', activityId: `tap-${n}`, versionHash: proposal.versionHash, decisions: [{ itemId: item(wipers), decision: 'DEFERRED' }], now: w.now() })),
    );
    expect(results.flatMap((r) => r.recorded)).toHaveLength(1);
    expect(results.flatMap((r) => r.refused).map((r) => r.reason)).toEqual(['already-decided', 'already-decided', 'already-decided', 'already-decided']);
    expect(await w.db.prisma.extraWorkDecision.count({ where: { itemId: item(wipers) } })).toBe(1);
  });

  it('declines the last one: the order goes back to work, follow-ups are due in 30 days, and the next booking can read them back', async () => {
    const outcome = await decideExtraWork(w.db.prisma, { customerId: customer.id, identityId: customer.identityId, channel: 'msteams', activityId: 'act-3', versionHash: proposal.versionHash, decisions: [{ itemId: item(cabin), decision: 'DECLINED' }], now: w.now() });
    expect(outcome).toMatchObject({ stillPending: 0, status: 'IN_PROGRESS' });
    expect(await status(orderId)).toBe('IN_PROGRESS');
    expect((await w.db.prisma.extraWorkRequest.findUniqueOrThrow({ where: { id: proposal.requestId } })).status).toBe('CLOSED');
    expect(await w.db.prisma.job.count({ where: { kind: 'repair.approval-expiry', status: 'PENDING', payload: { path: ['requestId'], equals: proposal.requestId } } })).toBe(0);
    const tasks = await w.db.prisma.advisorTask.findMany({ where: { kind: 'DECLINED_WORK', customerId: customer.id }, orderBy: { title: 'asc' } });
    expect(tasks.map((t) => [(t.details as { decision: string }).decision, t.dueAt.toISOString(), t.advisorId])).toEqual(
      expect.arrayContaining([
        ['DEFERRED', new Date(w.now().getTime() + 30 * 86_400_000).toISOString(), w.advisorId],
        ['DECLINED', new Date(w.now().getTime() + 30 * 86_400_000).toISOString(), w.advisorId],
      ]),
    );
    const recommendations = await openRecommendations(w.db.prisma, { vehicleId: customer.vehicleId });
    expect(recommendations.map((r) => [r.title.zh, r.decision, r.urgency, r.priceFen])).toEqual(
      expect.arrayContaining([
        ['更换雨刮片', 'DEFERRED', 'YELLOW', 27_459],
        ['更换空调滤芯', 'DECLINED', 'GREEN', 22_363],
      ]),
    );
    expect(recommendations).toHaveLength(2);
    expect(await pendingApproval(w.db.prisma, customer.id)).toEqual([]);
  });

  it('explains the total with the approved extra work, equal to the settlement list, and audits who approved what at which price', async () => {
    const explanation = (await costExplanation(w.db.prisma, customer.id))!;
    const settlement = await settlementList(w.db.prisma, orderId);
    expect(explanation.breakdown).toEqual(settlement.breakdown);
    expect(explanation.waiting).toEqual([]);
    expect(settlement.labour.map((l) => [l.operation.zh, l.fromExtraWork])).toEqual(expect.arrayContaining([['更换前刹车片', true]]));
    // Oil change 0.75 h × 30000 + 4 L × 9800 + 6800 = 68500, brake pads 88000: 156500, tax 20345.
    expect(settlement.totals).toMatchObject({ subtotalFen: 156_500, taxFen: 20_345, totalFen: 176_845 });

    const trail = await auditTrail(w.db.prisma, orderId);
    const decisions = trail.filter((e) => e.decision);
    expect(decisions.map((e) => [e.actor.type, e.actor.name, e.decision!.title.zh, e.decision!.decision, e.decision!.priceFen, e.decision!.versionHash, e.onBehalfOf])).toEqual([
      ['customer', expect.stringMatching(/^客户/), '更换前刹车片', 'APPROVED', 99_440, proposal.versionHash, null],
      ['customer', expect.stringMatching(/^客户/), '更换雨刮片', 'DEFERRED', 27_459, proposal.versionHash, null],
      ['customer', expect.stringMatching(/^客户/), '更换空调滤芯', 'DECLINED', 22_363, proposal.versionHash, null],
    ]);
    expect(trail.map((e) => e.action)).toEqual(expect.arrayContaining(['repair-order.checked-in', 'extra-work.proposed', 'extra-work.decided', 'repair-order.status-changed']));
    await transitionRepairOrder(w.db.prisma, { repairOrderId: orderId, to: 'READY', actor: w.advisor(), now: w.now() });
  });

  it('drops a recommendation once a later visit did that work', async () => {
    await transitionRepairOrder(w.db.prisma, { repairOrderId: orderId, to: 'DELIVERED', actor: w.advisor(), now: w.advance(60) });
    w.advance(60 * 24 * 7);
    await checkIn(w.db.prisma, { shopId: w.shopId, vehicleId: customer.vehicleId, services: ['CABIN-FILTER'], mileageInKm: 46_000, concern: '上次建议的空调滤芯', actor: w.advisor(), now: w.now() });
    expect((await openRecommendations(w.db.prisma, { vehicleId: customer.vehicleId })).map((r) => r.title.zh)).toEqual(['更换雨刮片']);
  });

  it('keeps decisions and shown versions as evidence: the database refuses to rewrite them', async () => {
    await expect(w.db.prisma.extraWorkDecision.updateMany({ data: { priceFen: 1 } })).rejects.toThrow(/append-only/);
    await expect(w.db.prisma.extraWorkDecision.deleteMany({})).rejects.toThrow(/append-only/);
    await expect(w.db.prisma.extraWorkVersion.updateMany({ data: { totalFen: 1 } })).rejects.toThrow(/append-only/);
    // Nor does it take a decision that is nobody's, or an advisor's without a reason.
    const shown = await w.db.prisma.extraWorkDecision.findFirstOrThrow();
    const { id: _id, identityId: _identity, ...rest } = shown;
    const attempt = (who: { identityId?: string | null; advisorId?: string | null; onBehalfReason?: string | null }) =>
      w.db.prisma.extraWorkDecision.create({ data: { ...rest, itemRevision: 99, activityId: null, identityId: null, ...who } });
    await expect(attempt({})).rejects.toThrow();
    await expect(attempt({ advisorId: w.advisorId, onBehalfReason: '  ' })).rejects.toThrow();
    expect(await w.db.prisma.extraWorkDecision.count({ where: { itemRevision: 99 } })).toBe(0);
  });
});

describe('a price changed after it was shown', () => {
  it('makes a new version, asks again for the changed item only, and shows the difference', async () => {
    w.setNow(CHECK_IN_AT);
    const customer = await w.newCustomer({ book: [] });
    const orderId = await orderInWork(customer);
    const v1 = await proposeExtraWork(w.db.prisma, { repairOrderId: orderId, items: THREE_ITEMS.slice(0, 2), actor: w.advisor(), now: w.now() });
    const [brakes, wipers] = v1.items.map((i) => i.itemId);
    await decideExtraWork(w.db.prisma, { customerId: customer.id, identityId: customer.identityId, channel: 'wechat', activityId: 'm-1', versionHash: v1.versionHash, decisions: [{ itemId: brakes, decision: 'APPROVED' }], now: w.now() });
    expect(await w.db.prisma.repairOrderLine.count({ where: { extraWorkItemId: brakes, status: 'ACTIVE' } })).toBe(2);

    // The pads turn out to cost more: the advisor changes the part's price.
    const v2 = await reviseExtraWork(w.db.prisma, {
      requestId: v1.requestId,
      items: [{ itemId: brakes, lines: [{ kind: 'LABOUR', operationCode: 'BRAKE-PAD-F' }, { kind: 'PART', sku: 'BRK-PAD-F', quantity: 1, unitPriceFen: 62_000 }] }],
      actor: w.advisor(),
      now: w.advance(5),
    });
    expect(v2).toMatchObject({ version: 2, pendingItems: 2 });
    expect(v2.versionHash).not.toBe(v1.versionHash);
    expect(v2.difference).toEqual({
      fromVersion: 1,
      toVersion: 2,
      deltaFen: 4_520,
      items: [
        {
          itemId: brakes,
          title: { zh: '更换前刹车片', en: 'Front brake pads' },
          change: 'changed',
          beforeTotalFen: 99_440,
          afterTotalFen: 103_960,
          deltaFen: 4_520,
          lines: [{ description: { zh: '前刹车片（套）', en: 'Front brake pads (set)' }, change: 'changed', before: { quantity: '1.000', unitPriceFen: 58_000, payableFen: 58_000 }, after: { quantity: '1.000', unitPriceFen: 62_000, payableFen: 62_000 } }],
        },
      ],
    });
    // The earlier approval no longer counts: the item waits again and its lines left the order.
    expect((await w.db.prisma.extraWorkItem.findUniqueOrThrow({ where: { id: brakes } })).status).toBe('PENDING');
    expect(await w.db.prisma.repairOrderLine.count({ where: { extraWorkItemId: brakes, status: 'ACTIVE' } })).toBe(0);
    expect(await w.db.prisma.repairOrderLine.count({ where: { extraWorkItemId: brakes, status: 'REMOVED' } })).toBe(2);
    const [view] = await pendingApproval(w.db.prisma, customer.id);
    expect(view).toMatchObject({ version: 2, versionHash: v2.versionHash, difference: v2.difference });
    expect(await noticesOf(orderId, 'ro.awaiting-approval')).toEqual([expect.objectContaining({ version: 1, revised: false }), expect.objectContaining({ version: 2, revised: true, pendingItems: 2 })]);

    // Consent given on version 1 for the changed item is stale; the unchanged item may still be decided from it.
    const stale = await decideExtraWork(w.db.prisma, {
      customerId: customer.id,
      identityId: customer.identityId,
      channel: 'wechat',
      activityId: 'm-2',
      versionHash: v1.versionHash,
      decisions: [
        { itemId: brakes, decision: 'APPROVED' },
        { itemId: wipers, decision: 'DECLINED' },
      ],
      now: w.now(),
    });
    expect(stale.refused).toEqual([{ itemId: brakes, reason: 'stale-version' }]);
    expect(stale.recorded.map((r) => [r.itemId, r.decision])).toEqual([[wipers, 'DECLINED']]);
    const fresh = await decideExtraWork(w.db.prisma, { customerId: customer.id, identityId: customer.identityId, channel: 'wechat', activityId: 'm-3', versionHash: v2.versionHash, decisions: [{ itemId: brakes, decision: 'APPROVED' }], now: w.now() });
    expect(fresh.recorded).toEqual([expect.objectContaining({ itemId: brakes, priceFen: 103_960 })]);
    expect(fresh.status).toBe('IN_PROGRESS');
    const decisions = await w.db.prisma.extraWorkDecision.findMany({ where: { itemId: brakes }, orderBy: { itemRevision: 'asc' } });
    expect(decisions.map((d) => [d.itemRevision, d.versionHash, d.priceFen])).toEqual([
      [1, v1.versionHash, 99_440],
      [2, v2.versionHash, 103_960],
    ]);
    const partLine = await w.db.prisma.repairOrderLine.findFirstOrThrow({ where: { extraWorkItemId: brakes, status: 'ACTIVE', kind: 'PART' } });
    expect(partLine.unitPriceFen).toBe(62_000);

    // A revision that changes nothing shown is refused.
    expect(await refusal(reviseExtraWork(w.db.prisma, { requestId: v1.requestId, items: [{ itemId: wipers, reason: THREE_ITEMS[1].reason }], actor: w.advisor(), now: w.now() }))).toMatchObject({ code: 'nothing-changed' });
  });
});

describe('an unanswered request', () => {
  it('becomes an advisor task "call the customer" after two working hours, and stays answerable', async () => {
    const runner = new JobRunner(w.db.prisma, { handlers: jobHandlers(w.db.prisma, { send: async () => 'sent' } as unknown as ProactiveMessenger), now: () => w.now() });
    w.setNow(new Date('2026-11-28T08:30:00Z')); // Saturday 16:30; the shop closes at 17:00
    const customer = await w.newCustomer({ book: [] });
    const orderId = await orderInWork(customer);
    const proposal = await proposeExtraWork(w.db.prisma, { repairOrderId: orderId, items: [THREE_ITEMS[2]], actor: w.advisor(), now: w.now() });
    // 30 minutes on Saturday, Sunday closed, 90 minutes from Monday 08:30.
    expect(proposal.expiresAt).toEqual(new Date('2026-11-30T02:00:00Z'));

    w.setNow(new Date('2026-11-30T01:59:00Z'));
    await runner.runDue();
    expect(await w.db.prisma.advisorTask.count({ where: { kind: 'APPROVAL_EXPIRED', customerId: customer.id } })).toBe(0);
    w.setNow(new Date('2026-11-30T02:00:00Z'));
    await runner.runDue();
    const tasks = await w.db.prisma.advisorTask.findMany({ where: { kind: 'APPROVAL_EXPIRED', customerId: customer.id } });
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ advisorId: w.advisorId, status: 'OPEN', details: { requestId: proposal.requestId, itemIds: [proposal.items[0].itemId] } });
    expect((await w.db.prisma.extraWorkRequest.findUniqueOrThrow({ where: { id: proposal.requestId } })).expiredAt).toEqual(w.now());
    // The notices are for the conversation's handler: a runner without one leaves them waiting.
    expect(await w.db.prisma.job.count({ where: { kind: CUSTOMER_NOTICE_JOB_KIND, status: 'PENDING', payload: { path: ['repairOrderId'], equals: orderId } } })).toBeGreaterThan(0);
    // A late answer from the customer still counts.
    const late = await decideExtraWork(w.db.prisma, { customerId: customer.id, identityId: customer.identityId, channel: 'msteams', activityId: 'late', versionHash: proposal.versionHash, decisions: [{ itemId: proposal.items[0].itemId, decision: 'APPROVED' }], now: w.now() });
    expect(late.recorded).toHaveLength(1);
  });
});

describe('a decision taken by phone', () => {
  it('is refused without a reason, and recorded as the advisor’s act with one; the customer gets a copy', async () => {
    w.setNow(CHECK_IN_AT);
    const customer = await w.newCustomer({ book: [] });
    const orderId = await orderInWork(customer);
    const proposal = await proposeExtraWork(w.db.prisma, { repairOrderId: orderId, items: [THREE_ITEMS[0]], actor: w.advisor(), now: w.now() });
    const itemId = proposal.items[0].itemId;
    for (const reason of [undefined, '', '   ']) {
      expect(
        await refusal(recordDecisionOnBehalf(w.db.prisma, { advisorId: w.otherAdvisorId, reason: reason as string, versionHash: proposal.versionHash, decisions: [{ itemId, decision: 'APPROVED' }], now: w.now() })),
      ).toMatchObject({ code: 'reason-required' });
    }
    expect(await w.db.prisma.extraWorkDecision.count({ where: { itemId } })).toBe(0);

    const outcome = await recordDecisionOnBehalf(w.db.prisma, { advisorId: w.otherAdvisorId, reason: '客户来电同意更换', versionHash: proposal.versionHash, decisions: [{ itemId, decision: 'APPROVED' }], now: w.now() });
    expect(outcome.recorded).toEqual([expect.objectContaining({ itemId, decision: 'APPROVED', priceFen: 99_440 })]);
    const decision = await w.db.prisma.extraWorkDecision.findFirstOrThrow({ where: { itemId } });
    expect(decision).toMatchObject({ customerId: customer.id, identityId: null, advisorId: w.otherAdvisorId, onBehalfReason: '客户来电同意更换', channel: 'phone' });
    const entry = (await auditTrail(w.db.prisma, orderId)).find((e) => e.decision);
    expect(entry).toMatchObject({ actor: { type: 'advisor', id: w.otherAdvisorId, name: '李强' }, onBehalfOf: { customerId: customer.id }, reason: '客户来电同意更换', decision: { decision: 'APPROVED', priceFen: 99_440, channel: 'phone' } });
    expect(await noticesOf(orderId, 'ro.decided-on-behalf')).toEqual([
      expect.objectContaining({ customerId: customer.id, advisor: { id: w.otherAdvisorId, name: '李强' }, reason: '客户来电同意更换', decisions: [expect.objectContaining({ itemId, decision: 'APPROVED', priceFen: 99_440 })] }),
    ]);
  });

  it('lapses questions still open when the order is cancelled', async () => {
    const customer = await w.newCustomer({ book: [] });
    const orderId = await orderInWork(customer);
    const proposal = await proposeExtraWork(w.db.prisma, { repairOrderId: orderId, items: [THREE_ITEMS[2]], actor: w.advisor(), now: w.now() });
    await transitionRepairOrder(w.db.prisma, { repairOrderId: orderId, to: 'CANCELLED', reason: '客户改去别家', actor: w.advisor(), now: w.now() });
    expect((await w.db.prisma.extraWorkItem.findUniqueOrThrow({ where: { id: proposal.items[0].itemId } })).status).toBe('EXPIRED');
    const outcome = await decideExtraWork(w.db.prisma, { customerId: customer.id, identityId: customer.identityId, channel: 'msteams', activityId: 'c-1', versionHash: proposal.versionHash, decisions: [{ itemId: proposal.items[0].itemId, decision: 'APPROVED' }], now: w.now() });
    expect(outcome.refused).toEqual([{ itemId: proposal.items[0].itemId, reason: 'not-pending' }]);
  });
});
