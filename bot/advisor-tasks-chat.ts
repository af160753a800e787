/**
 * Advisor tasks in chat: the push of a new task (a Teams card with done / snooze / note, text
 * with the same commands on WeChat and the console), "任务 / my tasks" (a manager sees
 * everyone's), and the commands themselves. A task is named by its number in the last list
 * ("完成 2") or by its code ("完成 #k3x9qa"), which a pushed card carries so it never goes stale.
 * The owner sees the customer's full mobile to call back; everyone else sees it masked
 * (services/advisor-tasks decides, this only words it).
 */
import { ActivityTypes, CardFactory, type Activity } from 'botbuilder';
import type { PrismaClient } from '../services/db/client';
import {
  addTaskNote,
  completeTask,
  snoozeTask,
  TaskInputError,
  TaskNotFoundError,
  taskView,
  tasksFor,
  TASK_PUSH_JOB_KIND,
  type TaskView,
} from '../services/advisor-tasks';
import { formatLocal, localParts, zonedInstant, addDays, type LocalDate } from '../services/time';
import { t, type Locale, type PlainKey } from '../dialogs';
import type { JobHandler } from '../services/jobs';
import type { ProactiveMessenger } from './proactive';
import { CARD_CHANNELS } from './channels/render';
import { openingFor, type OpeningWindow } from '../services/calendar';
import { shopCalendar } from '../services/shop-snapshot';

export { TASK_PUSH_JOB_KIND };

const REF = String.raw`(?:#([a-z0-9]{1,12})|(\d{1,3}))`;
const LIST = /^(?:任务|待办|我的任务|所有任务|全部任务|tasks?|my tasks|all tasks|todo)$/i;
const SHOW = new RegExp(String.raw`^(?:任务|task)\s*${REF}$`, 'i');
const DONE = new RegExp(String.raw`^(?:完成|done)\s*${REF}(?:\s+(?:备注|note)?\s*(.+))?$`, 'is');
const SNOOZE = new RegExp(String.raw`^(?:推迟|稍后|snooze)\s*${REF}(?:\s+(?:到|至|until|for)?\s*(.+))?$`, 'is');
const NOTE = new RegExp(String.raw`^(?:备注|note)\s*${REF}(?:\s+(.+))?$`, 'is');

export function isTaskCommand(text: string): boolean {
  return [LIST, SHOW, DONE, SNOOZE, NOTE].some((re) => re.test(text.trim()));
}

const KIND_KEYS: Record<string, PlainKey> = {
  HANDOFF: 'task.kind.HANDOFF',
  PARTS_SHORTAGE: 'task.kind.PARTS_SHORTAGE',
  REGISTRATION_HELP: 'task.kind.REGISTRATION_HELP',
  PROMISE_AT_RISK: 'task.kind.PROMISE_AT_RISK',
  DECLINED_WORK: 'task.kind.DECLINED_WORK',
  APPROVAL_EXPIRED: 'task.kind.APPROVAL_EXPIRED',
  COMPLAINT: 'task.kind.COMPLAINT',
  LOW_SCORE: 'task.kind.LOW_SCORE',
  MAINTENANCE_DUE: 'task.kind.MAINTENANCE_DUE',
  NO_SHOW: 'task.kind.NO_SHOW',
  OTHER: 'task.kind.OTHER',
};

/** The short code a card or a message names a task by: the end of its id. */
export function taskCode(id: string): string {
  return id.slice(-6).toLowerCase();
}

interface Ctx {
  prisma: PrismaClient;
  advisorId: string;
  now: Date;
  timeZone: string;
  locale: Locale;
}

/** What a task says to the one reading it: kind, who (mobile full for the owner), car, what was said, link, due. */
function describe(task: TaskView, ctx: Ctx, options: { showOwner: boolean }): string {
  const l = ctx.locale;
  const head = [task.overdue ? t(l, 'advisor.overdue') : '', task.complaint?.severity === 'MAJOR' ? t(l, 'task.major') : '', t(l, KIND_KEYS[task.kind] ?? 'task.kind.OTHER')].join('');
  const who = [task.person?.name, task.person?.mobile, task.vehicle?.plate].filter(Boolean).join(' ');
  const lines = [`${head}${who ? `：${who}` : ''}`];
  if (task.said) lines.push(`“${task.said.length > 120 ? `${task.said.slice(0, 120)}…` : task.said}”`);
  const facts: string[] = [];
  if (task.repairOrder) facts.push(t(l, 'task.order', { number: task.repairOrder.number }));
  if (task.booking) facts.push(t(l, 'task.booking', { when: formatLocal(task.booking.startsAt, ctx.timeZone, l) }));
  facts.push(t(l, 'task.due', { due: formatLocal(task.dueAt, ctx.timeZone, l) }));
  if (task.status === 'SNOOZED' && task.snoozedUntil) facts.push(t(l, 'task.snoozedUntil', { when: formatLocal(task.snoozedUntil, ctx.timeZone, l) }));
  if (options.showOwner) facts.push(task.owner ? t(l, 'task.owner', { name: task.owner.name }) : t(l, 'task.anyone'));
  facts.push(`#${taskCode(task.id)}`);
  lines.push(facts.join(' · '));
  const lastNote = task.notes.at(-1);
  if (lastNote) lines.push(t(l, 'task.lastNote', { text: lastNote.text, who: lastNote.author?.name ?? '—' }));
  return lines.join('\n');
}

