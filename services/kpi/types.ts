import type { CostLineInput, WarrantyContext } from '../costs';
import type { LocalDate } from '../time';

/**
 * The KPI report is plain JSON (ISO instants, local dates, integers): the same object is
 * computed in the bot process (admin socket), printed by `aftercare report --json`, drawn by
 * the HTML report and worded by the chat command. Rates are basis points and money is fen,
 * each with the numerator and denominator it came from so a reader can check it.
 */

/** numerator / denominator in basis points, halves rounded up; null when there is nothing to divide by. */
export interface Ratio {
  numerator: number;
  denominator: number;
  bp: number | null;
}

/** actual against a target for the range (the monthly target prorated by days); bp = actual / target. */
export interface AgainstTarget {
  actual: number;
  target: number | null;
  bp: number | null;
}

export interface Money {
  labourFen: number;
  partsFen: number;
  totalFen: number;
}

export interface KpiFigures {
  /** 受理台次: repair orders checked in during the range, cancelled ones excluded. */
  repairOrders: AgainstTarget & { cancelled: number };
  /** 预约率: of those, the ones that came from a booking. */
  bookingRate: Ratio;
  /** Bookings that were due in the range and are decided: no-shows / (checked in + completed + no-shows). */
  noShowRate: Ratio & { undecided: number };
  /** 错单率: orders first settled (READY) in the range whose settled lines were corrected or that were re-opened. */
  errorRate: Ratio;
  /** 有偿回厂台数: orders delivered in the range on which the customer pays something. */
  paidVisits: AgainstTarget & { delivered: number };
  revenue: Revenue;
  /** Extra work the customer decided in the range: approved / decided, by item and by value shown. */
  extraWork: {
    items: Ratio;
    valueFen: Ratio;
    deferred: number;
    declined: number;
  };
  /** "overall", 1–5, answered in the range. */
  satisfaction: { responses: number; sum: number; averageHundredths: number | null };
  /** "recommend" (likelihood to recommend), 0–10: promoters (9–10) minus detractors (0–6), per respondent, in basis points (−10000…10000). */
  nps: { respondents: number; promoters: number; passives: number; detractors: number; bp: number | null };
  /** Complaints opened in the range per repair order handled; 重大投诉 against the ceiling. */
  complaints: {
    rate: Ratio;
    majorRate: Ratio;
    ceilingBp: number;
    /** True when 重大投诉 exceed the ceiling; null without repair orders. */
    overCeiling: boolean | null;
  };
  /** Advisor tasks due in the range that are done or overdue: done by their due time / those. */
  tasksOnTime: Ratio & { openNotYetDue: number };
}

export interface Revenue {
  /** What customers pay: lines' payable share by kind, less the discount, before tax. */
  customerPay: Money & { discountFen: number; netFen: number; taxFen: number };
  /** Billed to the manufacturer. */
  warranty: Money;
  /** The dealer's own cost, shown apart and not counted as revenue. */
  goodwill: Money;
  internal: Money;
  /** customerPay.netFen + warranty.totalFen, against the revenue target. */
  service: AgainstTarget;
  /** Delivered orders priced; orders that could not be priced are listed in the report's problems. */
  orders: number;
}

export interface MonthTarget {
  advisorId: string;
  advisorName: string;
  month: string;
  repairOrders: number;
  paidVisits: number;
  revenueFen: number;
  /** Days of the month inside the range; the target counts for days / daysInMonth of itself. */
  days: number;
  daysInMonth: number;
}

export interface WeekFigures {
  from: LocalDate;
  to: LocalDate;
  days: number;
  figures: KpiFigures;
}

export interface AdvisorFigures {
  advisorId: string;
  name: string;
  role: 'ADVISOR' | 'MANAGER';
  figures: KpiFigures;
  weeks: WeekFigures[];
}

export interface KpiReport {
  kind: 'aftercare.kpi-report';
  version: 1;
  shop: { id: string; code: string; name: string; timeZone: string };
  range: { from: LocalDate; to: LocalDate; days: number; start: string; end: string };
  generatedAt: string;
  /** Whose figures `figures` and `weeks` are: the whole shop (a manager) or one advisor. */
  scope: { kind: 'shop' } | { kind: 'advisor'; advisorId: string; name: string };
  figures: KpiFigures;
  weeks: WeekFigures[];
  /** Every advisor with a record or a target in the range (shop scope), or the one advisor. */
  advisors: AdvisorFigures[];
  targets: MonthTarget[];
  /** Records left out of a figure, and why (an order whose lines no longer price). */
  problems: Array<{ repairOrderNumber: string; problem: string }>;
  /** Question codes, ceilings and attribution rules the figures were computed with. */
  basis: typeof KPI_BASIS;
}

