import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { addTaskNote, completeTask, shopTasks, snoozeTask, TaskInputError, TaskNotFoundError, type TaskView } from '../../../services/advisor-tasks';
import { errorResponses, HttpError } from '../server';
import { apiSecurity, idSchema, type ApiOptions } from './common';

const taskStatus = z.enum(['OPEN', 'SNOOZED', 'DONE', 'CANCELLED']);

const listQuery = z.strictObject({ status: taskStatus.default('OPEN').describe('Default OPEN (includes tasks whose snooze has run out); SNOOZED: snoozed until later') });

const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone (2026-11-28T16:00:00+08:00)' });

const taskSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    title: z.string().describe('Neutral summary; render your own from kind and the fields'),
    status: taskStatus,
    dueAt: z.iso.datetime(),
    originalDueAt: z.iso.datetime().nullable().describe('The first due time, when a missed promise moved it'),
    snoozedUntil: z.iso.datetime().nullable(),
    overdue: z.boolean(),
    escalationLevel: z.number().int(),
    escalatedAt: z.iso.datetime().nullable(),
    advisor: z.string().nullable().describe('Name of the advisor it is assigned to; null for anyone'),
    advisorId: z.string().nullable(),
    customer: z
      .object({
        id: z.string().nullable().describe('null: not registered, a contact given in chat'),
        name: z.string().nullable(),
        mobile: z.string().nullable().describe('Always masked here (138****5678): the full number is shown to the task owner only'),
      })
      .nullable(),
    vehicle: z.object({ id: z.string(), plate: z.string() }).nullable(),
    bookingId: z.string().nullable(),
    repairOrder: z.object({ id: z.string(), number: z.string() }).nullable(),
    complaint: z.object({ id: z.string(), severity: z.enum(['NORMAL', 'MAJOR']), status: z.enum(['OPEN', 'IN_PROGRESS', 'RESOLVED']) }).nullable(),
    said: z.string().nullable().describe("What the customer said, in their words"),
    notes: z.array(z.object({ text: z.string(), closing: z.boolean(), at: z.iso.datetime(), author: z.string().nullable() })),
  })
  .meta({ id: 'AdvisorTask' });

const taskParams = z.object({ id: idSchema });
const completeBody = z.strictObject({
  advisorId: idSchema.describe('The advisor who did the work'),
  note: z.string().trim().min(1).max(1000).optional().describe('What was done or agreed, kept with the task'),
});
const completeResponse = z.object({ id: z.string(), status: z.literal('DONE') });
const snoozeBody = z.strictObject({ advisorId: idSchema.describe('The advisor putting it off'), until: instant.describe('When the task comes back; must be later than now') });
const snoozeResponse = z.object({ id: z.string(), status: z.literal('SNOOZED'), snoozedUntil: z.iso.datetime() });
const noteBody = z.strictObject({
  advisorId: idSchema.describe('The advisor writing it'),
  text: z.string().trim().min(1).max(1000),
  requestId: z.string().trim().min(1).max(200).optional().describe('Your id for this note: the same id sent again stores the note once'),
});
const noteResponse = z.object({ taskId: z.string(), added: z.boolean().describe('false: a note with this requestId was stored before') });

function restTask(t: TaskView) {
  return {
    id: t.id,
    kind: t.kind,
    title: t.title,
    status: t.status,
    dueAt: t.dueAt.toISOString(),
    originalDueAt: t.originalDueAt?.toISOString() ?? null,
    snoozedUntil: t.status === 'SNOOZED' ? t.snoozedUntil?.toISOString() ?? null : null,
    overdue: t.overdue,
    escalationLevel: t.escalationLevel,
    escalatedAt: t.escalatedAt?.toISOString() ?? null,
    advisor: t.owner?.name ?? null,
    advisorId: t.owner?.id ?? null,
    customer: t.person ? { id: t.person.customerId, name: t.person.name, mobile: t.person.mobile } : null,
    vehicle: t.vehicle,
    bookingId: t.booking?.id ?? null,
    repairOrder: t.repairOrder,
    complaint: t.complaint ? { id: t.complaint.id, severity: t.complaint.severity, status: t.complaint.status } : null,
    said: t.said,
    notes: t.notes.map((n) => ({ text: n.text, closing: n.closing, at: n.at.toISOString(), author: n.author?.name ?? (n.actorType === 'advisor' ? null : n.actorType) })),
  };
}

