import { z } from 'zod';

/**
 * THE cost calculation. Booking estimates, repair orders and invoices all go through
 * `calculateCosts`, so the figure a customer was quoted and the one on the invoice can
 * only differ because the lines differ, never because of rounding.
 *
 * Rules: integer fen throughout; each line is rounded half-up once (amount, then the
 * covered share), totals are sums of rounded lines; tax is charged on what the customer
 * pays (after warranty/goodwill), rounded half-up once on the subtotal.
 */

export type LineKind = 'LABOUR' | 'PART';
export type Coverage = 'CUSTOMER' | 'WARRANTY' | 'GOODWILL';

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
    coverage: z.enum(['CUSTOMER', 'WARRANTY', 'GOODWILL']).default('CUSTOMER'),
    coveragePercent: z
      .number({ error: 'coveragePercent must be a number' })
      .int('coveragePercent must be a whole percentage')
      .min(0, 'coveragePercent must be between 0 and 100')
      .max(100, 'coveragePercent must be between 0 and 100')
      .optional(),
  })
  .loose()
  .transform((line, ctx) => {
    // Warranty and goodwill lines are fully covered unless a share is given.
    const coveragePercent = line.coveragePercent ?? (line.coverage === 'CUSTOMER' ? 0 : 100);
    if (line.coverage === 'CUSTOMER' && coveragePercent !== 0) {
      ctx.addIssue({ code: 'custom', path: ['coveragePercent'], message: 'a CUSTOMER line cannot be covered; use WARRANTY or GOODWILL' });
    }
    return { ...line, coveragePercent };
  });

export const costInputSchema = z.object({
  lines: z.array(costLineSchema),
  taxRateBp: z.number().int('taxRateBp must be whole basis points').min(0, 'taxRateBp must not be negative').max(10_000, 'taxRateBp must be at most 10000 (100 %)'),
});

export interface CostLineInput {
  kind: LineKind;
  description: { zh: string; en: string };
  quantity: number | string | DecimalLike;
  unitPriceFen: number;
  coverage?: Coverage;
  coveragePercent?: number;
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
  coveredFen: number;
  /** What the customer pays before tax. */
  subtotalFen: number;
  taxRateBp: number;
  taxFen: number;
  totalFen: number;
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

export function calculateCosts(input: { lines: CostLineInput[]; taxRateBp: number }): CostBreakdown {
  const parsed = costInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new CostInputError(parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)));
  }
  let labourFen = 0;
  let partsFen = 0;
  let coveredFen = 0;
  const lines: CostLine[] = parsed.data.lines.map((line, index) => {
    // BigInt: 4.5 L × ¥98 must be exactly 44100 fen, not 44099.99999.
    const scaledQuantity = BigInt(line.quantity.replace('.', ''));
    const amount = toSafeNumber(divideHalfUp(scaledQuantity * BigInt(line.unitPriceFen), QUANTITY_SCALE), `lines.${index} amount`);
    const covered = Number(divideHalfUp(BigInt(amount) * BigInt(line.coveragePercent), 100n));
    if (line.kind === 'LABOUR') labourFen += amount;
    else partsFen += amount;
    coveredFen += covered;
    return { ...line, amountFen: amount, coveredFen: covered, payableFen: amount - covered } as CostLine;
  });
  const subtotalFen = labourFen + partsFen - coveredFen;
  const taxFen = Number(divideHalfUp(BigInt(subtotalFen) * BigInt(parsed.data.taxRateBp), 10_000n));
  return { lines, labourFen, partsFen, coveredFen, subtotalFen, taxRateBp: parsed.data.taxRateBp, taxFen, totalFen: subtotalFen + taxFen };
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
