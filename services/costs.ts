import { z } from 'zod';
import { isLocalDate } from './time';

/**
 * THE cost calculation. Booking estimates, extra-work prices, cost explanations, settlement
 * lists and KPIs all go through `calculateCosts`, so the figure a customer was quoted and
 * the one on the settlement list can only differ because the lines differ, never because
 * of rounding.
 *
 * Order of work, all in integer fen:
 * 1. each line: amount = quantity × unit price, rounded half-up once;
 * 2. each line: who pays. WARRANTY, GOODWILL and INTERNAL cover `coveragePercent` of the
 *    amount (default 100 %), rounded half-up once; the customer pays the rest. With a
 *    warranty context, a line of a warranty-covered operation on a vehicle inside its
 *    warranty by date AND mileage becomes WARRANTY by rule, and a line asking for WARRANTY
 *    when that does not hold is refused. Covered lines stay on the list at 0 to the customer;
 * 3. subtotal = what the customer pays before discount (sum of rounded lines);
 * 4. discount: the percentage (basis points of the subtotal, rounded half-up once) first,
 *    then the fixed amount, capped so the total never goes below 0. Percentage first so a
 *    fixed voucher is worth its face value: taken first, the percentage would shrink it;
 * 5. tax on (subtotal − discount), rounded half-up once; total = taxable + tax.
 * Halves round away from zero (all amounts are non-negative, so "up").
 */

export type LineKind = 'LABOUR' | 'PART';
export type Coverage = 'CUSTOMER' | 'WARRANTY' | 'GOODWILL' | 'INTERNAL';
export const COVERAGES = ['CUSTOMER', 'WARRANTY', 'GOODWILL', 'INTERNAL'] as const;

/** Decimal from Prisma (decimal.js) without importing the client into pure code. */
interface DecimalLike {
  toFixed(): string;
}

const QUANTITY_DECIMALS = 3; // matches the Decimal(10, 3) columns the lines are stored in

function isDecimalLike(value: unknown): value is DecimalLike {
  return typeof value === 'object' && value !== null && typeof (value as DecimalLike).toFixed === 'function';
}

/** Normalises a quantity to a plain decimal string, or explains why it cannot be one. */
function quantityText(value: unknown): string | { error: string } {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { error: 'quantity must be a finite number' };
    // Number#toString switches to exponent notation below 1e-6; such a quantity is invalid anyway.
    text = String(value);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else if (isDecimalLike(value)) {
    text = value.toFixed();
  } else {
    return { error: 'quantity must be a number, a decimal string or a Decimal' };
  }
  if (/^(nan|[+-]?infinity)$/i.test(text)) return { error: 'quantity must be a finite number' };
  if (/^-/.test(text)) return { error: 'quantity must not be negative' };
  const m = /^\+?(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) return { error: `quantity "${text}" is not a decimal number` };
  const decimals = (m[2] ?? '').replace(/0+$/, '');
  if (decimals.length > QUANTITY_DECIMALS) return { error: `quantity ${text} has more than ${QUANTITY_DECIMALS} decimal places` };
  return `${m[1]}.${decimals.padEnd(QUANTITY_DECIMALS, '0')}`;
}

const bilingual = z.object({ zh: z.string().min(1), en: z.string().min(1) });

const quantitySchema = z.custom<number | string | DecimalLike>().transform((value, ctx) => {
  const text = quantityText(value);
  if (typeof text !== 'string') {
    ctx.addIssue({ code: 'custom', message: text.error });
    return z.NEVER;
  }
  return text;
});

const fen = (what: string) =>
  z
    .number({ error: `${what} must be a number of fen` })
    .int(`${what} must be whole fen (an integer)`)
    .nonnegative(`${what} must not be negative`)
    .max(Number.MAX_SAFE_INTEGER);

export const costLineSchema = z
  .object({
    kind: z.enum(['LABOUR', 'PART']),
    description: bilingual,
    /** Labour: hours; parts: units. */
    quantity: quantitySchema,
    /** Labour: rate per hour; parts: price per unit. */
    unitPriceFen: fen('unitPriceFen'),
    /** Who pays; absent or null means by rule (warranty where it applies, else the customer). */
    coverage: z.enum(COVERAGES).nullish(),
    coveragePercent: z
      .number({ error: 'coveragePercent must be a number' })
      .int('coveragePercent must be a whole percentage')
      .min(0, 'coveragePercent must be between 0 and 100')
      .max(100, 'coveragePercent must be between 0 and 100')
      .nullish(),
    /** The operation this line belongs to is covered by the manufacturer's warranty (catalogue). */
    warrantyCovered: z.boolean().optional(),
  })
  .loose()
  .superRefine((line, ctx) => {
    if ((line.coverage ?? 'CUSTOMER') === 'CUSTOMER' && line.coverage != null && (line.coveragePercent ?? 0) !== 0) {
      ctx.addIssue({ code: 'custom', path: ['coveragePercent'], message: 'a CUSTOMER line cannot be covered; use WARRANTY, GOODWILL or INTERNAL' });
    }
    if (line.coverage == null && line.coveragePercent != null && line.coveragePercent !== 0) {
      ctx.addIssue({ code: 'custom', path: ['coveragePercent'], message: 'a covered share needs a payer: WARRANTY, GOODWILL or INTERNAL' });
    }
    if (line.coverage === 'INTERNAL' && line.coveragePercent != null && line.coveragePercent !== 100) {
      ctx.addIssue({ code: 'custom', path: ['coveragePercent'], message: 'an INTERNAL line is the shop’s own cost: it is covered 100 %' });
    }
  });

