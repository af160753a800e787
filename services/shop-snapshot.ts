import type { Prisma } from './db/client';
import { loadShopCalendar, type LoadedShopCalendar } from './calendar';
import { createTtlCache } from './ttl-cache';

/**
 * A shop's slowly changing configuration (hours, calendar, bays, technicians, catalogue with
 * parts), read once and kept for a short while. A booking turn used to re-read it three
 * times (search, estimate, booking): ~10 of its ~35 database round trips. Staleness is
 * bounded by the TTL; code that edits the configuration calls invalidateShopSnapshot().
 * Double booking is unaffected: the occupancy rows are always read and written fresh.
 */
type Db = Prisma.TransactionClient;

export type CatalogItemWithParts = Prisma.ServiceCatalogItemGetPayload<{ include: { parts: { include: { part: true } } } }>;

export interface ShopSnapshot {
  shop: LoadedShopCalendar;
  bays: Array<{ id: string; name: string; kind: 'GENERAL' | 'ALIGNMENT' | 'QUICK' }>;
  technicians: Array<{ id: string; name: string; skills: string[] }>;
  /** Active catalogue items by id, each with its parts ordered by SKU. */
  items: Map<string, CatalogItemWithParts>;
}

export const SHOP_SNAPSHOT_TTL_MS = 30_000;
const cache = createTtlCache<ShopSnapshot>(SHOP_SNAPSHOT_TTL_MS);

async function load(db: Db, shopId: string): Promise<ShopSnapshot> {
  // Sequential: inside a transaction these share one connection.
  const shop = await loadShopCalendar(db, shopId);
  const bays = await db.serviceBay.findMany({ where: { shopId, active: true }, select: { id: true, name: true, kind: true } });
  const technicians = await db.technician.findMany({ where: { shopId, active: true }, select: { id: true, name: true, skills: true } });
  const items = await db.serviceCatalogItem.findMany({
    where: { shopId, active: true },
    include: { parts: { include: { part: true }, orderBy: { part: { sku: 'asc' } } } },
  });
  return { shop, bays, technicians, items: new Map(items.map((i) => [i.id, i])) };
}

export function loadShopSnapshot(db: Db, shopId: string): Promise<ShopSnapshot> {
  return cache.get(shopId, () => load(db, shopId));
}

export function invalidateShopSnapshot(shopId?: string): void {
  cache.invalidate(shopId);
}

/** The shop's hours and calendar exceptions, from the snapshot (callers used to load them uncached). */
export async function shopCalendar(db: Db, shopId: string): Promise<LoadedShopCalendar> {
  return (await loadShopSnapshot(db, shopId)).shop;
}
