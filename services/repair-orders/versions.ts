import crypto from 'node:crypto';
import type { CostLineInput } from '../costs';
import { priceLines, type OrderPricingContext } from './pricing';
import type { ItemDifference, LineDifference, ShownItem, ShownLine, Urgency, VersionDifference } from './types';

/**
 * What the customer is shown for extra work, and its fingerprint. A version is the list of
 * items with their priced lines and totals; its SHA-256 is taken over canonical JSON (keys
 * sorted, no white space), so the same content always gives the same hash and any change to
 * a line, a price, a total, a reason or a photo gives another.
 */

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sha256(text: string): string {
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface ItemContent {
  itemId: string;
  position: number;
  title: { zh: string; en: string };
  urgency: Urgency;
  reason: string;
  photoUrls: string[];
}

/** Prices an item's lines (the order's warranty and tax, no order discount) and fingerprints it. */
export function showItem(item: ItemContent, lines: CostLineInput[], context: OrderPricingContext): ShownItem {
  const priced = priceLines(lines, context, { discount: false });
  const shownLines: ShownLine[] = priced.lines.map((l) => ({
    kind: l.kind,
    description: { zh: l.description.zh, en: l.description.en },
    sku: typeof l.sku === 'string' ? l.sku : null,
    quantity: l.quantity,
    unitPriceFen: l.unitPriceFen,
    amountFen: l.amountFen,
    coverage: l.coverage,
    coveredFen: l.coveredFen,
    payableFen: l.payableFen,
  }));
  const content = {
    itemId: item.itemId,
    position: item.position,
    title: item.title,
    urgency: item.urgency,
    reason: item.reason,
    photoUrls: item.photoUrls,
    lines: shownLines,
    subtotalFen: priced.subtotalFen,
    taxFen: priced.taxFen,
    totalFen: priced.totalFen,
  };
  return { ...content, hash: sha256(canonicalJson(content)) };
}

export interface ShownVersion {
  requestId: string;
  repairOrderId: string;
  version: number;
  items: ShownItem[];
  totalFen: number;
}

export function showVersion(input: { requestId: string; repairOrderId: string; version: number; items: ShownItem[] }): { shown: ShownVersion; hash: string } {
  const items = [...input.items].sort((a, b) => a.position - b.position);
  const shown = { requestId: input.requestId, repairOrderId: input.repairOrderId, version: input.version, items, totalFen: items.reduce((sum, i) => sum + i.totalFen, 0) };
  return { shown, hash: sha256(canonicalJson(shown)) };
}

const lineKey = (l: ShownLine) => `${l.kind}|${l.sku ?? ''}|${l.description.zh}`;
const lineFacts = (l: ShownLine) => ({ quantity: l.quantity, unitPriceFen: l.unitPriceFen, payableFen: l.payableFen });

function diffLines(before: ShownLine[], after: ShownLine[]): LineDifference[] {
  const out: LineDifference[] = [];
  const remaining = [...before];
  for (const line of after) {
    const index = remaining.findIndex((b) => lineKey(b) === lineKey(line));
    if (index < 0) {
      out.push({ description: line.description, change: 'added', before: null, after: lineFacts(line) });
      continue;
    }
    const [old] = remaining.splice(index, 1);
    if (canonicalJson(lineFacts(old)) !== canonicalJson(lineFacts(line)) || old.coverage !== line.coverage) {
      out.push({ description: line.description, change: 'changed', before: lineFacts(old), after: lineFacts(line) });
    }
  }
  for (const old of remaining) out.push({ description: old.description, change: 'removed', before: lineFacts(old), after: null });
  return out;
}

/** What changed between two versions, per item; unchanged items are not listed. */
export function diffVersions(previous: ShownVersion, next: ShownVersion): VersionDifference {
  const items: ItemDifference[] = [];
  for (const item of next.items) {
    const old = previous.items.find((i) => i.itemId === item.itemId);
    if (!old) {
      items.push({ itemId: item.itemId, title: item.title, change: 'added', beforeTotalFen: null, afterTotalFen: item.totalFen, deltaFen: item.totalFen, lines: diffLines([], item.lines) });
    } else if (old.hash !== item.hash) {
      items.push({ itemId: item.itemId, title: item.title, change: 'changed', beforeTotalFen: old.totalFen, afterTotalFen: item.totalFen, deltaFen: item.totalFen - old.totalFen, lines: diffLines(old.lines, item.lines) });
    }
  }
  for (const old of previous.items) {
    if (!next.items.some((i) => i.itemId === old.itemId)) {
      items.push({ itemId: old.itemId, title: old.title, change: 'withdrawn', beforeTotalFen: old.totalFen, afterTotalFen: null, deltaFen: -old.totalFen, lines: diffLines(old.lines, []) });
    }
  }
  return { fromVersion: previous.version, toVersion: next.version, items, deltaFen: next.totalFen - previous.totalFen };
}
