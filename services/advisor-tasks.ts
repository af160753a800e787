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

export async function completeTask(prisma: PrismaClient, input: { advisorId: string; taskId: string; now: Date }) {
  const advisor = await prisma.advisor.findUniqueOrThrow({ where: { id: input.advisorId } });
  const task = await prisma.advisorTask.findFirst({ where: { id: input.taskId, shopId: advisor.shopId, status: 'OPEN' } });
  if (!task) throw new TaskNotFoundError(`no open task ${input.taskId}`);
  const done = await prisma.advisorTask.update({ where: { id: task.id }, data: { status: 'DONE', completedAt: input.now, advisorId: task.advisorId ?? input.advisorId } });
  await prisma.auditEvent.create({
    data: { shopId: advisor.shopId, actorType: 'advisor', actorId: advisor.id, action: 'task.completed', entityType: 'AdvisorTask', entityId: task.id },
  });
  return done;
}