const warrantySchema = z.object({
  /** Last day of the warranty (shop-local date), inclusive; null when none is recorded. */
  endDate: z.string().refine(isLocalDate, 'warranty.endDate must be a date YYYY-MM-DD').nullable(),
  /** Mileage limit in km, inclusive; null when none is recorded. */
  endKm: z.number().int().nonnegative().nullable(),
  /** The day the work is done (the repair order's check-in date). */
  on: z.string().refine(isLocalDate, 'warranty.on must be a date YYYY-MM-DD'),
  /** Odometer at check-in; null when not read. */
  mileageKm: z.number().int().nonnegative().nullable(),
});

export type WarrantyContext = z.infer<typeof warrantySchema>;
export type WarrantyStatus = 'in-warranty' | 'expired-by-date' | 'expired-by-mileage' | 'not-recorded' | 'mileage-unknown';

const discountSchema = z.object({
  /** Percentage of the customer's subtotal, in basis points (1000 = 10 %). */
  bp: z.number().int('discount.bp must be whole basis points').min(0, 'discount.bp must not be negative').max(10_000, 'discount.bp must be at most 10000 (100 %)').default(0),
  /** Fixed amount, fen, taken after the percentage. */
  fen: fen('discount.fen').default(0),
});

export const costInputSchema = z.object({
  lines: z.array(costLineSchema),
  taxRateBp: z.number().int('taxRateBp must be whole basis points').min(0, 'taxRateBp must not be negative').max(10_000, 'taxRateBp must be at most 10000 (100 %)'),
  discount: discountSchema.optional(),
  /** The vehicle's warranty on the day of the work; without it no line becomes WARRANTY by rule. */
  warranty: warrantySchema.optional(),
});

export interface CostInput {
  lines: CostLineInput[];
  taxRateBp: number;
  discount?: { bp?: number; fen?: number };
  warranty?: WarrantyContext;
}

export interface CostLineInput {
  kind: LineKind;
  description: { zh: string; en: string };
  quantity: number | string | DecimalLike;
  unitPriceFen: number;
  /** Absent or null: by rule (warranty where it applies, else the customer). */
  coverage?: Coverage | null;
  coveragePercent?: number | null;
  warrantyCovered?: boolean;
  /** Anything else (catalogItemId, partId, sku) is carried through to the output line. */
  [extra: string]: unknown;
}

export interface CostLine {
  kind: LineKind;
  description: { zh: string; en: string };
  /** Normalised to three decimals, as stored. */
  quantity: string;
  unitPriceFen: number;
  coverage: Coverage;
  coveragePercent: number;
  /** The payer came from the warranty rule, not from the line. */
  coverageByRule: boolean;
  amountFen: number;
  coveredFen: number;
  payableFen: number;
  [extra: string]: unknown;
}

export interface CostBreakdown {
  lines: CostLine[];
  /** Gross labour and parts before coverage. labourFen + partsFen − coveredFen = subtotalFen. */
  labourFen: number;
  partsFen: number;
  /** coveredFen = warrantyFen + goodwillFen + internalFen. */
  coveredFen: number;
  warrantyFen: number;
  goodwillFen: number;
  internalFen: number;
  /** What the customer pays before discount and tax. */
  subtotalFen: number;
  discount: { bp: number; fen: number; percentFen: number; fixedFen: number };
  /** percentFen + fixedFen: the discount actually taken. */
  discountFen: number;
  /** subtotalFen − discountFen: what tax is charged on. */
  taxableFen: number;
  taxRateBp: number;
  taxFen: number;
  totalFen: number;
  /** The warranty check, when a context was given. */
  warranty: (WarrantyContext & { status: WarrantyStatus }) | null;
}

