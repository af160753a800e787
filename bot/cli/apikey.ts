/**
 * `aftercare apikey create <name> | list | revoke <name>`: named keys for the REST API.
 * The key is printed once, at creation; the database keeps only its SHA-256.
 */
import type { PrismaClient } from '../../services/db/client';
import { ApiKeyAlreadyRevokedError, ApiKeyNameTakenError, ApiKeyNotFoundError, apiKeyNameSchema, createApiKey, listApiKeys, revokeApiKey } from '../../services/api-keys';

export interface ApiKeyIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const APIKEY_USAGE = 'usage: aftercare apikey create <name> | apikey list | apikey revoke <name>\n';

/** `shop`: the shop this instance serves (SHOP_CODE); a new key is bound to it. */
export async function runApiKeyCommand(args: string[], io: ApiKeyIo, deps: { prisma: PrismaClient; shop: { id: string; code: string }; now?: () => Date }): Promise<number> {
  const [sub, ...rest] = args;
  const now = deps.now ?? (() => new Date());
  if (sub === 'list' && rest.length === 0) {
    const keys = await listApiKeys(deps.prisma);
    if (keys.length === 0) {
      io.stdout.write('No API keys. Create one with: aftercare apikey create <name>\n');
      return 0;
    }
    for (const k of keys) {
      const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active';
      const used = k.lastUsedAt ? `last used ${k.lastUsedAt.toISOString()}` : 'never used';
      io.stdout.write(`${k.name}\t${k.shop?.code ?? 'all shops'}\tcreated ${k.createdAt.toISOString()}\t${used}\t${state}\n`);
    }
    return 0;
  }
  if ((sub === 'create' || sub === 'revoke') && rest.length === 1) {
    const name = apiKeyNameSchema.safeParse(rest[0]);
    if (!name.success) {
      io.stderr.write(`aftercare: ${name.error.issues[0].message}\n`);
      return 2;
    }
    try {
      if (sub === 'create') {
        const { key } = await createApiKey(deps.prisma, { name: name.data, shopId: deps.shop.id, now: now() });
        io.stdout.write(
          `API key "${name.data}" created for shop ${deps.shop.code}. It is shown only now; store it where the client keeps secrets:\n` +
            `${key}\n` +
            'Send it as the x-api-key header (or Authorization: Bearer). Revoke it with: aftercare apikey revoke ' +
            `${name.data}\n`,
        );
      } else {
        await revokeApiKey(deps.prisma, { name: name.data, now: now() });
        io.stdout.write(`API key "${name.data}" revoked; requests with it are refused from now on.\n`);
      }
      return 0;
    } catch (error) {
      if (error instanceof ApiKeyNameTakenError || error instanceof ApiKeyNotFoundError || error instanceof ApiKeyAlreadyRevokedError) {
        io.stderr.write(`aftercare: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
  }
  io.stderr.write(APIKEY_USAGE);
  return 2;
}