async function listFor(ctx: Ctx): Promise<{ tasks: TaskView[]; manager: boolean }> {
  const advisor = await ctx.prisma.advisor.findUniqueOrThrow({ where: { id: ctx.advisorId }, select: { role: true } });
  const manager = advisor.role === 'MANAGER';
  return { tasks: await tasksFor(ctx.prisma, ctx.advisorId, { now: ctx.now, manager, limit: 30 }), manager };
}

/** The task a command names: "#code" among the shop's tasks, or the position in the list. */
async function resolve(ctx: Ctx, code: string | undefined, position: string | undefined): Promise<TaskView | null> {
  if (code) {
    const advisor = await ctx.prisma.advisor.findUniqueOrThrow({ where: { id: ctx.advisorId }, select: { shopId: true } });
    const rows = await ctx.prisma.advisorTask.findMany({ where: { shopId: advisor.shopId, id: { endsWith: code.toLowerCase() } }, select: { id: true }, take: 2 });
    if (rows.length !== 1) return null;
    return taskView(ctx.prisma, rows[0].id, { advisorId: ctx.advisorId }, ctx.now);
  }
  const { tasks } = await listFor(ctx);
  return tasks[Number(position) - 1] ?? null;
}

/**
 * "2小时", "30分钟", "明天", "tomorrow", "3h": when a snoozed task comes back. Nothing said: in
 * two hours. Tomorrow means the next day the shop opens, at its opening time. Null when the words are not understood.
 */
export function snoozeUntil(words: string | undefined, now: Date, timeZone: string, openingOn: (date: LocalDate) => OpeningWindow | null = () => null): Date | null {
  const text = (words ?? '').trim().toLowerCase();
  if (!text) return new Date(now.getTime() + 2 * 3_600_000);
  const amount = /^(\d{1,3})\s*(小时|个小时|h|hr|hrs|hours?|分钟|min|mins|minutes?|天|d|days?)$/.exec(text);
  if (amount) {
    const n = Number(amount[1]);
    const unit = amount[2];
    const ms = /^(分钟|min)/.test(unit) ? 60_000 : /^(天|d)/.test(unit) ? 86_400_000 : 3_600_000;
    return n > 0 ? new Date(now.getTime() + n * ms) : null;
  }
  if (/^(明天|明早|明天上午|下个工作日|tomorrow|tomorrow morning|next working day)$/.test(text)) {
    // The next day the shop opens, at its opening time (09:00 when the calendar says nothing).
    const today = localParts(now, timeZone).date as LocalDate;
    for (let n = 1; n <= 14; n++) {
      const day = addDays(today, n);
      const opening = openingOn(day);
      if (opening) return zonedInstant(day, opening.openMinute, timeZone);
    }
    return zonedInstant(addDays(today, 1), 9 * 60, timeZone);
  }
  return null;
}

