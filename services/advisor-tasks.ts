import type { Actor } from './actor';
import type { PrismaClient } from './db/client';

/**
 * The advisor's work list: follow-up tasks raised by the bot (handoffs, registration help,
 * and later declined work, low scores, complaints). Every query is scoped to the advisor's shop.
 */
export async function openTasks(prisma: PrismaClient, advisorId: string, limit = 20) {
  const advisor = await prisma.advisor.findUniqueOrThrow({ where: { id: advisorId } });
  return prisma.advisorTask.findMany({
    where: { shopId: advisor.shopId, status: 'OPEN', OR: [{ advisorId }, { advisorId: null }] },
    orderBy: [{ dueAt: 'asc' }],
    take: limit,
    include: { customer: { include: { vehicles: true } } },
  });
}

export class TaskNotFoundError extends Error {}

/**
 * Closes an open task for `advisorId`. `actor` is who acted, for the audit trail (the advisor
 * unless said otherwise, e.g. a REST API key). Completing is a conditional update: of
 * concurrent completions one wins and is audited, the others get TaskNotFoundError.
 */
export async function completeTask(prisma: PrismaClient, input: { advisorId: string; taskId: string; now: Date; actor?: Actor }) {
  const advisor = await prisma.advisor.findUniqueOrThrow({ where: { id: input.advisorId } });
  const actor = input.actor ?? { type: 'advisor' as const, id: advisor.id };
  return prisma.$transaction(async (tx) => {
    const task = await tx.advisorTask.findFirst({ where: { id: input.taskId, shopId: advisor.shopId, status: 'OPEN' } });
    if (!task) throw new TaskNotFoundError(`no open task ${input.taskId}`);
    const claimed = await tx.advisorTask.updateMany({
      where: { id: task.id, status: 'OPEN' },
      data: { status: 'DONE', completedAt: input.now, advisorId: task.advisorId ?? input.advisorId },
    });
    if (claimed.count === 0) throw new TaskNotFoundError(`no open task ${input.taskId}`);
    await tx.auditEvent.create({
      data: {
        shopId: advisor.shopId,
        actorType: actor.type,
        actorId: actor.id,
        action: 'task.completed',
        entityType: 'AdvisorTask',
        entityId: task.id,
        data: actor.type === 'advisor' ? undefined : { advisorId: advisor.id },
      },
    });
    return tx.advisorTask.findUniqueOrThrow({ where: { id: task.id } });
  });
}
