import crypto from 'node:crypto';
import type { PrismaClient } from './db/client';

/**
 * Linking an advisor's Teams or WeChat account to their Advisor row. A manager with server
 * access creates a one-time code (`aftercare advisor invite 张敏`); the advisor sends
 * "绑定 <code>" to the bot from their own account. Codes expire after 24 hours and are
 * stored hashed, so a database reader cannot use them.
 */
const CODE_TTL_MS = 24 * 3600_000;
const keyFor = (code: string) => `advisor-invite:${crypto.createHash('sha256').update(code.toUpperCase()).digest('hex')}`;

export async function createAdvisorInvite(prisma: PrismaClient, input: { shopId: string; advisorName: string; now: Date }): Promise<{ code: string; advisorId: string; expiresAt: Date }> {
  const advisor = await prisma.advisor.findFirst({ where: { shopId: input.shopId, name: input.advisorName, active: true } });
  if (!advisor) throw new Error(`no active advisor named "${input.advisorName}"`);
  const code = `ADV-${crypto.randomInt(100000, 999999)}`;
  const expiresAt = new Date(input.now.getTime() + CODE_TTL_MS);
  await prisma.botState.create({ data: { key: keyFor(code), data: { advisorId: advisor.id, expiresAt: expiresAt.toISOString() } } });
  return { code, advisorId: advisor.id, expiresAt };
}

export type LinkResult = { ok: true; advisorName: string } | { ok: false; reason: 'unknown' | 'expired' };

export async function redeemAdvisorInvite(prisma: PrismaClient, input: { code: string; identityId: string; now: Date }): Promise<LinkResult> {
  const key = keyFor(input.code.trim());
  const row = await prisma.botState.findUnique({ where: { key } });
  if (!row) return { ok: false, reason: 'unknown' };
  // One use only, whatever happens next.
  await prisma.botState.delete({ where: { key } }).catch(() => {});
  const data = row.data as { advisorId: string; expiresAt: string };
  if (new Date(data.expiresAt) < input.now) return { ok: false, reason: 'expired' };
  const advisor = await prisma.advisor.findUniqueOrThrow({ where: { id: data.advisorId } });
  await prisma.channelIdentity.update({ where: { id: input.identityId }, data: { advisorId: advisor.id, customerId: null } });
  await prisma.auditEvent.create({
    data: { shopId: advisor.shopId, actorType: 'advisor', actorId: advisor.id, action: 'advisor.linked', entityType: 'ChannelIdentity', entityId: input.identityId },
  });
  return { ok: true, advisorName: advisor.name };
}
