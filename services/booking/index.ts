export * from './errors';
export * from './slots';
export * from './availability';
export * from './estimate';
export { bookingMetrics, createBooking, rescheduleBooking, cancelBooking, listUpcomingBookings, reminderRunAt, reminderDedupeKey, REMINDER_JOB_KIND, isRetryableConflict, placeJob } from './bookings';
export type { CreateBookingInput, UpcomingBooking } from './bookings';
