/**
 * Why a repair-order action was refused, as a code the conversation and the REST API word
 * in their own terms. `details` carries the facts needed to say it (statuses, counts, ids).
 */
export type RepairOrderRefusal =
  /** No such repair order (or line, request, booking, vehicle) in this shop. */
  | 'not-found'
  /** The lifecycle table has no such move; details: { from, to, allowed }. */
  | 'illegal-transition'
  /** READY (or back to work) while extra-work items wait for the customer; details: { pendingItems }. */
  | 'extra-work-pending'
  /** Cancelling, re-opening, moving a promise, correcting or removing a line needs a reason. */
  | 'reason-required'
  /** AWAITING_APPROVAL is reached by proposing extra work, not by a status change. */
  | 'use-extra-work'
  /** The order's lines or extra work can no longer change in this status; details: { status }. */
  | 'not-editable'
  /** The booking cannot be checked in; details: { status } (cancelled, already checked in …). */
  | 'booking-not-checkable'
  /** No advisor given and the customer has none. */
  | 'advisor-required'
  /** A line names an operation or part the shop does not have; details: { operation | part }. */
  | 'unknown-item'
  /** A line's prices or payer are not acceptable; details: { problems } (e.g. warranty does not apply). */
  | 'invalid-line'
  /** A line that came from approved extra work changes only by revising the extra work. */
  | 'consented-line'
  /** A revision that changes nothing the customer sees. */
  | 'nothing-changed'
  /** A promised time that has already passed. */
  | 'promise-in-past'
  /** The vehicle already has an open repair order; details: { number }. */
  | 'vehicle-has-open-order';

export class RepairOrderError extends Error {
  constructor(
    readonly code: RepairOrderRefusal,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'RepairOrderError';
  }
}
