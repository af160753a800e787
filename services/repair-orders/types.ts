/**
 * Read-model shapes for the conversation and the REST API: plain objects, Date instants,
 * integer fen, names in both languages. Nothing here is a sentence.
 */
import type { Coverage, CostBreakdown, LineKind, WarrantyStatus } from '../costs';

export type RepairOrderStatus = 'CHECKED_IN' | 'IN_PROGRESS' | 'AWAITING_APPROVAL' | 'READY' | 'DELIVERED' | 'CLOSED' | 'CANCELLED';
export type Urgency = 'RED' | 'YELLOW' | 'GREEN';
export type ExtraWorkItemStatus = 'PENDING' | 'APPROVED' | 'DEFERRED' | 'DECLINED' | 'EXPIRED' | 'WITHDRAWN';
export type ExtraWorkDecisionKind = 'APPROVED' | 'DEFERRED' | 'DECLINED';

export interface Bilingual {
  zh: string;
  en: string;
}

export interface AdvisorRef {
  id: string;
  name: string;
}

export interface PromiseEntry {
  promisedAt: Date;
  /** Why it moved; null for the first promise. */
  reason: string | null;
  at: Date;
}

/** One repair order as the customer asks after it ("我的车修好了没"). */
export interface RepairOrderSummary {
  id: string;
  number: string;
  status: RepairOrderStatus;
  plate: string;
  vehicleId: string;
  vehicleModel: string | null;
  advisor: AdvisorRef | null;
  concern: string;
  checkedInAt: Date;
  promisedAt: Date | null;
  /** Every promise given, oldest first; more than one entry means it moved. */
  promises: PromiseEntry[];
  readyAt: Date | null;
  deliveredAt: Date | null;
  /** Current total by the pricing function (tax included). */
  totalFen: number;
  /** What waits for the customer. */
  waiting: {
    /** Extra-work items waiting for their decision, and their price together. */
    decisions: number;
    decisionsTotalFen: number;
    /** The car is ready to be picked up (and settled). */
    pickUp: boolean;
  };
}

/** A priced line exactly as the customer is shown it. */
export interface ShownLine {
  kind: LineKind;
  description: Bilingual;
  sku: string | null;
  /** Three decimals, as stored: hours for labour, units for parts. */
  quantity: string;
  unitPriceFen: number;
  amountFen: number;
  coverage: Coverage;
  coveredFen: number;
  payableFen: number;
}

/** One extra-work item as shown in a version; `hash` is the SHA-256 of the rest. */
export interface ShownItem {
  itemId: string;
  position: number;
  title: Bilingual;
  urgency: Urgency;
  reason: string;
  photoUrls: string[];
  lines: ShownLine[];
  /** Customer's share before tax, the tax on it, and the item's price (tax included). */
  subtotalFen: number;
  taxFen: number;
  totalFen: number;
  hash: string;
}

export interface LineDifference {
  description: Bilingual;
  change: 'added' | 'removed' | 'changed';
  before: { quantity: string; unitPriceFen: number; payableFen: number } | null;
  after: { quantity: string; unitPriceFen: number; payableFen: number } | null;
}

export interface ItemDifference {
  itemId: string;
  title: Bilingual;
  change: 'added' | 'changed' | 'withdrawn';
  beforeTotalFen: number | null;
  afterTotalFen: number | null;
  /** afterTotalFen − beforeTotalFen (a withdrawn item counts as 0 after). */
  deltaFen: number;
  lines: LineDifference[];
}

export interface VersionDifference {
  fromVersion: number;
  toVersion: number;
  items: ItemDifference[];
  deltaFen: number;
}

/** The latest version of an open extra-work request, for the approval card or text. */
export interface PendingApprovalView {
  requestId: string;
  repairOrderId: string;
  number: string;
  plate: string;
  advisor: AdvisorRef | null;
  version: number;
  /** Send it back with the decisions: a decision binds to what was shown. */
  versionHash: string;
  shownAt: Date;
  /** When an advisor is asked to call if nothing is decided. */
  expiresAt: Date;
  items: Array<ShownItem & { status: ExtraWorkItemStatus }>;
  /** All items of the version, and those still waiting. */
  totalFen: number;
  pendingTotalFen: number;
  /** What changed since the previous version (null for version 1). */
  difference: VersionDifference | null;
}

export type DecisionRefusal = 'not-yours' | 'stale-version' | 'already-decided' | 'not-pending';