export class CostInputError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid cost input: ${problems.join('; ')}`);
    this.name = 'CostInputError';
  }
}

/** round(numerator / denominator), halves away from zero; both non-negative. */
function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new CostInputError([`${what} is too large`]);
  return Number(value);
}

const QUANTITY_SCALE = 10n ** BigInt(QUANTITY_DECIMALS);

/**
 * Whether a vehicle is inside its warranty: by date AND by mileage, both limits inclusive.
 * A warranty needs both limits recorded and the odometer read; otherwise it does not apply.
 */
export function warrantyStatus(context: WarrantyContext): WarrantyStatus {
  if (context.endDate === null || context.endKm === null) return 'not-recorded';
  if (context.on > context.endDate) return 'expired-by-date';
  if (context.mileageKm === null) return 'mileage-unknown';
  if (context.mileageKm > context.endKm) return 'expired-by-mileage';
  return 'in-warranty';
}

export function calculateCosts(input: CostInput): CostBreakdown {
  const parsed = costInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new CostInputError(parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)));
  }
  const { warranty: context } = parsed.data;
  const status = context ? warrantyStatus(context) : null;
  const problems: string[] = [];
  const covered = { WARRANTY: 0, GOODWILL: 0, INTERNAL: 0, CUSTOMER: 0 };
  let labourFen = 0;
  let partsFen = 0;
  const lines: CostLine[] = parsed.data.lines.map((line, index) => {
    let coverage: Coverage = line.coverage ?? 'CUSTOMER';
    let coverageByRule = false;
    if (context && line.coverage == null && line.warrantyCovered && status === 'in-warranty') {
      coverage = 'WARRANTY';
      coverageByRule = true;
    }
    if (context && line.coverage === 'WARRANTY' && (status !== 'in-warranty' || !line.warrantyCovered)) {
      problems.push(`lines.${index}: warranty does not apply (${status !== 'in-warranty' ? status : 'operation not covered'})`);
    }
    const coveragePercent = coverage === 'CUSTOMER' ? 0 : (line.coveragePercent ?? 100);
    // BigInt: 4.5 L × ¥98 must be exactly 44100 fen, not 44099.99999.
    const scaledQuantity = BigInt(line.quantity.replace('.', ''));
    const amount = toSafeNumber(divideHalfUp(scaledQuantity * BigInt(line.unitPriceFen), QUANTITY_SCALE), `lines.${index} amount`);
    const coveredFen = Number(divideHalfUp(BigInt(amount) * BigInt(coveragePercent), 100n));
    if (line.kind === 'LABOUR') labourFen += amount;
    else partsFen += amount;
    covered[coverage] += coveredFen;
    return { ...line, coverage, coveragePercent, coverageByRule, amountFen: amount, coveredFen, payableFen: amount - coveredFen } as CostLine;
  });
  if (problems.length) throw new CostInputError(problems);
  const coveredFen = covered.WARRANTY + covered.GOODWILL + covered.INTERNAL;
  const subtotalFen = labourFen + partsFen - coveredFen;
  const discountInput = parsed.data.discount ?? { bp: 0, fen: 0 };
  const percentFen = Number(divideHalfUp(BigInt(subtotalFen) * BigInt(discountInput.bp), 10_000n));
  const fixedFen = Math.min(discountInput.fen, subtotalFen - percentFen);
  const discountFen = percentFen + fixedFen;
  const taxableFen = subtotalFen - discountFen;
  const taxFen = Number(divideHalfUp(BigInt(taxableFen) * BigInt(parsed.data.taxRateBp), 10_000n));
  return {
    lines,
    labourFen,
    partsFen,
    coveredFen,
    warrantyFen: covered.WARRANTY,
    goodwillFen: covered.GOODWILL,
    internalFen: covered.INTERNAL,
    subtotalFen,
    discount: { bp: discountInput.bp, fen: discountInput.fen, percentFen, fixedFen },
    discountFen,
    taxableFen,
    taxRateBp: parsed.data.taxRateBp,
    taxFen,
    totalFen: taxableFen + taxFen,
    warranty: context && status ? { ...context, status } : null,
  };
}

/**
 * Flat-rate minutes as the hours quantity a labour line stores (three decimals, half-up):
 * 20 min is 0.333 h. The estimate uses the same figure the repair order will.
 */
export function hoursFromMinutes(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < 0) throw new RangeError(`minutes must be a non-negative integer: ${minutes}`);
  const thousandths = divideHalfUp(BigInt(minutes) * 1000n, 60n);
  return `${thousandths / 1000n}.${String(thousandths % 1000n).padStart(3, '0')}`;
}

const yuanFormatter = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0, useGrouping: true });

/** "¥680.00", "¥1,280.00": the same notation in Chinese and English messages. */
export function formatFen(fenAmount: number, _locale: 'zh' | 'en' = 'zh'): string {
  if (!Number.isInteger(fenAmount)) throw new RangeError(`fen must be an integer: ${fenAmount}`);
  const sign = fenAmount < 0 ? '-' : '';
  const abs = Math.abs(fenAmount);
  // Integer arithmetic so 0.1 + 0.2 style artefacts never reach a customer.
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${sign}¥${yuanFormatter.format(yuan)}.${String(cents).padStart(2, '0')}`;
}
