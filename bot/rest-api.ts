import crypto from 'node:crypto';
import type http from 'node:http';
import { z } from 'zod';
import type { PrismaClient } from '../services/db/client';
import type { ShopInfo } from './aftercare-bot';
import { cancelBooking, BookingNotFoundError, BookingNotChangeableError } from '../services/booking';
import { completeTask, TaskNotFoundError } from '../services/advisor-tasks';
import { addDays, localParts, zonedInstant, isLocalDate } from '../services/time';
import { maskMobile } from '../services/registration';
import { HttpError, readJson, sendJson, type Route } from './http-server';

/**
 * The advisors' REST API (workshop screens, DMS integration): the day's bookings, the task
 * list, and the two actions an advisor takes from a screen. Off unless AFTERCARE_API_KEY is set;
 * every request carries the key as `x-api-key` or `Authorization: Bearer`. Mobile numbers leave
 * masked: a screen in the workshop is not the customer file.
 */
function authorise(req: http.IncomingMessage, apiKey: string | undefined): void {
  if (!apiKey) throw new HttpError(404, 'the REST API is off: set AFTERCARE_API_KEY to enable it');
  const header = req.headers['x-api-key'] ?? (/^Bearer (.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1] ?? '');
  const given = Buffer.from(String(header));
  const expected = Buffer.from(apiKey);
  if (given.length === 0) throw new HttpError(401, 'missing API key (x-api-key header)');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw new HttpError(401, 'wrong API key');
}

function query(req: http.IncomingMessage): Record<string, string> {
  return Object.fromEntries(new URL(req.url ?? '/', 'http://localhost').searchParams);
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new HttpError(400, result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  }
  return result.data;
}

const idSchema = z.string().regex(/^[a-z0-9]{20,40}$/i, 'not a valid id');
const dateQuery = z.object({ date: z.string().refine(isLocalDate, 'must be a date YYYY-MM-DD').optional() }).strict();
const taskQuery = z.object({ status: z.enum(['OPEN', 'DONE', 'CANCELLED']).default('OPEN') }).strict();
const cancelBody = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
const completeBody = z.object({ advisorId: idSchema }).strict();

export function restApiRoutes(options: { prisma: PrismaClient; shop: ShopInfo; apiKey: string | undefined; now: () => Date }): Route[] {
  const { prisma, shop } = options;
  return [
    {
      method: 'GET',
      path: '/api/v1/bookings',
      handler: async (req, res) => {
        authorise(req, options.apiKey);
        const { date = localParts(options.now(), shop.timeZone).date } = parse(dateQuery, query(req));
        const from = zonedInstant(date, 0, shop.timeZone);
        const to = zonedInstant(addDays(date, 1), 0, shop.timeZone);
        const bookings = await prisma.booking.findMany({
          where: { shopId: shop.id, startsAt: { gte: from, lt: to } },
          orderBy: { startsAt: 'asc' },
          include: { customer: true, vehicle: true, lines: { include: { catalogItem: true } }, bay: true, technician: true },
        });
        sendJson(res, 200, {
          date,
          timeZone: shop.timeZone,
          bookings: bookings.map((b) => ({
            id: b.id,
            status: b.status,
            startsAt: b.startsAt.toISOString(),
            endsAt: b.endsAt.toISOString(),
            customer: { name: b.customer.name, mobile: maskMobile(b.customer.mobile) },
            plate: b.vehicle.plate,
            services: b.lines.map((l) => ({ code: l.catalogItem.code, nameZh: l.catalogItem.nameZh, nameEn: l.catalogItem.nameEn })),
            bay: b.bay?.name ?? null,
            technician: b.technician?.name ?? null,
            estimateFen: b.estimateFen,
            partsFlagged: b.partsFlagged,
          })),
        });
      },
    },
    {
      method: 'POST',
      path: /^\/api\/v1\/bookings\/([^/]+)\/cancel$/,
      handler: async (req, res, [rawId]) => {
        authorise(req, options.apiKey);
        const id = parse(idSchema, rawId);
        const { reason } = parse(cancelBody, await readJson(req));
        const booking = await prisma.booking.findFirst({ where: { id, shopId: shop.id } });
        if (!booking) throw new HttpError(404, `no booking ${id}`);
        try {
          const cancelled = await cancelBooking(prisma, { bookingId: id, customerId: booking.customerId, reason, now: options.now() });
          sendJson(res, 200, { id: cancelled.id, status: cancelled.status });
        } catch (error) {
          if (error instanceof BookingNotFoundError) throw new HttpError(404, error.message);
          if (error instanceof BookingNotChangeableError) throw new HttpError(409, error.message);
          throw error;
        }
      },
    },
    {
      method: 'GET',
      path: '/api/v1/tasks',
      handler: async (req, res) => {
        authorise(req, options.apiKey);
        const { status } = parse(taskQuery, query(req));
        const tasks = await prisma.advisorTask.findMany({ where: { shopId: shop.id, status }, orderBy: { dueAt: 'asc' }, take: 200, include: { advisor: true } });
        sendJson(res, 200, {
          tasks: tasks.map((t) => ({ id: t.id, kind: t.kind, title: t.title, status: t.status, dueAt: t.dueAt.toISOString(), overdue: t.status === 'OPEN' && t.dueAt < options.now(), advisor: t.advisor?.name ?? null })),
        });
      },
    },
    {
      method: 'POST',
      path: /^\/api\/v1\/tasks\/([^/]+)\/complete$/,
      handler: async (req, res, [rawId]) => {
        authorise(req, options.apiKey);
        const taskId = parse(idSchema, rawId);
        const { advisorId } = parse(completeBody, await readJson(req));
        const advisor = await prisma.advisor.findFirst({ where: { id: advisorId, shopId: shop.id } });
        if (!advisor) throw new HttpError(404, `no advisor ${advisorId} in this shop`);
        try {
          const task = await completeTask(prisma, { advisorId, taskId, now: options.now() });
          sendJson(res, 200, { id: task.id, status: task.status });
        } catch (error) {
          if (error instanceof TaskNotFoundError) throw new HttpError(404, error.message);
          throw error;
        }
      },
    },
  ];
}
