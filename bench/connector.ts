import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Bot Framework Connector stand-in on 127.0.0.1 for load: unlike the test connector it
 * keeps no global call log (which grows with every turn), it hands each posted activity
 * straight to the conversation that is waiting for it, stamped with the time it arrived.
 */
export interface ConnectorCall {
  method: string;
  activityId?: string;
  body: Record<string, any>;
  /** Id the connector gave the posted activity (replyToId of later card submissions). */
  id: string;
  /** performance.now() when the request body had been read. */
  at: number;
}

export interface LoadConnector {
  url: string;
  /** Starts collecting calls for a conversation; returns the live list. */
  listen(conversationId: string): ConnectorCall[];
  forget(conversationId: string): void;
  /**
   * Resolves true when the conversation's list grows beyond `seen` calls, false after
   * `timeoutMs`: an answer that follows a "busy" reply arrives after the POST was answered.
   */
  waitForMore(conversationId: string, seen: number, timeoutMs: number): Promise<boolean>;
  /** Calls for conversations nobody listens to (should stay 0). */
  stray(): number;
  total(): number;
  close(): Promise<void>;
}

export async function startLoadConnector(): Promise<LoadConnector> {
  const byConversation = new Map<string, ConnectorCall[]>();
  const waiters = new Map<string, () => void>();
  let seq = 0;
  let stray = 0;
  let total = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      total++;
      const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
      let body: Record<string, any> = {};
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      } catch {
        body = { unparsable: true };
      }
      const activityId = match?.[2] ? decodeURIComponent(match[2]) : undefined;
      const id = req.method === 'PUT' && activityId ? activityId : `bot-activity-${++seq}`;
      const list = match ? byConversation.get(decodeURIComponent(match[1])) : undefined;
      if (list) {
        list.push({ method: req.method ?? '', activityId, body, id, at });
        const conversationId = decodeURIComponent(match![1]);
        const wake = waiters.get(conversationId);
        if (wake) {
          waiters.delete(conversationId);
          wake();
        }
      } else stray++;
      const text = JSON.stringify({ id });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    listen(conversationId) {
      const list: ConnectorCall[] = [];
      byConversation.set(conversationId, list);
      return list;
    },
    forget(conversationId) {
      byConversation.delete(conversationId);
      waiters.get(conversationId)?.();
      waiters.delete(conversationId);
    },
    waitForMore(conversationId, seen, timeoutMs) {
      const list = byConversation.get(conversationId);
      if (!list) return Promise.resolve(false);
      if (list.length > seen) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(conversationId);
          resolve(false);
        }, timeoutMs);
        // One waiter per conversation: a simulated customer waits for one turn at a time.
        waiters.set(conversationId, () => {
          clearTimeout(timer);
          resolve(list.length > seen);
        });
      });
    },
    stray: () => stray,
    total: () => total,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export { renderActivity } from '../tests/support/fake-connector';
