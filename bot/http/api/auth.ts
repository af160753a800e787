import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { PrismaClient } from '../../../services/db/client';
import type { Actor } from '../../../services/actor';
import { checkApiKey, ENV_KEY_ACTOR, hasActiveApiKeys } from '../../../services/api-keys';
import { HttpError } from '../server';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key that authenticated this request, as the audit trail names it. */
    apiActor?: Actor;
  }
}

export interface ApiKeyAuthOptions {
  prisma: PrismaClient;
  shopId: string;
  /** AFTERCARE_API_KEY; named keys work beside it. */
  envKey: string | undefined;
  now: () => Date;
}

const digest = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest();

function presentedKey(request: FastifyRequest): string {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  return /^Bearer (.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1] ?? '';
}

/**
 * An onRequest hook: runs before the body is read or validated, so a caller without a
 * valid key learns nothing about the API's inputs and causes no work.
 */
export function apiKeyAuth(options: ApiKeyAuthOptions) {
  // Digests of equal length, so the comparison takes the same time whatever is presented.
  const envDigest = options.envKey ? digest(options.envKey) : null;
  return async (request: FastifyRequest): Promise<void> => {
    const key = presentedKey(request);
    if (key && envDigest && crypto.timingSafeEqual(digest(key), envDigest)) {
      request.apiActor = { type: 'api-key', id: ENV_KEY_ACTOR };
      return;
    }
    if (key) {
      const check = await checkApiKey(options.prisma, { key, shopId: options.shopId, now: options.now() });
      if (check.outcome === 'valid') {
        request.apiActor = { type: 'api-key', id: check.key.name };
        return;
      }
      if (check.outcome === 'revoked') throw new HttpError(401, 'this API key was revoked');
      if (check.outcome === 'other-shop') throw new HttpError(403, 'this API key belongs to another shop');
    }
    if (!envDigest && !(await hasActiveApiKeys(options.prisma, options.shopId))) {
      throw new HttpError(404, 'the REST API is off: set AFTERCARE_API_KEY or create a key with `aftercare apikey create <name>` to enable it');
    }
    throw new HttpError(401, key ? 'wrong API key' : 'missing API key (x-api-key header, or Authorization: Bearer)');
  };
}
