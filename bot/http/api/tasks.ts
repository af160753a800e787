import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { completeTask, TaskNotFoundError } from '../../../services/advisor-tasks';
import { errorResponses, HttpError } from '../server';
import { apiSecurity, idSchema, type ApiOptions } from './common';

const taskStatus = z.enum(['OPEN', 'DONE', 'CANCELLED']);

const listQuery = z.strictObject({ status: taskStatus.default('OPEN').describe('Default OPEN') });

const taskSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    title: z.string(),
    status: taskStatus,
    dueAt: z.iso.datetime(),
    overdue: z.boolean(),
    advisor: z.string().nullable().describe('Name of the advisor it is assigned to; null for anyone'),
  })
  .meta({ id: 'AdvisorTask' });

const completeParams = z.object({ id: idSchema });
const completeBody = z.strictObject({ advisorId: idSchema.describe('The advisor who did the work') });
const completeResponse = z.object({ id: z.string(), status: z.literal('DONE') });

/** The advisors' follow-up list (at most 200, soonest due first), and closing a task from a screen. */
export const tasksApi: FastifyPluginAsyncZod<ApiOptions> = async (app, { prisma, shop, now }) => {
  app.get(
    '/tasks',
    {
      schema: {
        tags: ['Advisor tasks'],
        summary: 'Advisor follow-up tasks, soonest due first (at most 200)',
        security: apiSecurity,
        querystring: listQuery,
        response: { 200: z.object({ tasks: z.array(taskSchema) }), ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request) => {
      const at = now();
      const tasks = await prisma.advisorTask.findMany({ where: { shopId: shop.id, status: request.query.status }, orderBy: { dueAt: 'asc' }, take: 200, include: { advisor: true } });
      return {
        tasks: tasks.map((t) => ({ id: t.id, kind: t.kind, title: t.title, status: t.status, dueAt: t.dueAt.toISOString(), overdue: t.status === 'OPEN' && t.dueAt < at, advisor: t.advisor?.name ?? null })),
      };
    },
  );

  app.post(
    '/tasks/:id/complete',
    {
      schema: {
        tags: ['Advisor tasks'],
        summary: 'Mark an open task done, on behalf of an advisor',
        description: 'Audited with this API key as the actor and the advisor in the data. A task that is not open (done already, or unknown) answers 404.',
        security: apiSecurity,
        params: completeParams,
        body: completeBody,
        response: { 200: completeResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 500) },
      },
    },
    async (request) => {
      const { advisorId } = request.body;
      const advisor = await prisma.advisor.findFirst({ where: { id: advisorId, shopId: shop.id }, select: { id: true } });
      if (!advisor) throw new HttpError(404, `no advisor ${advisorId} in this shop`);
      try {
        const task = await completeTask(prisma, { advisorId, taskId: request.params.id, now: now(), actor: request.apiActor });
        return { id: task.id, status: 'DONE' as const };
      } catch (error) {
        if (error instanceof TaskNotFoundError) throw new HttpError(404, `no open task ${request.params.id}`);
        throw error;
      }
    },
  );
};