/** Answers a task command, or null when the text is not one. */
export async function handleTaskCommand(text: string, ctx: Ctx, options: { idempotencyKey?: string | null } = {}): Promise<string | null> {
  const l = ctx.locale;
  const said = text.trim();
  if (LIST.test(said)) {
    const { tasks, manager } = await listFor(ctx);
    if (!tasks.length) return t(l, 'advisor.noTasks');
    const list = tasks.map((task, i) => `${i + 1}. ${describe(task, ctx, { showOwner: manager })}`).join('\n');
    return t(l, manager ? 'task.listAll' : 'task.list', { list });
  }
  const gone = t(l, 'advisor.taskGone');
  try {
    let m = SHOW.exec(said);
    if (m) {
      const task = await resolve(ctx, m[1], m[2]);
      if (!task) return t(l, 'task.unknown', { ref: m[1] ? `#${m[1]}` : m[2] });
      const notes = task.notes.map((n) => t(l, 'task.noteLine', { at: formatLocal(n.at, ctx.timeZone, l), who: n.author?.name ?? '—', text: n.text }));
      return [describe(task, ctx, { showOwner: true }), ...notes, t(l, 'task.commands', { code: taskCode(task.id) })].join('\n');
    }
    m = DONE.exec(said);
    if (m) {
      const task = await resolve(ctx, m[1], m[2]);
      if (!task) return t(l, 'task.unknown', { ref: m[1] ? `#${m[1]}` : m[2] });
      await completeTask(ctx.prisma, { advisorId: ctx.advisorId, taskId: task.id, note: m[3]?.trim() || null, now: ctx.now });
      return t(l, 'advisor.taskDone', { title: t(l, KIND_KEYS[task.kind] ?? 'task.kind.OTHER') + (task.person?.name ? ` ${task.person.name}` : '') });
    }
    m = SNOOZE.exec(said);
    if (m) {
      const advisor = await ctx.prisma.advisor.findUniqueOrThrow({ where: { id: ctx.advisorId }, select: { shopId: true } });
      const calendar = await shopCalendar(ctx.prisma, advisor.shopId);
      const until = snoozeUntil(m[3], ctx.now, ctx.timeZone, (date) => openingFor(calendar, date));
      if (!until) return t(l, 'task.snoozeFormat');
      const task = await resolve(ctx, m[1], m[2]);
      if (!task) return t(l, 'task.unknown', { ref: m[1] ? `#${m[1]}` : m[2] });
      await snoozeTask(ctx.prisma, { advisorId: ctx.advisorId, taskId: task.id, until, now: ctx.now });
      const overdue = until > task.dueAt ? t(l, 'task.snoozePastDue', { due: formatLocal(task.dueAt, ctx.timeZone, l) }) : '';
      return t(l, 'task.snoozed', { when: formatLocal(until, ctx.timeZone, l) }) + overdue;
    }
    m = NOTE.exec(said);
    if (m) {
      if (!m[3]?.trim()) return t(l, 'task.noteEmpty');
      const task = await resolve(ctx, m[1], m[2]);
      if (!task) return t(l, 'task.unknown', { ref: m[1] ? `#${m[1]}` : m[2] });
      await addTaskNote(ctx.prisma, { advisorId: ctx.advisorId, taskId: task.id, text: m[3], idempotencyKey: options.idempotencyKey ?? null, now: ctx.now });
      return t(l, 'task.noted');
    }
  } catch (error) {
    if (error instanceof TaskNotFoundError) return gone;
    if (error instanceof TaskInputError) return t(l, 'task.noteEmpty');
    throw error;
  }
  return null;
}

/** A pushed task: a card with done / snooze / note on Teams, text with the same commands elsewhere. */
function pushMessage(task: TaskView, ctx: Ctx, channel: string, reason: 'created' | 'snooze-ended'): Partial<Activity> | string {
  const l = ctx.locale;
  const code = taskCode(task.id);
  const head = t(l, reason === 'created' ? 'task.pushNew' : 'task.pushAgain');
  const body = `${head}\n${describe(task, ctx, { showOwner: false })}`;
  if (!CARD_CHANNELS.has(channel)) return `${body}\n${t(l, 'task.commands', { code })}`;
  const submit = (title: string, choice: string) => ({ type: 'Action.Submit', title, data: { choice, title } });
  const card = CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    body: body.split('\n').map((line, i) => ({ type: 'TextBlock', text: line, wrap: true, weight: i === 0 ? 'Bolder' : 'Default' })),
    actions: [
      submit(t(l, 'task.button.done'), `done #${code}`),
      submit(t(l, 'task.button.snooze'), `snooze #${code}`),
      submit(t(l, 'task.button.tomorrow'), `snooze #${code} tomorrow`),
      {
        type: 'Action.ShowCard',
        title: t(l, 'task.button.note'),
        card: {
          type: 'AdaptiveCard',
          body: [{ type: 'Input.Text', id: 'note', isMultiline: true, maxLength: 1000, placeholder: t(l, 'task.notePlaceholder') }],
          actions: [{ type: 'Action.Submit', title: t(l, 'task.button.saveNote'), data: { choice: `note #${code}`, title: t(l, 'task.button.note') } }],
        },
      },
    ],
  });
  return { type: ActivityTypes.Message, text: '', attachments: [card] };
}

/** Job advisor.task-push: to each chat account of the owner (everyone's accounts for a task for anyone). */
export function taskPushHandler(prisma: PrismaClient, messenger: ProactiveMessenger): JobHandler {
  return async (payload, { now }) => {
    const taskId = String(payload.taskId);
    const reason = payload.reason === 'snooze-ended' ? 'snooze-ended' : 'created';
    const row = await prisma.advisorTask.findUnique({ where: { id: taskId }, include: { shop: { select: { timeZone: true } } } });
    if (!row || row.status === 'DONE' || row.status === 'CANCELLED') return;
    // A snooze moved again, or taken back: only the push of the current snooze speaks.
    if (reason === 'snooze-ended' && row.status === 'SNOOZED' && row.snoozedUntil && row.snoozedUntil > now) return;
    const owners = row.advisorId
      ? await prisma.advisor.findMany({ where: { id: row.advisorId }, include: { identities: true } })
      : await prisma.advisor.findMany({ where: { shopId: row.shopId, active: true }, include: { identities: true } });
    for (const owner of owners) {
      const task = await taskView(prisma, taskId, { advisorId: owner.id }, now);
      for (const identity of owner.identities) {
        // Advisors work in the shop's language.
        const ctx: Ctx = { prisma, advisorId: owner.id, now, timeZone: row.shop.timeZone, locale: 'zh' };
        await messenger.send(identity.id, pushMessage(task, ctx, identity.channel, reason));
      }
    }
  };
}
