/**
 * Job kinds and dedupe keys of the follow-up work. A leaf module (no imports), so that booking
 * and repair-order code can schedule follow-up jobs without loading the follow-up services.
 */

/** Shortly after a booking's start: not checked in means a no-show. Payload {bookingId, startsAt}. */
export const NO_SHOW_JOB_KIND = 'booking.no-show-check';
export const noShowDedupeKey = (bookingId: string) => `booking-no-show:${bookingId}`;

/** Once a day per shop: maintenance-due reminders, surveys past their time. Payload {shopId, date}. */
export const DAILY_FOLLOW_UP_JOB_KIND = 'follow-up.daily';
export const dailyDedupeKey = (shopId: string, date: string) => `follow-up-daily:${shopId}:${date}`;

/** A working day after delivery: the survey is sent. Payload {surveyId}. */
export const SURVEY_SEND_JOB_KIND = 'survey.send';
export const surveySendDedupeKey = (repairOrderId: string) => `survey-send:${repairOrderId}`;

/** A survey answer scored low: hand over to a complaint (onLowScore). Payload {surveyId}. */
export const SURVEY_LOW_SCORE_JOB_KIND = 'survey.low-score';
export const surveyLowScoreDedupeKey = (surveyId: string) => `survey-low-score:${surveyId}`;
