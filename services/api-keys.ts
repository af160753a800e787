import crypto from 'node:crypto';
import { z } from 'zod';
import type { Prisma, PrismaClient } from './db/client';

/**
 * Named keys for the REST API, beside the single AFTERCARE_API_KEY of the configuration.
 *
 * A key is 256 random bits, shown once at creation; only its SHA-256 is stored. A slow
 * password hash (scrypt, argon2) protects guessable human secrets; against a random 256-bit
 * key it adds nothing, while it would cost every API request tens of milliseconds of CPU
 * and rule out finding the key by an indexed lookup of its hash. A leaked database row
 * therefore does not give the key, and a request costs one hash and one index read.
 *
 * Names identify keys in the audit trail ("api-key" actor), so a name is never reused,
 * not even after revocation.
 */

export type ApiKeyRecord = Prisma.ApiKeyModel;

const KEY_PREFIX = 'aftercare_';
/** "env" stands for AFTERCARE_API_KEY in audit rows. */
export const ENV_KEY_ACTOR = 'env';

export const apiKeyNameSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/i, 'a key name is 1–63 letters, digits, ".", "_" or "-", starting with a letter or digit')
  .refine((name) => name.toLowerCase() !== ENV_KEY_ACTOR, `"${ENV_KEY_ACTOR}" is reserved for AFTERCARE_API_KEY`);

export class ApiKeyNameTakenError extends Error {
  constructor(readonly keyName: string) {
    super(`an API key named "${keyName}" exists already (names are never reused, also after revocation)`);
  }
}

export class ApiKeyNotFoundError extends Error {
  constructor(readonly keyName: string) {
    super(`no API key named "${keyName}"`);
  }
}

export class ApiKeyAlreadyRevokedError extends Error {
  constructor(readonly keyName: string, readonly revokedAt: Date) {
    super(`the API key "${keyName}" was revoked already, at ${revokedAt.toISOString()}`);
  }
}

export function hashApiKey(key: string): string {
  return crypto.createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Creates a key; the returned `key` is the only time it exists in clear. */
export async function createApiKey(prisma: PrismaClient, input: { name: string; shopId: string | null; now: Date }): Promise<{ key: string; record: ApiKeyRecord }> {
  const name = apiKeyNameSchema.parse(input.name);
  const key = `${KEY_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
  try {
    const record = await prisma.apiKey.create({ data: { name, shopId: input.shopId, hash: hashApiKey(key), createdAt: input.now } });
    return { key, record };
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') throw new ApiKeyNameTakenError(name);
    throw error;
  }
}

export async function listApiKeys(prisma: PrismaClient): Promise<Array<ApiKeyRecord & { shop: { code: string } | null }>> {
  return prisma.apiKey.findMany({ orderBy: { createdAt: 'asc' }, include: { shop: { select: { code: true } } } });
}

export async function revokeApiKey(prisma: PrismaClient, input: { name: string; now: Date }): Promise<ApiKeyRecord> {
  const existing = await prisma.apiKey.findUnique({ where: { name: input.name } });
  if (!existing) throw new ApiKeyNotFoundError(input.name);
  if (existing.revokedAt) throw new ApiKeyAlreadyRevokedError(existing.name, existing.revokedAt);
  return prisma.apiKey.update({ where: { id: existing.id }, data: { revokedAt: input.now } });
}

export type ApiKeyCheck =
  | { outcome: 'valid'; key: Pick<ApiKeyRecord, 'id' | 'name' | 'shopId'> }
  | { outcome: 'revoked'; name: string }
  | { outcome: 'other-shop'; name: string }
  | { outcome: 'unknown' };

// lastUsedAt is for people ("is this key still in use?"): minute precision saves a write per request.
const LAST_USED_RESOLUTION_MS = 60_000;

/** Looks a presented key up by its hash. A key bound to a shop is valid for that shop only. */
export async function checkApiKey(prisma: PrismaClient, input: { key: string; shopId: string; now: Date }): Promise<ApiKeyCheck> {
  if (!input.key.startsWith(KEY_PREFIX) || input.key.length > 200) return { outcome: 'unknown' };
  const record = await prisma.apiKey.findUnique({ where: { hash: hashApiKey(input.key) }, select: { id: true, name: true, shopId: true, revokedAt: true, lastUsedAt: true } });
  if (!record) return { outcome: 'unknown' };
  if (record.revokedAt) return { outcome: 'revoked', name: record.name };
  if (record.shopId !== null && record.shopId !== input.shopId) return { outcome: 'other-shop', name: record.name };
  if (!record.lastUsedAt || input.now.getTime() - record.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    // Bookkeeping only: a read must not fail because this write did (a read-only database).
    await prisma.apiKey
      .updateMany({
        where: { id: record.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(input.now.getTime() - LAST_USED_RESOLUTION_MS) } }] },
        data: { lastUsedAt: input.now },
      })
      .catch(() => undefined);
  }
  return { outcome: 'valid', key: { id: record.id, name: record.name, shopId: record.shopId } };
}

/** Whether any named key could open the API for this shop (the API is off when none can and AFTERCARE_API_KEY is unset). */
export async function hasActiveApiKeys(prisma: PrismaClient, shopId: string): Promise<boolean> {
  return (await prisma.apiKey.count({ where: { revokedAt: null, OR: [{ shopId: null }, { shopId }] } })) > 0;
}
