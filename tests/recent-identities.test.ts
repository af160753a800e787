import { RecentIdentities, type ConversationIdentityInput } from '../services/customers';
import { useTestApp } from './support/app';
import { TeamsUser } from './support/teams-client';

/** Whether the claim writes the identity (upsert) or only reads it. */
const kind = (identities: RecentIdentities, input: ConversationIdentityInput) => (identities.part(input)(1).ctes ? 'upsert' : 'read');

describe('RecentIdentities: the claim writes an identity only when there is something new to keep', () => {
  const at = (ms: number, extra: Partial<ConversationIdentityInput> = {}): ConversationIdentityInput => ({
    channel: 'msteams',
    externalId: '29:user',
    displayName: '王先生',
    conversationReference: { activityId: `act-${ms}`, conversation: { id: 'a:1' }, serviceUrl: 'https://smba.trafficmanager.net/amer/', locale: 'zh-CN' },
    conversationKey: 'msteams/a:1',
    now: new Date(Date.UTC(2026, 10, 28, 2, 0, 0) + ms),
    ...extra,
  });

  it('upserts the first message, reads the next ones in the same minute (the activity id is every message\'s own)', () => {
    const identities = new RecentIdentities();
    expect(kind(identities, at(0))).toBe('upsert');
    expect(kind(identities, at(1_000))).toBe('read');
    expect(kind(identities, at(59_000))).toBe('read');
    // A minute after the write, "last inbound" is written again.
    expect(kind(identities, at(61_000))).toBe('upsert');
    expect(kind(identities, at(62_000))).toBe('read');
  });

  it('upserts at once when the name or the reference changed, or the clock went back', () => {
    const identities = new RecentIdentities();
    expect(kind(identities, at(0))).toBe('upsert');
    expect(kind(identities, at(1_000, { displayName: '王建国' }))).toBe('upsert');
    expect(kind(identities, at(2_000, { displayName: '王建国', conversationReference: { conversation: { id: 'a:1' }, serviceUrl: 'https://smba.trafficmanager.net/emea/', locale: 'zh-CN' } }))).toBe('upsert');
    expect(kind(identities, at(3_000, { displayName: '王建国', conversationReference: { conversation: { id: 'a:1' }, serviceUrl: 'https://smba.trafficmanager.net/emea/', locale: 'zh-CN' } }))).toBe('read');
    expect(kind(identities, at(-5_000, { displayName: '王建国', conversationReference: { conversation: { id: 'a:1' }, serviceUrl: 'https://smba.trafficmanager.net/emea/', locale: 'zh-CN' } }))).toBe('upsert');
    // Another person is another identity.
    expect(kind(identities, at(4_000, { externalId: '29:other' }))).toBe('upsert');
  });

  it('forgets the oldest beyond its bound', () => {
    const identities = new RecentIdentities(60_000, 2);
    for (const id of ['a', 'b', 'c']) kind(identities, at(0, { externalId: id }));
    expect(kind(identities, at(1, { externalId: 'a' }))).toBe('upsert');
    expect(kind(identities, at(1, { externalId: 'c' }))).toBe('read');
  });
});

describe('RecentIdentities over the real protocol', () => {
  const t = useTestApp();

  it('an identity gone from the database since its last message is written again, and the message answered', async () => {
    const user = t.user('王先生');
    expect(await user.say('你好')).not.toBe('');
    await t.db.prisma.channelIdentity.deleteMany({ where: { externalId: user.userId } });
    expect(await user.say('你们几点关门')).toContain('营业时间');
    expect(await t.db.prisma.channelIdentity.count({ where: { externalId: user.userId } })).toBe(1);
  });

  it('a new display name is stored with the next message', async () => {
    const user = t.user('王先生');
    await user.say('你好');
    const renamed = new TeamsUser(t.url, t.connector, user.userId, '王建国');
    await renamed.say('你好');
    expect((await t.db.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: user.userId } })).displayName).toBe('王建国');
  });
});
