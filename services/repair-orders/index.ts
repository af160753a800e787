/**
 * Repair orders (维修工单): check-in, lifecycle, lines, extra work with per-item consent,
 * cost explanation, settlement list and audit trail. Functions take the Prisma client and
 * return facts; refusals are RepairOrderError with a code the caller words.
 */
export * from './errors';
export * from './types';
export { TRANSITIONS, EDITABLE, EXTRA_WORK_OPEN, FINISHED, allowedMoves, transitionRepairOrder, type TransitionResult } from './lifecycle';
export { checkIn, setPromise, checkPromise, type CheckInInput, type CheckInResult, type PromiseResult } from './check-in';
export { addLines, correctLine, removeLine, setDiscount, type LineCorrection, type LinesChange } from './lines';
export { lineInputSchema, type LineInput } from './pricing';
export {
  proposeExtraWork,
  reviseExtraWork,
  decideExtraWork,
  recordDecisionOnBehalf,
  expireApproval,
  type ExtraWorkItemInput,
  type ExtraWorkItemRevision,
  type ExtraWorkVersionResult,
} from './extra-work';
export { repairOrdersOf, pendingApproval } from './views';
export { costExplanation, estimateDifferences } from './explain';
export { settlementList } from './settlement';
export { auditTrail } from './audit';
export { openRecommendations } from './recommendations';
export { settlementAmendmentRate } from './kpi';
export { CUSTOMER_NOTICE_JOB_KIND, type CustomerNotice, type CustomerNoticeKind } from './notices';
export { APPROVAL_EXPIRY_JOB_KIND, PROMISE_CHECK_JOB_KIND } from './internal';
export { canonicalJson, sha256 } from './versions';
