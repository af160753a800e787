/**
 * Which of the customer's bookings a request is about: the one quoted by reference, the one
 * just made, the only one, or the customer picks from a list. Shared by my-bookings,
 * rescheduling and cancelling, which all look only at the customer's own bookings.
 */
import type { FlowContext } from './core/flow';
import type { Option } from './core/question';
import type { BookingView } from '../services/desk/types';
import { serviceNames, when as formatWhen } from './format';

export interface BookingSummary {
  id: string;
  ref: string;
  startsAt: string;
  plate: string;
  services: { zh: string; en: string };
}

export function summarise(b: BookingView): BookingSummary {
  return {
    id: b.id,
    ref: b.ref,
    startsAt: b.startsAt.toISOString(),
    plate: b.plate,
    services: { zh: serviceNames({ locale: 'zh' }, b.services), en: serviceNames({ locale: 'en' }, b.services) },
  };
}

export function describe(ctx: FlowContext, b: BookingSummary): string {
  return `${b.ref} ${formatWhen(ctx, new Date(b.startsAt))} ${b.plate} ${b.services[ctx.locale]}`;
}

export function bookingOptions(ctx: FlowContext, bookings: readonly BookingSummary[]): Option[] {
  return bookings.map((b) => ({ id: b.id, label: describe(ctx, b), synonyms: [b.ref.toLowerCase(), b.plate.toLowerCase()] }));
}

/** The booking meant without asking, when there is exactly one way to read it. */
export function implied(bookings: readonly BookingSummary[], ref: string | null | undefined, lastBookingId: string | undefined): BookingSummary | null {
  if (ref) return bookings.find((b) => b.ref === ref.toUpperCase()) ?? null;
  if (bookings.length === 1) return bookings[0];
  return bookings.find((b) => b.id === lastBookingId) ?? null;
}
