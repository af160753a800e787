import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Bot Framework Connector service on 127.0.0.1: records every
 * activity the bot posts (replies, proactive sends) and every PUT (card replacement).
 */
export interface RecordedCall {
  method: string;
  path: string;
  conversationId: string;
  activityId?: string;
  body: Record<string, any>;
  /** Id the connector gave the posted activity (replyToId of later card submissions). */
  id: string;
}

export interface FakeConnector {
  url: string;
  calls: RecordedCall[];
  /** Fails the next N calls with this status (fault tests). */
  failNext(count: number, status: number): void;
  /** Injected failures not yet spent: 0 once the bot retried through all of them. */
  failuresLeft(): number;
  close(): Promise<void>;
}

export async function startFakeConnector(): Promise<FakeConnector> {
  const calls: RecordedCall[] = [];
  let failures = 0;
  let failStatus = 500;
  let seq = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
      if (failures > 0) {
        failures--;
        res.writeHead(failStatus, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'ServiceError', message: 'injected failure' } }));
        return;
      }
      let body: Record<string, any> = {};
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      } catch {
        body = { unparsable: true };
      }
      const id = req.method === 'PUT' && match?.[2] ? decodeURIComponent(match[2]) : `bot-activity-${++seq}`;
      calls.push({
        method: req.method ?? '',
        path: req.url ?? '',
        conversationId: match ? decodeURIComponent(match[1]) : '',
        activityId: match?.[2] ? decodeURIComponent(match[2]) : undefined,
        body,
        id,
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    failNext(count, status) {
      failures = count;
      failStatus = status;
    },
    failuresLeft: () => failures,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Text of a posted activity, or the text blocks and button titles of its Adaptive Card. */
export function renderActivity(activity: Record<string, any>): string {
  const parts: string[] = [];
  if (activity.text) parts.push(activity.text);
  for (const attachment of activity.attachments ?? []) {
    const card = attachment.content ?? {};
    for (const block of card.body ?? []) {
      if (block.text) parts.push(block.text);
      // Per-line containers: the line, then its buttons.
      for (const item of block.items ?? []) {
        if (item.text) parts.push(item.text);
        if (item.actions) parts.push(item.actions.map((a: { title: string }) => `[${a.title}]`).join(' '));
      }
    }
    const titles = (card.actions ?? []).map((a: { title: string }) => `[${a.title}]`);
    if (titles.length) parts.push(titles.join(' '));
  }
  return parts.join('\n');
}
