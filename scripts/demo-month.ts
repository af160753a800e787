/**
 * A realistic month for the KPI report's sample and screenshot (docs/kpi-report.*):
 * November 2026 in the demo shop, in a throw-away in-memory embedded database, driven through
 * the real services (bookings, check-in, lines, extra work decided by the customer, discounts,
 * corrections after settlement, re-opened orders, delivery) with a seeded random generator,
 * and the follow-up services (no-shows, surveys sent and answered), with a seeded random
 * generator, so every run writes the same figures. Complaints and the handling of tasks are
 * written as rows.
 *
 *   npx tsx scripts/demo-month.ts [--json docs/kpi-report.json] [--html docs/kpi-report.html] [--png docs/kpi-report.png] [--data-dir DIR]
 *
 * With --data-dir the month is kept in a new embedded data directory instead of memory, so
 * `DATABASE_URL=pglite:DIR aftercare report --from 2026-11-01 --to 2026-11-30` can be run on it
 * (the README's sample output comes from that).
 *
 * The PNG is taken with Debian's Chromium (`apt-get install -y chromium`, plus a CJK font such
 * as fonts-noto-cjk so the Chinese is not drawn as boxes); without /usr/bin/chromium it is skipped.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../services/db/client';
import { applyMigrations } from '../services/db/migrate';
import { seedDemoShop } from '../services/db/seed';
import { cancelBooking, createBooking } from '../services/booking';
import { addDays, weekdayOf, zonedInstant } from '../services/time';
import {
  addLines,
  checkIn,
  correctLine,
  decideExtraWork,
  proposeExtraWork,
  recordDecisionOnBehalf,
  setDiscount,
  transitionRepairOrder,
  type ExtraWorkItemInput,
} from '../services/repair-orders';
import { finishSurvey, recordNoShow, recordSurveyAnswer, sendSurvey } from '../services/follow-up';
import { kpiSummary, setTarget } from '../services/kpi';
import { renderKpiHtml } from '../bot/cli/report-html';

const TZ = 'Asia/Shanghai';
const MONTH = { from: '2026-11-01', to: '2026-11-30' };
const REPORT_NOW = zonedInstant('2026-12-01', 9 * 60, TZ);
const MINUTE = 60_000;

/** mulberry32: a small seeded generator, so the month is the same on every run. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)],
    weighted: <T>(items: ReadonlyArray<readonly [T, number]>) => {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [item, w] of items) if ((r -= w) < 0) return item;
      return items[items.length - 1][0];
    },
  };
}

/** How each advisor works, roughly: share of the desk, booked share, how often extra work is approved, and how customers rate them. */
const ADVISORS = [
  { id: 'advisor-zhang-min', name: '张敏', share: 0.3, booked: 0.72, approve: 0.72, rating: 0.9, targets: { orders: 95, paid: 85, revenue: '¥100000' } },
  { id: 'advisor-li-qiang', name: '李强', share: 0.26, booked: 0.58, approve: 0.6, rating: 0.78, targets: { orders: 85, paid: 75, revenue: '¥95000' } },
  { id: 'advisor-liu-yang', name: '刘洋', share: 0.24, booked: 0.66, approve: 0.66, rating: 0.85, targets: { orders: 75, paid: 70, revenue: '¥85000' } },
  { id: 'advisor-chen-jing', name: '陈静', share: 0.2, booked: 0.5, approve: 0.5, rating: 0.66, targets: { orders: 70, paid: 65, revenue: '¥80000' } },
] as const;

const SERVICES = [
  ['PM-REGULAR', 34],
  ['OIL-CHANGE', 16],
  ['PM-FIRST', 6],
  ['BRAKE-PAD-F', 8],
  ['TYRES', 5],
  ['AC-SERVICE', 5],
  ['INSPECTION', 10],
  ['BATTERY', 4],
  ['ALIGNMENT', 4],
  ['WTY-ELEC', 8],
] as const;

