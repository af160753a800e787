/**
 * What the platform posts to the webhook (plain-text mode, 明文模式): an XML document per
 * message or event, read with fast-xml-parser and checked with zod. Anything else is refused.
 */
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';

export const MAX_XML_BYTES = 64 * 1024;

export class InboundXmlError extends Error {
  override name = 'InboundXmlError';
}

const parser = new XMLParser({
  ignoreAttributes: true,
  // Every value stays a string (a MsgId has more digits than a double holds).
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
});

const digits = z.string().regex(/^\d{1,20}$/);
const openid = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not an openid');
const base = {
  ToUserName: z.string().min(1).max(64),
  FromUserName: openid,
  CreateTime: digits,
};

const messageSchema = z.discriminatedUnion('MsgType', [
  z.looseObject({ ...base, MsgType: z.literal('text'), Content: z.string().max(20_000).default(''), MsgId: digits }),
  // Voice arrives with the platform's speech recognition when the account has it switched on.
  z.looseObject({ ...base, MsgType: z.literal('voice'), MsgId: digits, Recognition: z.string().max(20_000).optional() }),
  z.looseObject({ ...base, MsgType: z.enum(['image', 'video', 'shortvideo', 'location', 'link', 'file']), MsgId: digits }),
  z.looseObject({ ...base, MsgType: z.literal('event'), Event: z.string().min(1).max(64), EventKey: z.string().max(1024).optional(), Status: z.string().max(200).optional() }),
]);

export type InboundEvent =
  | { kind: 'text'; openid: string; account: string; createdAt: Date; id: string; text: string }
  | { kind: 'media'; openid: string; account: string; createdAt: Date; id: string }
  /** A custom menu button of type "click": its key. */
  | { kind: 'click'; openid: string; account: string; createdAt: Date; id: string; key: string }
  | { kind: 'subscribe'; openid: string; account: string; createdAt: Date; id: string }
  | { kind: 'unsubscribe'; openid: string; account: string; createdAt: Date; id: string }
  /** The platform's report on a template message (delivered, or refused by the follower). */
  | { kind: 'template-finished'; openid: string; account: string; createdAt: Date; id: string; status: string }
  /** Other events (VIEW menu links, location reports …): nothing to answer. */
  | { kind: 'other'; openid: string; account: string; createdAt: Date; id: string; event: string };

/** Parses one webhook body; throws InboundXmlError saying what is wrong. */
export function parseInbound(xml: string): InboundEvent {
  // The platform never sends a document type: refusing it keeps entity expansion out entirely.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new InboundXmlError('document type declarations are not accepted');
  let document: unknown;
  try {
    document = parser.parse(xml, true);
  } catch (error) {
    throw new InboundXmlError(`not well-formed XML: ${(error as Error).message.split('\n')[0].slice(0, 200)}`);
  }
  const root = (document as { xml?: unknown } | null)?.xml;
  if (!root || typeof root !== 'object') throw new InboundXmlError('the document has no <xml> root element');
  const parsed = messageSchema.safeParse(root);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InboundXmlError(`${issue.path.join('.') || 'MsgType'}: ${issue.message}`);
  }
  const m = parsed.data;
  const common = { openid: m.FromUserName, account: m.ToUserName, createdAt: new Date(Number(m.CreateTime) * 1000) };
  switch (m.MsgType) {
    case 'text':
      return { kind: 'text', ...common, id: m.MsgId, text: m.Content };
    case 'voice':
      return m.Recognition?.trim() ? { kind: 'text', ...common, id: m.MsgId, text: m.Recognition } : { kind: 'media', ...common, id: m.MsgId };
    case 'event': {
      // Events carry no MsgId: the platform's advice is follower + CreateTime (+ the event) as the id.
      const id = `${m.FromUserName}:${m.CreateTime}:${m.Event}:${m.EventKey ?? ''}`.slice(0, 500);
      switch (m.Event.toLowerCase()) {
        case 'click':
          return { kind: 'click', ...common, id, key: m.EventKey ?? '' };
        case 'subscribe':
          return { kind: 'subscribe', ...common, id };
        case 'unsubscribe':
          return { kind: 'unsubscribe', ...common, id };
        case 'templatesendjobfinish':
          return { kind: 'template-finished', ...common, id, status: m.Status ?? '' };
        default:
          return { kind: 'other', ...common, id, event: m.Event };
      }
    }
    default:
      return { kind: 'media', ...common, id: m.MsgId };
  }
}
