import type { TurnContext } from 'botbuilder';
import type { PrismaClient } from '../services/db/client';
import { maskMobile } from '../services/registration';
import { isLocale, type Locale } from '../services/locale';
import { t } from '../dialogs';
import { handleRepairCommand, isRepairCommand } from './advisor-repair-commands';
import { KPI_COMMAND, kpiText } from './advisor-kpi';
import { handleTaskCommand, isTaskCommand } from './advisor-tasks-chat';
import { acceptHandoff, activeHandoffOfAdvisor, endHandoff, handoffCustomerIdentity, type Notify } from '../services/handoff';

/**
 * What an advisor can type to the bot. Only identities linked to an Advisor row get here;
 * a customer typing the same words is answered as a customer.
 */
const ACCEPT = /^(接入|接|accept|take)$/i;
const END = /^(结束|结束人工|end|end chat)$/i;

function customerLocale(value: string): Locale {
  return isLocale(value) ? value : 'zh';
}

export async function handleAdvisorMessage(
  context: TurnContext,
  input: { prisma: PrismaClient; advisorId: string; shopId: string; text: string; now: Date; timeZone: string; locale: Locale; notify?: Notify; activityId?: string | null },
): Promise<void> {
  const { prisma, locale } = input;
  const text = input.text.trim();
  const say = (message: string) => context.sendActivity(message);

  if (ACCEPT.test(text)) {
    const accepted = await acceptHandoff(prisma, { advisorId: input.advisorId, now: input.now });
    if (!accepted) {
      await say(t(locale, 'advisor.noneWaiting'));
      return;
    }
    const customerIdentity = await handoffCustomerIdentity(prisma, accepted.handoff);
    if (customerIdentity && input.notify) await input.notify(customerIdentity.id, t(customerLocale(accepted.handoff.customer.locale), 'handoff.accepted', { advisor: accepted.advisor.name }));
    await say(t(locale, 'advisor.accepted', { name: accepted.handoff.customer.name, mobile: maskMobile(accepted.handoff.customer.mobile) }));
    return;
  }
  const active = await activeHandoffOfAdvisor(prisma, input.advisorId);
  if (active && END.test(text)) {
    await endHandoff(prisma, active, input.now);
    const customerIdentity = await handoffCustomerIdentity(prisma, active);
    if (customerIdentity && input.notify) await input.notify(customerIdentity.id, t(customerLocale(active.customer.locale), 'handoff.ended'));
    await say(t(locale, 'advisor.ended'));
    return;
  }
  if (active && !isTaskCommand(text) && !KPI_COMMAND.test(text) && !isRepairCommand(text)) {
    const customerIdentity = await handoffCustomerIdentity(prisma, active);
    const advisor = await prisma.advisor.findUniqueOrThrow({ where: { id: input.advisorId } });
    if (!customerIdentity || !input.notify) {
      await say(t(locale, 'advisor.relayQueued'));
      return;
    }
    await input.notify(customerIdentity.id, t(customerLocale(active.customer.locale), 'handoff.fromAdvisor', { advisor: advisor.name, text }));
    return;
  }
  const tasks = await handleTaskCommand(text, { prisma, advisorId: input.advisorId, now: input.now, timeZone: input.timeZone, locale }, { idempotencyKey: input.activityId ?? null });
  if (tasks !== null) {
    await say(tasks);
    return;
  }
  if (KPI_COMMAND.test(text)) {
    await say(await kpiText(prisma, { shopId: input.shopId, advisorId: input.advisorId, text, now: input.now, timeZone: input.timeZone, locale }));
    return;
  }
  const repair = await handleRepairCommand(text, {
    prisma,
    advisorId: input.advisorId,
    shopId: input.shopId,
    timeZone: input.timeZone,
    locale,
    now: input.now,
    sendToCustomer: input.notify
      ? async (customerId, message) => {
          const identity = await prisma.channelIdentity.findFirst({ where: { customerId }, orderBy: { lastInboundAt: { sort: 'desc', nulls: 'last' } } });
          if (!identity) throw new Error('the customer has no chat account');
          await input.notify!(identity.id, message);
        }
      : undefined,
  });
  if (repair) {
    await say(repair);
    return;
  }
  await say(t(locale, 'advisor.help'));
}