/** The advisors' follow-up list (at most 200, soonest due first), and acting on a task from a screen. */
export const tasksApi: FastifyPluginAsyncZod<ApiOptions> = async (app, { prisma, shop, now }) => {
  async function shopAdvisor(advisorId: string) {
    const advisor = await prisma.advisor.findFirst({ where: { id: advisorId, shopId: shop.id }, select: { id: true } });
    if (!advisor) throw new HttpError(404, `no advisor ${advisorId} in this shop`);
  }

  async function onTask<T>(taskId: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof TaskNotFoundError) throw new HttpError(404, error.message.startsWith('no open') ? `no open task ${taskId}` : `no task ${taskId}`);
      if (error instanceof TaskInputError) throw new HttpError(400, error.message, error.code);
      throw error;
    }
  }

  app.get(
    '/tasks',
    {
      schema: {
        tags: ['Advisor tasks'],
        summary: 'Advisor follow-up tasks, soonest due first (at most 200)',
        description: 'Mobile numbers are masked: the full number is shown only to the task owner, in chat.',
        security: apiSecurity,
        querystring: listQuery,
        response: { 200: z.object({ tasks: z.array(taskSchema) }), ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request) => {
      const tasks = await shopTasks(prisma, { shopId: shop.id, status: request.query.status, now: now(), limit: 200 });
      return { tasks: tasks.map(restTask) };
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
        params: taskParams,
        body: completeBody,
        response: { 200: completeResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 500) },
      },
    },
    async (request) => {
      const { advisorId, note } = request.body;
      await shopAdvisor(advisorId);
      const task = await onTask(request.params.id, () => completeTask(prisma, { advisorId, taskId: request.params.id, note, now: now(), actor: request.apiActor }));
      return { id: task.id, status: 'DONE' as const };
    },
  );

  app.post(
    '/tasks/:id/snooze',
    {
      schema: {
        tags: ['Advisor tasks'],
        summary: 'Put an open task off until a later time, on behalf of an advisor',
        description: 'The task leaves the OPEN list until then and is pushed to its owner again. Its due time does not move. Snoozing to the same time twice is one snooze. Audited like completion; a task that is not open answers 404.',
        security: apiSecurity,
        params: taskParams,
        body: snoozeBody,
        response: { 200: snoozeResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 500) },
      },
    },
    async (request) => {
      const { advisorId, until } = request.body;
      await shopAdvisor(advisorId);
      const task = await onTask(request.params.id, () => snoozeTask(prisma, { advisorId, taskId: request.params.id, until: new Date(until), now: now(), actor: request.apiActor }));
      return { id: task.id, status: 'SNOOZED' as const, snoozedUntil: task.snoozedUntil!.toISOString() };
    },
  );

  app.post(
    '/tasks/:id/notes',
    {
      schema: {
        tags: ['Advisor tasks'],
        summary: 'Add a note to a task, on behalf of an advisor',
        description: 'Any task of this shop, open or closed. With requestId, sending the same note again stores it once. Audited like completion.',
        security: apiSecurity,
        params: taskParams,
        body: noteBody,
        response: { 200: noteResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 500) },
      },
    },
    async (request) => {
      const { advisorId, text, requestId } = request.body;
      await shopAdvisor(advisorId);
      return onTask(request.params.id, () =>
        addTaskNote(prisma, { advisorId, taskId: request.params.id, text, idempotencyKey: requestId ? `api:${requestId}` : null, now: now(), actor: request.apiActor }),
      );
    },
  );
};
