import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from './logger';

/**
 * A local door for operator commands while the bot runs on the embedded database. PGlite
 * is single-process, so `aftercare advisor invite` cannot open the database beside a
 * running bot; the bot listens on a unix socket in `<dataDir>/admin/` instead, and the CLI
 * sends the command there.
 *
 * Who may use it is decided by the file system: the directory is created 0700 before the
 * socket exists (so there is no moment with looser permissions) and the socket is 0600, so
 * only the user the bot runs as (and root) can connect — the same people who could read the
 * database files. One JSON line in, one JSON line out, validated on both sides.
 */

export const adminRequestSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('advisor.invite'), advisorName: z.string().trim().min(1).max(100) }),
  // `aftercare report` and `aftercare target set` (bot/cli/report.ts validates them in full).
  z.object({ command: z.literal('kpi.report'), from: z.string().max(10), to: z.string().max(10), advisorName: z.string().trim().min(1).max(100).nullable() }),
  z.object({ command: z.literal('target.set'), advisorName: z.string().trim().min(1).max(100), month: z.string().max(7), repairOrders: z.number().int(), paidVisits: z.number().int(), revenueFen: z.number().int() }),
]);
export type AdminRequest = z.infer<typeof adminRequestSchema>;

export const adminResponseSchema = z.union([
  z.object({ ok: z.literal(true), result: z.record(z.string(), z.unknown()) }),
  // `code`: the refusal's code when it has one ("unknown-advisor"), so the CLI can choose its exit status.
  z.object({ ok: z.literal(false), error: z.string(), code: z.string().max(50).optional() }),
]);
export type AdminResponse = z.infer<typeof adminResponseSchema>;

export type AdminHandler = (request: AdminRequest) => Promise<Record<string, unknown>>;

/** A unix socket path is limited to ~107 bytes; longer data directories get no admin channel. */
const MAX_SOCKET_PATH = 100;
const MAX_REQUEST_BYTES = 16 * 1024;

export function adminSocketPath(dataDir: string): string {
  return path.join(dataDir, 'admin', 'aftercare.sock');
}

/** Why there can be no admin channel for this data directory; null when there can. */
export function adminChannelUnavailable(dataDir: string): string | null {
  if (process.platform === 'win32') return 'unix sockets are not used on Windows';
  if (Buffer.byteLength(adminSocketPath(dataDir)) > MAX_SOCKET_PATH) return 'the data directory path is too long for a unix socket';
  return null;
}

export interface AdminChannel {
  path: string;
  close(): Promise<void>;
}

/**
 * Listens for admin commands. The caller holds the data-directory lock, so a socket file
 * already there was left by a bot that died: it is replaced.
 */
export async function startAdminChannel(dataDir: string, handler: AdminHandler, logger: Logger): Promise<AdminChannel | null> {
  const unavailable = adminChannelUnavailable(dataDir);
  if (unavailable) {
    logger.warn('admin channel off: stop the bot to run admin commands', { reason: unavailable });
    return null;
  }
  const socketPath = adminSocketPath(dataDir);
  const dir = path.dirname(socketPath);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  fs.rmSync(socketPath, { force: true });
  const server = net.createServer((socket) => {
    socket.setTimeout(10_000, () => socket.destroy());
    let buffer = '';
    const reply = (response: AdminResponse) => socket.end(`${JSON.stringify(response)}\n`);
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_REQUEST_BYTES) return reply({ ok: false, error: 'request too large' });
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      socket.pause();
      let request: AdminRequest;
      try {
        request = adminRequestSchema.parse(JSON.parse(buffer.slice(0, newline)));
      } catch {
        return reply({ ok: false, error: 'not an admin command this bot understands' });
      }
      handler(request).then(
        (result) => {
          logger.info('admin command', { command: request.command });
          reply({ ok: true, result });
        },
        (error: unknown) => {
          const code = (error as { code?: unknown }).code;
          reply({ ok: false, error: String((error as Error).message ?? error).slice(0, 500), ...(typeof code === 'string' ? { code: code.slice(0, 50) } : {}) });
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  fs.chmodSync(socketPath, 0o600);
  return {
    path: socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        fs.rmSync(socketPath, { force: true });
      }),
  };
}

export class AdminChannelUnreachable extends Error {
  override name = 'AdminChannelUnreachable';
}

/** Sends one command to a running bot; AdminChannelUnreachable when no bot listens there. */
export function sendAdminCommand(dataDir: string, request: AdminRequest, timeoutMs = 15_000): Promise<AdminResponse> {
  const socketPath = adminSocketPath(dataDir);
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let buffer = '';
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      fn();
    };
    socket.setTimeout(timeoutMs, () => finish(() => reject(new Error(`the running bot did not answer on ${socketPath} within ${timeoutMs} ms`))));
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline >= 0) finish(() => {
        try {
          resolve(adminResponseSchema.parse(JSON.parse(buffer.slice(0, newline))));
        } catch {
          reject(new Error('the running bot answered something that is not an admin response'));
        }
      });
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish(() => reject(['ENOENT', 'ECONNREFUSED', 'ENOTSOCK'].includes(error.code ?? '') ? new AdminChannelUnreachable(`no bot is listening on ${socketPath}`) : error)),
    );
    socket.on('end', () => finish(() => reject(new Error('the running bot closed the admin channel without answering'))));
  });
}