export interface DecisionOutcome {
  repairOrderId: string | null;
  number: string | null;
  /** The order's advisor, to be told at once. */
  advisor: AdvisorRef | null;
  recorded: Array<{ itemId: string; title: Bilingual; decision: ExtraWorkDecisionKind; priceFen: number; decisionId: string }>;
  refused: Array<{ itemId: string; reason: DecisionRefusal; current?: { decision: ExtraWorkDecisionKind; at: Date } }>;
  /** Items of the order still waiting after this. */
  stillPending: number;
  status: RepairOrderStatus | null;
}

export interface EstimateDifference {
  kind: 'extra-work-approved' | 'price-changed' | 'quantity-changed' | 'coverage-changed' | 'line-added' | 'line-removed' | 'discount' | 'tax';
  description: Bilingual | null;
  /** For extra work: the item. */
  itemId?: string;
  before: { quantity: string; unitPriceFen: number; payableFen: number } | null;
  after: { quantity: string; unitPriceFen: number; payableFen: number } | null;
  /** Effect on the total, fen; the deltas add up to total − estimate. */
  deltaFen: number;
}

/** "费用明细 / why is it ¥1,240": the current or last order, itemised. */
export interface CostExplanation {
  repairOrder: { id: string; number: string; status: RepairOrderStatus; plate: string; checkedInAt: Date };
  breakdown: CostBreakdown;
  /** Items still waiting for the customer's decision (not in the total). */
  waiting: Array<{ itemId: string; title: Bilingual; urgency: Urgency; totalFen: number }>;
  /** The booking's estimate, when the order came from a booking. */
  estimate: { totalFen: number } | null;
  /** Why the total differs from the estimate, line by line (empty when equal or no estimate). */
  differences: EstimateDifference[];
}

export interface SettlementLabourLine {
  lineId: string;
  operation: Bilingual;
  code: string | null;
  hours: string;
  rateFen: number;
  amountFen: number;
  coverage: Coverage;
  coveredFen: number;
  payableFen: number;
  fromExtraWork: boolean;
}

export interface SettlementPartLine {
  lineId: string;
  name: Bilingual;
  sku: string | null;
  spec: string | null;
  unit: string | null;
  quantity: string;
  unitPriceFen: number;
  amountFen: number;
  coverage: Coverage;
  coveredFen: number;
  payableFen: number;
  fromExtraWork: boolean;
}

/** 结算单: what the customer pays for, itemised as the repair rules require. */
export interface SettlementList {
  repairOrder: {
    id: string;
    number: string;
    status: RepairOrderStatus;
    plate: string;
    vin: string | null;
    customerName: string;
    advisor: AdvisorRef | null;
    checkedInAt: Date;
    deliveredAt: Date | null;
    mileageInKm: number | null;
  };
  shop: { name: Bilingual; address: string | null; phone: string | null };
  labour: SettlementLabourLine[];
  parts: SettlementPartLine[];
  totals: {
    labourFen: number;
    partsFen: number;
    warrantyFen: number;
    goodwillFen: number;
    internalFen: number;
    coveredFen: number;
    subtotalFen: number;
    discount: { bp: number; fen: number; percentFen: number; fixedFen: number; reason: string | null };
    discountFen: number;
    taxableFen: number;
    taxRateBp: number;
    taxFen: number;
    totalFen: number;
  };
  warranty: { status: WarrantyStatus; endDate: string | null; endKm: number | null } | null;
  breakdown: CostBreakdown;
}

export interface AuditEntry {
  at: Date;
  action: string;
  actor: { type: string; id: string | null; name: string | null };
  /** Set when an advisor acted for the customer (a phone decision). */
  onBehalfOf: { customerId: string; name: string } | null;
  reason: string | null;
  /** For decisions: what was decided, on which version, at which price. */
  decision: {
    itemId: string;
    title: Bilingual;
    decision: ExtraWorkDecisionKind;
    priceFen: number;
    version: number;
    versionHash: string;
    channel: string;
    activityId: string | null;
  } | null;
  data: Record<string, unknown>;
}

export interface Recommendation {
  itemId: string;
  title: Bilingual;
  catalogItemId: string | null;
  urgency: Urgency;
  reason: string;
  decision: 'DEFERRED' | 'DECLINED';
  decidedAt: Date;
  /** Price last shown, tax included. */
  priceFen: number;
  repairOrderNumber: string;
}
