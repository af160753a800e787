import type { Slot } from './slots';

export type SlotUnavailableReason = 'closed' | 'full' | 'past' | 'beyond-horizon' | 'outside-hours';

/** The slot cannot be booked (taken meanwhile, or not a bookable slot at all). */
export class SlotUnavailableError extends Error {
  constructor(
    readonly reason: SlotUnavailableReason,
    /** Other slots the dialog can offer at once; empty when they could not be computed cheaply. */
    public alternatives: Slot[] = [],
  ) {
    super(`slot unavailable: ${reason}`);
    this.name = 'SlotUnavailableError';
  }
}

/**
 * No such booking for this customer. Deliberately the same error whether the booking
 * does not exist or belongs to someone else, so ids cannot be probed.
 */
export class BookingNotFoundError extends Error {
  constructor(readonly bookingId: string) {
    super(`booking ${bookingId} not found`);
    this.name = 'BookingNotFoundError';
  }
}

/** The booking exists but can no longer be changed (cancelled, checked in, in the past). */
export class BookingNotChangeableError extends Error {
  constructor(readonly bookingId: string, readonly status: string) {
    super(`booking ${bookingId} cannot be changed (${status})`);
    this.name = 'BookingNotChangeableError';
  }
}

/** A requested catalogue item does not exist in this shop or is inactive. */
export class UnknownServiceError extends Error {
  constructor(readonly catalogItemIds: string[]) {
    super(`unknown or inactive services: ${catalogItemIds.join(', ')}`);
    this.name = 'UnknownServiceError';
  }
}

/** Input that fails validation at the service boundary (bad ids, customer/vehicle mismatch). */
export class BookingInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BookingInputError';
  }
}

/** The same car already has a booking that overlaps: it cannot be in two bays at once. */
export class VehicleAlreadyBookedError extends Error {
  constructor(readonly bookingId: string, readonly startsAt: Date) {
    super(`vehicle already booked at ${startsAt.toISOString()} (booking ${bookingId})`);
    this.name = 'VehicleAlreadyBookedError';
  }
}

/** The estimate differs from the price the customer was quoted: they must agree to the new one. */
export class PriceChangedError extends Error {
  constructor(readonly quotedFen: number, readonly currentFen: number) {
    super(`price changed since it was quoted: ${quotedFen} → ${currentFen} fen`);
    this.name = 'PriceChangedError';
  }
}
