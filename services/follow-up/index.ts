/**
 * Follow-up after the visit (issue 10): no-shows, maintenance-due reminders, satisfaction
 * surveys, quiet hours and opt-out. Services decide and store facts; customer messages are
 * customer.notice jobs worded by the bot; advisor work is an AdvisorTask.
 */
export * from './kinds';
export { nextSendTime, noticeGate, shopNoticeWindow, FOLLOW_UP_NOTICES, type NoticeWindow, type NoticeGate } from './quiet-hours';
export { noShowRunAt, scheduleNoShowCheck, cancelNoShowCheck } from './no-show-schedule';
export { recordNoShow, type NoShowResult } from './no-show';
export {
  averageDailyKm,
  projectDue,
  dueServices,
  nextStep,
  remindMaintenanceDue,
  type DueBy,
  type DueInput,
  type DueProjection,
  type DueService,
  type OdometerReading,
  type ServiceVisit,
  type CatalogueInterval,
  type MaintenanceRunResult,
} from './maintenance';
export {
  CSI_FACTORS,
  questionsFor,
  surveyQuestions,
  isLowScore,
  scheduleSurvey,
  sendSurvey,
  expireSurveys,
  openSurvey,
  recordSurveyAnswer,
  finishSurvey,
  handOverLowScore,
  SurveyError,
  LOW_SCORE_GRACE_MS,
  type CsiFactor,
  type SurveyQuestion,
  type SurveyAnswer,
  type OpenSurvey,
  type RecordedAnswer,
  type FinishedSurvey,
  type LowScore,
  type OnLowScore,
  type SendSurveyResult,
  type SurveyErrorCode,
} from './surveys';
export { optOut, optIn, type OptOutResult } from './opt-out';
export { ensureDailyJobs, runDailyFollowUp, DAILY_RUN_MINUTE, type DailyRunResult } from './daily';
export { raiseFollowUpTask, type FollowUpTaskInput, type FollowUpTaskKind } from './tasks';