const EXTRA_WORK: ExtraWorkItemInput[] = [
  { operationCode: 'BRAKE-PAD-F', urgency: 'RED', reason: '前刹车片剩余2mm，建议立即更换' },
  { operationCode: 'WIPERS', urgency: 'YELLOW', reason: '雨刮片老化，刮不干净' },
  { operationCode: 'CABIN-FILTER', urgency: 'GREEN', reason: '空调滤芯较脏，建议更换' },
  { operationCode: 'BRAKE-FLUID', urgency: 'YELLOW', reason: '刹车油含水量超标' },
  { operationCode: 'ALIGNMENT', urgency: 'YELLOW', reason: '轮胎偏磨，建议做四轮定位' },
  { operationCode: 'TYRE-ROTATION', urgency: 'GREEN', reason: '前后轮磨损不均，建议换位' },
  { operationCode: 'COOLANT', urgency: 'GREEN', reason: '防冻液冰点不足' },
];

const CONCERNS = ['常规保养', '换机油', '刹车有点响', '空调不凉', '仪表故障灯亮', '轮胎磨损', '电瓶亏电', '方向跑偏'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超', '秀英', '建华', '志强', '海燕', '晓东'];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'string', default: 'docs/kpi-report.json' }, html: { type: 'string', default: 'docs/kpi-report.html' }, png: { type: 'string', default: 'docs/kpi-report.png' }, 'data-dir': { type: 'string' } } });
  const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : null;
  // The fixed ids below would collide with a month written before: only a new directory.
  if (dataDir && fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) throw new Error(`--data-dir ${dataDir} is not empty: give a new directory`);
  const rng = generator(20261101);
  const started = Date.now();
  const db = await openDatabase({ kind: 'pglite', dataDir });
  try {
    await applyMigrations(db.raw);
    await seedDemoShop(db.prisma, { timeZone: TZ, now: zonedInstant('2026-10-25', 9 * 60, TZ) });
    const prisma = db.prisma;
    // Fixed ids (foreign keys cascade on update), so the sample JSON is the same on every run.
    await db.raw.exec(`UPDATE "Shop" SET id = 'demo-shop' WHERE code = 'DEMO'`);
    await db.raw.exec(`UPDATE "Advisor" SET id = 'advisor-zhang-min' WHERE name = '张敏'; UPDATE "Advisor" SET id = 'advisor-li-qiang' WHERE name = '李强'; UPDATE "Advisor" SET id = 'advisor-manager-wang' WHERE name = '王经理'`);
    const shopId = 'demo-shop';
    for (const a of ADVISORS.slice(2)) await prisma.advisor.create({ data: { id: a.id, shopId, name: a.name, role: 'ADVISOR' } });
    // The demo catalogue has no warranty operation: an electrical repair the maker covers.
    const sensor = await prisma.part.create({ data: { shopId, sku: 'ECU-SENSOR', nameZh: '曲轴位置传感器', nameEn: 'Crankshaft position sensor', unit: '个', unitPriceFen: 128_000, stockQty: 50 } });
    await prisma.serviceCatalogItem.create({
      data: { shopId, code: 'WTY-ELEC', nameZh: '电气故障保修维修', nameEn: 'Electrical fault (warranty)', aliases: [], labourMinutes: 120, requiredSkill: 'electrical', warrantyCovered: true, parts: { create: [{ partId: sensor.id, quantity: 1 }] } },
    });
    const catalog = new Map((await prisma.serviceCatalogItem.findMany({ where: { shopId } })).map((c) => [c.code, c.id]));

    for (const a of ADVISORS) {
      await setTarget(prisma, { shopId, advisorName: a.name, month: '2026-11', repairOrders: a.targets.orders, paidVisits: a.targets.paid, revenueFen: Number(a.targets.revenue.slice(1)) * 100, actor: { type: 'system', id: 'demo-month' }, now: zonedInstant('2026-10-28', 10 * 60, TZ) });
    }

    // Customers, each with a car and a chat identity, spread over the advisors.
    interface DemoCustomer { id: string; vehicleId: string; identityId: string; inWarranty: boolean; advisor: (typeof ADVISORS)[number]; used: boolean }
    const customers: DemoCustomer[] = [];
    for (let i = 0; i < 460; i++) {
      const advisor = rng.weighted(ADVISORS.map((a) => [a, a.share] as const));
      const inWarranty = rng.chance(0.55);
      const c = await prisma.customer.create({ data: { shopId, name: `${SURNAMES[i % SURNAMES.length]}${rng.pick(GIVEN)}`, mobile: `139${String(10_000_000 + i * 7919).slice(0, 8)}`, advisorId: advisor.id } });
      const plate = `沪${'ABCDEFGHJKLMN'[i % 13]}${String(10_000 + ((i * 7_919) % 90_000)).padStart(5, '0')}`;
      const v = await prisma.vehicle.create({
        data: { shopId, customerId: c.id, plate, model: rng.pick(['凯美瑞', '雷凌', 'RAV4荣放', '汉兰达', '卡罗拉']), mileageKm: rng.int(5, 90) * 1000, warrantyEndDate: new Date(`${inWarranty ? 2028 : 2025}-0${rng.int(1, 9)}-15T00:00:00Z`), warrantyEndKm: 100_000 },
      });
      const identity = await prisma.channelIdentity.create({ data: { channel: rng.chance(0.7) ? 'wechat' : 'msteams', externalId: `demo-${i}`, customerId: c.id } });
      customers.push({ id: c.id, vehicleId: v.id, identityId: identity.id, inWarranty, advisor, used: false });
    }

    const actorOf = (advisorId: string) => ({ type: 'advisor' as const, id: advisorId });
    const delivered: Array<{ orderId: string; customerId: string; advisor: (typeof ADVISORS)[number]; at: Date }> = [];
    // Follow-up tasks in the order they arose: raised by a service (id) or by this script.
    const tasks: Array<{ id: string; dueAt: Date } | { id?: undefined; advisorId: string | null; customerId: string; kind: 'LOW_SCORE' | 'COMPLAINT'; title: string; dueAt: Date }> = [];
    let orders = 0;

    for (let date = MONTH.from; date <= MONTH.to; date = addDays(date, 1)) {
      if (weekdayOf(date) === 7) continue; // closed on Sundays
      const saturday = weekdayOf(date) === 6;
      const count = saturday ? rng.int(9, 13) : rng.int(12, 17);
      for (let k = 0; k < count; k++) {
        const advisor = rng.weighted(ADVISORS.map((a) => [a, a.share] as const));
        const customer = customers.find((c) => !c.used && c.advisor === advisor && rng.chance(0.35)) ?? customers.find((c) => !c.used && c.advisor === advisor);
        if (!customer) continue;
        customer.used = true;
        const startMinute = (saturday ? 9 * 60 : 8 * 60 + 30) + Math.floor((k * (saturday ? 6 : 8) * 60) / count / 30) * 30;
        const arrive = zonedInstant(date, startMinute + rng.int(0, 20), TZ);
        const code = rng.weighted(SERVICES.filter(([c]) => c !== 'WTY-ELEC' || customer.inWarranty));
        let bookingId: string | null = null;

        if (rng.chance(advisor.booked)) {
          const startsAt = zonedInstant(date, startMinute, TZ);
          try {
            const booking = await createBooking(prisma, { shopId, customerId: customer.id, vehicleId: customer.vehicleId, catalogItemIds: [catalog.get(code)!], startsAt, channel: 'wechat', now: new Date(startsAt.getTime() - 3 * 24 * 60 * MINUTE), offerAlternatives: false });
            bookingId = booking.id;
          } catch {
            bookingId = null; // the slot was full: the customer walks in instead
          }
          if (bookingId && rng.chance(0.04)) {
            await cancelBooking(prisma, { bookingId, customerId: customer.id, reason: '临时有事', now: new Date(startsAt.getTime() - 26 * 60 * MINUTE) });
            continue;
          }
          if (bookingId && rng.chance(0.07)) {
            // Not checked in 30 minutes after the start: the no-show job runs.
            const outcome = await recordNoShow(prisma, { bookingId, startsAt: startsAt.toISOString(), now: new Date(startsAt.getTime() + 31 * MINUTE) });
            if (outcome.outcome !== 'no-show') throw new Error(`no-show not recorded: ${outcome.outcome}`);
            const task = await prisma.advisorTask.findUniqueOrThrow({ where: { id: outcome.taskId } });
            tasks.push({ id: task.id, dueAt: task.dueAt });
            continue;
          }
        }

        const internal = !bookingId && rng.chance(0.04);
        const { repairOrderId } = await checkIn(prisma, {
          shopId,
          ...(bookingId ? { bookingId } : { vehicleId: customer.vehicleId, services: internal ? [] : [code] }),
          advisorId: advisor.id,
          mileageInKm: rng.int(5, 95) * 1000,
          concern: internal ? '展车内部检查' : rng.pick(CONCERNS),
          actor: actorOf(advisor.id),
          now: arrive,
        });
        orders++;
        let t = arrive.getTime() + 20 * MINUTE;
        const at = () => new Date(t);
        const actor = actorOf(advisor.id);
        await transitionRepairOrder(prisma, { repairOrderId, to: 'IN_PROGRESS', actor, now: at() });
        if (internal) {
          await addLines(prisma, { repairOrderId, lines: [{ kind: 'LABOUR', description: { zh: '展车检查保养', en: 'Showroom car check' }, hours: '1.5', payer: 'INTERNAL' }], actor, now: at() });
        }

        if (!internal && rng.chance(0.4)) {
          t += 60 * MINUTE;
          const first = rng.int(0, EXTRA_WORK.length - 1);
          const items = rng.chance(0.35) ? [EXTRA_WORK[first], EXTRA_WORK[(first + 3) % EXTRA_WORK.length]] : [EXTRA_WORK[first]];
          const proposal = await proposeExtraWork(prisma, { repairOrderId, advisorId: advisor.id, items, actor, now: at() });
          t += rng.int(10, 90) * MINUTE;
          const decisions = proposal.items.map((item) => ({ itemId: item.itemId, decision: rng.chance(advisor.approve) ? ('APPROVED' as const) : rng.chance(0.5) ? ('DEFERRED' as const) : ('DECLINED' as const) }));
          if (rng.chance(0.75)) {
            await decideExtraWork(prisma, { customerId: customer.id, identityId: customer.identityId, channel: 'wechat', activityId: `demo-${repairOrderId}`, versionHash: proposal.versionHash, decisions, now: at() });
          } else {
            await recordDecisionOnBehalf(prisma, { advisorId: advisor.id, reason: '客户电话确认', versionHash: proposal.versionHash, decisions, now: at() });
          }
        }
        if (!internal && rng.chance(0.03)) {
          await addLines(prisma, { repairOrderId, lines: [{ kind: 'LABOUR', description: { zh: '返修（善意）', en: 'Comeback repair (goodwill)' }, hours: '1', payer: 'GOODWILL' }], actor, now: at() });
        }
        if (!internal && rng.chance(0.12)) {
          await setDiscount(prisma, rng.chance(0.6) ? { repairOrderId, bp: 1000, fen: 0, reason: '会员九折', actor, now: at() } : { repairOrderId, bp: 0, fen: 5000, reason: '老客户优惠', actor, now: at() });
        }
        if (rng.chance(0.015)) {
          await transitionRepairOrder(prisma, { repairOrderId, to: 'CANCELLED', reason: '客户决定不修', actor, now: new Date(t + 30 * MINUTE) });
          continue;
        }
        // The last days' cars are partly still in the workshop when the month ends.
        if (date >= '2026-11-28' && rng.chance(0.5)) continue;

        t += rng.int(90, 240) * MINUTE;
        await transitionRepairOrder(prisma, { repairOrderId, to: 'READY', actor, now: at() });
        if (rng.chance(0.035)) {
          // A settled line turns out wrong (错单): the labour time is corrected.
          t += 20 * MINUTE;
          const line = await prisma.repairOrderLine.findFirst({ where: { repairOrderId, status: 'ACTIVE', kind: 'LABOUR', extraWorkItemId: null }, orderBy: [{ descriptionZh: 'asc' }, { unitPriceFen: 'asc' }] });
          if (line) await correctLine(prisma, { repairOrderId, lineId: line.id, changes: { quantity: (Number(line.quantity) + 0.5).toFixed(3) }, reason: '工时录入错误', actor, now: at() });
        } else if (rng.chance(0.02)) {
          t += 15 * MINUTE;
          await transitionRepairOrder(prisma, { repairOrderId, to: 'IN_PROGRESS', reason: '试车仍有异响', actor, now: at() });
          t += 60 * MINUTE;
          await transitionRepairOrder(prisma, { repairOrderId, to: 'READY', actor, now: at() });
        }
        t += rng.int(30, 120) * MINUTE;
        const closing = zonedInstant(date, 18 * 60, TZ).getTime();
        if (t > closing) t = zonedInstant(addDays(date, weekdayOf(date) === 6 ? 2 : 1), 9 * 60 + rng.int(0, 90), TZ).getTime();
        if (t >= REPORT_NOW.getTime()) continue;
        await transitionRepairOrder(prisma, { repairOrderId, to: 'DELIVERED', actor, now: at() });
        if (rng.chance(0.6)) await transitionRepairOrder(prisma, { repairOrderId, to: 'CLOSED', actor, now: new Date(t + 5 * MINUTE) });
        delivered.push({ orderId: repairOrderId, customerId: customer.id, advisor, at: at() });
      }
    }

    // Surveys: delivery scheduled each one (a working day later); sent then, answered by about 70 %.
    // Low scores become complaints and tasks here (the complaint service is not this script's subject).
    let majors = 0;
    for (const d of delivered) {
      const scheduled = await prisma.survey.findUnique({ where: { repairOrderId: d.orderId } });
      if (!scheduled || scheduled.scheduledAt >= REPORT_NOW) continue;
      const sent = await sendSurvey(prisma, { surveyId: scheduled.id, now: scheduled.scheduledAt });
      if (sent.outcome !== 'sent' || !rng.chance(0.7)) continue;
      const answeredAt = new Date(scheduled.scheduledAt.getTime() + rng.int(10, 300) * MINUTE);
      if (answeredAt >= REPORT_NOW) continue;
      const happy = rng.chance(d.advisor.rating);
      const overall = happy ? rng.weighted([[5, 7], [4, 3]] as const) : rng.weighted([[4, 2], [3, 4], [2, 2], [1, 1]] as const);
      const recommend = happy ? rng.weighted([[10, 5], [9, 4], [8, 2]] as const) : rng.weighted([[8, 2], [7, 3], [6, 2], [5, 2], [3, 1], [0, 1]] as const);
      await recordSurveyAnswer(prisma, { surveyId: scheduled.id, customerId: d.customerId, question: 'overall', score: overall, now: answeredAt });
      // Some stop after the first question: a partial answer still counts.
      if (rng.chance(0.94)) await recordSurveyAnswer(prisma, { surveyId: scheduled.id, customerId: d.customerId, question: 'recommend', score: recommend, now: new Date(answeredAt.getTime() + MINUTE) });
      await finishSurvey(prisma, { surveyId: scheduled.id, customerId: d.customerId, now: new Date(answeredAt.getTime() + 2 * MINUTE) });
      const dueAt = new Date(answeredAt.getTime() + 24 * 60 * MINUTE);
      if (overall <= 2) {
        // Two safety complaints in the month, both at the advisor customers rate lowest: 重大投诉.
        const major = d.advisor.name === '陈静' && majors < 2 && overall === 1;
        if (major) majors++;
        await prisma.complaint.create({ data: { shopId, customerId: d.customerId, repairOrderId: d.orderId, advisorId: d.advisor.id, severity: major ? 'MAJOR' : 'NORMAL', source: 'survey', description: major ? '刚修完刹车就失灵，要投诉到12315' : '等了太久，结算也没解释清楚', openedAt: answeredAt } });
        tasks.push({ advisorId: d.advisor.id, customerId: d.customerId, kind: 'COMPLAINT', title: '处理客户投诉', dueAt });
      } else if (overall <= 3 || recommend <= 4) {
        tasks.push({ advisorId: d.advisor.id, customerId: d.customerId, kind: 'LOW_SCORE', title: '回访低分客户', dueAt });
      }
    }
    // Follow-up tasks: most done in time, some late, a few still open.
    for (const task of tasks) {
      const roll = rng.next();
      const completed = roll < 0.93 ? new Date(task.dueAt.getTime() + (roll < 0.83 ? -rng.int(30, 600) : rng.int(30, 1440)) * MINUTE) : null;
      const done = completed !== null && completed < REPORT_NOW;
      const outcome = { status: done ? ('DONE' as const) : ('OPEN' as const), completedAt: done ? completed : null };
      if (task.id !== undefined) await prisma.advisorTask.update({ where: { id: task.id }, data: outcome });
      else await prisma.advisorTask.create({ data: { shopId, advisorId: task.advisorId, customerId: task.customerId, kind: task.kind, title: task.title, dueAt: task.dueAt, ...outcome } });
    }
    // Tasks the services raised themselves (parts shortages at booking): handled in time.
    const raised = await prisma.advisorTask.findMany({ where: { shopId, status: 'OPEN', dueAt: { lt: REPORT_NOW }, kind: 'PARTS_SHORTAGE' } });
    for (const task of raised) await prisma.advisorTask.update({ where: { id: task.id }, data: { status: 'DONE', completedAt: new Date(task.dueAt.getTime() - 60 * MINUTE) } });

    const report = await kpiSummary(prisma, { shopId, advisorId: null, ...MONTH, now: REPORT_NOW });
    for (const [file, text] of [[values.json!, `${JSON.stringify(report, null, 2)}\n`], [values.html!, renderKpiHtml(report)]] as const) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    }
    console.log(`${orders} repair orders in ${MONTH.from} … ${MONTH.to} (${((Date.now() - started) / 1000).toFixed(1)} s); wrote ${values.json} and ${values.html}`);
    if (fs.existsSync('/usr/bin/chromium')) screenshot(path.resolve(values.html!), values.png!);
    else console.log('no /usr/bin/chromium: screenshot skipped (apt-get install -y chromium fonts-noto-cjk)');
  } finally {
    await db.close();
  }
}

/** Headless Chromium with the flags this machine's closed network needs (no background connections). */
function screenshot(htmlFile: string, pngFile: string): void {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-chromium-'));
  try {
    const run = spawnSync(
      '/usr/bin/chromium',
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--hide-scrollbars', '--force-device-scale-factor=1', '--window-size=1280,1900', `--screenshot=${path.resolve(pngFile)}`, `file://${htmlFile}`],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (run.status !== 0 || !fs.existsSync(pngFile)) throw new Error(`chromium failed (${run.status}): ${run.stderr.slice(-500)}`);
    console.log(`screenshot ${pngFile}`);
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