/** Question codes the survey asks with (services/follow-up/surveys.ts, questionsFor). */
export const SURVEY_OVERALL_QUESTION = 'overall';
export const SURVEY_RECOMMEND_QUESTION = 'recommend';
/** 重大投诉 may be at most 1 % of repair orders handled. */
export const MAJOR_COMPLAINT_CEILING_BP = 100;

export const KPI_BASIS = {
  repairOrders: 'checked in in the range, not cancelled; advisor of the order',
  noShowRate: 'bookings starting in the range; advisor of the repair order, else the customer’s advisor; CONFIRMED bookings are undecided',
  errorRate: 'orders first settled (READY) in the range; amended = a settled line corrected, removed or added, or re-opened',
  revenue: 'orders delivered in the range, their active lines priced by calculateCosts with the order’s warranty and discount',
  extraWork: 'items APPROVED, DEFERRED or DECLINED in the range, valued at the price shown with the last decision; advisor of the request, else of the order',
  surveys: `responses answered in the range: "${SURVEY_OVERALL_QUESTION}" 1–5, "${SURVEY_RECOMMEND_QUESTION}" 0–10; advisor of the surveyed order`,
  complaints: `opened in the range, per repair order handled; 重大投诉 ceiling ${MAJOR_COMPLAINT_CEILING_BP} bp`,
  tasks: 'due in the range, not cancelled; on time = done at or before the due time; an open task counts once it is overdue',
  targets: 'monthly per advisor, prorated by calendar days in the range (halves up); the shop’s is the sum',
} as const;

// ───── the records the figures are computed from (loaded by records.ts, or built by a test) ─────

export interface OrderRecord {
  id: string;
  number: string;
  advisorId: string | null;
  fromBooking: boolean;
  status: string;
  checkedInAt: Date;
  settledAt: Date | null;
  amendedAfterSettlementAt: Date | null;
  deliveredAt: Date | null;
  /** Active lines as the pricing function takes them, with the order's context; only for orders delivered in the range. */
  pricing: { lines: CostLineInput[]; taxRateBp: number; warranty: WarrantyContext; discount: { bp: number; fen: number } } | null;
}

export interface BookingRecord {
  id: string;
  advisorId: string | null;
  status: 'CONFIRMED' | 'CHECKED_IN' | 'COMPLETED' | 'CANCELLED' | 'NO_SHOW';
  startsAt: Date;
}

export interface ExtraWorkRecord {
  itemId: string;
  advisorId: string | null;
  status: 'APPROVED' | 'DEFERRED' | 'DECLINED';
  decidedAt: Date;
  priceFen: number;
}

export interface SurveyAnswerRecord {
  surveyId: string;
  advisorId: string | null;
  question: typeof SURVEY_OVERALL_QUESTION | typeof SURVEY_RECOMMEND_QUESTION;
  score: number;
  answeredAt: Date;
}

export interface ComplaintRecord {
  id: string;
  advisorId: string | null;
  severity: 'NORMAL' | 'MAJOR';
  openedAt: Date;
}

export interface TaskRecord {
  id: string;
  advisorId: string | null;
  status: 'OPEN' | 'DONE';
  dueAt: Date;
  completedAt: Date | null;
}

export interface TargetRecord {
  advisorId: string;
  month: string;
  repairOrders: number;
  paidVisits: number;
  revenueFen: number;
}

export interface KpiRecords {
  shop: { id: string; code: string; name: string; timeZone: string };
  advisors: Array<{ id: string; name: string; role: 'ADVISOR' | 'MANAGER'; active: boolean }>;
  orders: OrderRecord[];
  bookings: BookingRecord[];
  extraWork: ExtraWorkRecord[];
  surveyAnswers: SurveyAnswerRecord[];
  complaints: ComplaintRecord[];
  tasks: TaskRecord[];
  targets: TargetRecord[];
}
