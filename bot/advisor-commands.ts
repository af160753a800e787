import type { TurnContext } from 'botbuilder';
import type { PrismaClient } from '../services/db/client';
import { completeTask, openTasks, TaskNotFoundError } from '../services/advisor-tasks';
import { formatLocal } from '../services/time';
import { maskMobile } from '../services/registration';
import { t, type Locale } from '../dialogs/i18n';
import { acceptHandoff, activeHandoffOfAdvisor, endHandoff, handoffCustomerIdentity, type Notify } from '../services/handoff';

/**
 * What an advisor can type to the bot. Only identities linked to an Advisor row get here;
 * a customer typing the same words is answered as a customer.
 */
export async function handleAdvisorMessage(
  context: TurnContext,
  input: { prisma: PrismaClient; advisorId: string; text: string; now: Date; timeZone: string; locale: Locale; notify?: Notify },
): Promise<void> {
  const zh = input.locale === 'zh';
  const text = input.text.trim();
  const { prisma } = input;

  if (/^(接入|接|accept|take)$/i.test(text)) {
    const accepted = await acceptHandoff(prisma, { advisorId: input.advisorId, now: input.now });
    if (!accepted) {
      await context.sendActivity(zh ? '没有等待人工服务的客户。' : 'No customer is waiting for a person.');
      return;
    }
    const customerIdentity = await handoffCustomerIdentity(prisma, accepted.handoff);
    const customerLocale: Locale = accepted.handoff.customer.locale === 'en' ? 'en' : 'zh';
    if (customerIdentity && input.notify) await input.notify(customerIdentity.id, t(customerLocale, 'handoff.accepted', { advisor: accepted.advisor.name }));
    await context.sendActivity(
      zh
        ? `已接入 ${accepted.handoff.customer.name}（${maskMobile(accepted.handoff.customer.mobile)}）。您发的消息会转给客户，回复“结束”结束人工服务。`
        : `You are now talking to ${accepted.handoff.customer.name} (${maskMobile(accepted.handoff.customer.mobile)}). Your messages go to the customer; say "end" to finish.`,
    );
    return;
  }
  const active = await activeHandoffOfAdvisor(prisma, input.advisorId);
  if (active && /^(结束|结束人工|end|end chat)$/i.test(text)) {
    await endHandoff(prisma, active, input.now);
    const customerIdentity = await handoffCustomerIdentity(prisma, active);
    const customerLocale: Locale = active.customer.locale === 'en' ? 'en' : 'zh';
    if (customerIdentity && input.notify) await input.notify(customerIdentity.id, t(customerLocale, 'handoff.ended'));
    await context.sendActivity(zh ? '人工服务已结束，机器人重新接管该客户。' : 'Chat ended; the bot looks after the customer again.');
    return;
  }
  if (active && !/^(任务|待办|tasks?|todo|(完成|done)\s*#?\d{1,3})$/i.test(text)) {
    const customerIdentity = await handoffCustomerIdentity(prisma, active);
    const advisor = await prisma.advisor.findUniqueOrThrow({ where: { id: input.advisorId } });
    if (!customerIdentity || !input.notify) {
      await context.sendActivity(zh ? '无法联系到该客户的会话。' : "The customer's conversation cannot be reached.");
      return;
    }
    const customerLocale: Locale = active.customer.locale === 'en' ? 'en' : 'zh';
    await input.notify(customerIdentity.id, t(customerLocale, 'handoff.fromAdvisor', { advisor: advisor.name, text }));
    return;
  }
  const done = /^(完成|done)\s*#?(\d{1,3})$/i.exec(text);
  const tasks = await openTasks(input.prisma, input.advisorId);
  if (done) {
    const task = tasks[Number(done[2]) - 1];
    if (!task) {
      await context.sendActivity(zh ? `没有第 ${done[2]} 项待办。回复“任务”查看列表。` : `There is no task ${done[2]}. Say "tasks" to see the list.`);
      return;
    }
    try {
      await completeTask(input.prisma, { advisorId: input.advisorId, taskId: task.id, now: input.now });
      await context.sendActivity(zh ? `已完成：${task.title}` : `Done: ${task.title}`);
    } catch (error) {
      if (!(error instanceof TaskNotFoundError)) throw error;
      await context.sendActivity(zh ? '这项任务已被处理。' : 'That task was already handled.');
    }
    return;
  }
  if (/^(任务|待办|tasks?|todo)$/i.test(text)) {
    if (tasks.length === 0) {
      await context.sendActivity(zh ? '目前没有待办任务。' : 'No open tasks.');
      return;
    }
    const lines = tasks.map((task, i) => {
      const who = task.customer ? `${task.customer.name} ${maskMobile(task.customer.mobile)} ${task.customer.vehicles.map((v) => v.plate).join('/')}` : '';
      const late = task.dueAt < input.now ? (zh ? '【已逾期】' : '[OVERDUE] ') : '';
      return `${i + 1}. ${late}${task.title} ${who} — ${zh ? '截止' : 'due'} ${formatLocal(task.dueAt, input.timeZone, input.locale)}`;
    });
    await context.sendActivity(`${zh ? '待办任务：' : 'Open tasks:'}\n${lines.join('\n')}\n${zh ? '回复“完成 1”标记完成。' : 'Reply "done 1" to close one.'}`);
    return;
  }
  await context.sendActivity(
    zh
      ? '顾问指令：“任务” 查看待办，“完成 N” 标记完成，“接入” 接待等待人工服务的客户。'
      : 'Advisor commands: "tasks" lists open tasks, "done N" closes one, "accept" takes a customer waiting for a person.',
  );
}
