import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { BookingNotChangeableError, BookingNotFoundError, cancelBooking } from '../../../services/booking';
import { maskMobile } from '../../../services/registration';
import { addDays, daysBetween, isLocalDate, localParts, zonedInstant } from '../../../services/time';
import { errorResponses, HttpError } from '../server';
import { apiSecurity, idSchema, type ApiOptions } from './common';

/** A day further than this from today is a typo or a probe, not a workshop's question. */
const DATE_RANGE_DAYS = 5 * 365 + 1;

function listQuery(today: () => string) {
  return z.strictObject({
    date: z
      .string()
      .refine(isLocalDate, { message: 'must be a date YYYY-MM-DD', abort: true })
      .superRefine((date, ctx) => {
        const t = today();
        if (Math.abs(daysBetween(t, date)) > DATE_RANGE_DAYS) {
          ctx.addIssue({ code: 'custom', message: `must be within 5 years of today (${addDays(t, -DATE_RANGE_DAYS)} to ${addDays(t, DATE_RANGE_DAYS)})` });
        }
      })
      .optional()
      .describe('Shop-local date YYYY-MM-DD, within 5 years of today; default today'),
  });
}

const bookingSchema = z
  .object({
    id: z.string(),
    status: z.enum(['CONFIRMED', 'CHECKED_IN', 'COMPLETED', 'CANCELLED', 'NO_SHOW']),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    customer: z.object({ name: z.string(), mobile: z.string().describe('Masked: 138****5678') }),
    plate: z.string(),
    services: z.array(z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string() })),
    bay: z.string().nullable(),
    technician: z.string().nullable(),
    estimateFen: z.number().int().describe('Estimate shown at booking, tax included, in fen (1/100 CNY)'),
    partsFlagged: z.boolean().describe('A needed part is short: the advisor must confirm it arrives'),
  })
  .meta({ id: 'Booking' });

const listResponse = z.object({ date: z.string(), timeZone: z.string(), bookings: z.array(bookingSchema) });

const cancelParams = z.object({ id: idSchema });
const cancelBody = z.strictObject({ reason: z.string().trim().min(1).max(500).describe('Why, in words the customer file keeps (e.g. 客户来电取消)') });
const cancelResponse = z.object({ id: z.string(), status: z.literal('CANCELLED') });

/**
 * The day's bookings for a workshop screen, and cancelling one for a customer who phoned.
 * Mobile numbers leave masked: a screen in the workshop is not the customer file.
 */
export const bookingsApi: FastifyPluginAsyncZod<ApiOptions> = async (app, { prisma, shop, now }) => {
  app.get(
    '/bookings',
    {
      schema: {
        tags: ['Bookings'],
        summary: "A day's bookings, in start order",
        security: apiSecurity,
        querystring: listQuery(() => localParts(now(), shop.timeZone).date),
        response: { 200: listResponse, ...errorResponses(400, 401, 403, 404, 500) },
      },
    },
    async (request) => {
      const date = request.query.date ?? localParts(now(), shop.timeZone).date;
      const bookings = await prisma.booking.findMany({
        where: { shopId: shop.id, startsAt: { gte: zonedInstant(date, 0, shop.timeZone), lt: zonedInstant(addDays(date, 1), 0, shop.timeZone) } },
        orderBy: { startsAt: 'asc' },
        include: { customer: true, vehicle: true, lines: { include: { catalogItem: true } }, bay: true, technician: true },
      });
      return {
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
      };
    },
  );

  app.post(
    '/bookings/:id/cancel',
    {
      schema: {
        tags: ['Bookings'],
        summary: 'Cancel a booking (e.g. the customer phoned); its slot is free at once',
        description:
          'Idempotent: cancelling a cancelled booking answers 200 with the same result and changes nothing; of concurrent cancels exactly one changes the booking and is audited (actor: this API key). ' +
          '409 when the booking can no longer be cancelled (started, completed, no-show).',
        security: apiSecurity,
        params: cancelParams,
        body: cancelBody,
        response: { 200: cancelResponse, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 500) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const booking = await prisma.booking.findFirst({ where: { id, shopId: shop.id }, select: { customerId: true } });
      if (!booking) throw new HttpError(404, `no booking ${id}`);
      try {
        const cancelled = await cancelBooking(prisma, { bookingId: id, customerId: booking.customerId, reason: request.body.reason, now: now(), actor: request.apiActor });
        return { id: cancelled.id, status: 'CANCELLED' as const };
      } catch (error) {
        if (error instanceof BookingNotFoundError) throw new HttpError(404, `no booking ${id}`);
        if (error instanceof BookingNotChangeableError) throw new HttpError(409, `booking ${id} can no longer be cancelled (${error.status})`);
        throw error;
      }
    },
  );
};
