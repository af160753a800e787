import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Config, ConnectorHostRule } from '../../../services/config';
import { parseConnectorHost } from '../../../services/config';
import { createTtlCache } from '../../../services/ttl-cache';

/**
 * Where the bot may send replies and proactive messages. An activity names its own
 * `serviceUrl`, and without this guard the bot POSTed reply text to whatever it named: a
 * local PostgreSQL port, a cloud metadata address. Replies now go only to
 *
 * - hosts on the allow list (Bot Framework's public and government clouds by default,
 *   AFTERCARE_CONNECTOR_HOSTS to replace it), over https;
 * - loopback (any port, plain http allowed) in local mode only, for the Emulator;
 * - public addresses: a listed name that resolves to a private, link-local or other special
 *   address is refused, and the addresses are checked again when the socket connects
 *   (the agent's `lookup`), so DNS that answers differently the second time gains nothing.
 *   A private address is allowed only for a host the operator listed by its exact name.
 */

/**
 * Bot Framework connector hosts. From the SDK's constants (botframework-connector
 * AuthenticationConstants / GovernmentConstants: api.botframework.com, botframework.azure.us,
 * api.botframework.us) and the Teams service URLs Microsoft publishes (smba.trafficmanager.net
 * for every public region, /amer/, /emea/, /apac/…, and the GCC, GCC High and DoD hosts), plus
 * the China cloud's botframework.azure.cn. Not `*.trafficmanager.net`: any Azure customer can
 * create a name there.
 */
export const BOT_FRAMEWORK_CONNECTOR_HOSTS = [
  '*.botframework.com',
  'smba.trafficmanager.net',
  'smba.infra.gcc.teams.microsoft.com',
  'smba.infra.gov.teams.microsoft.us',
  'smba.infra.dod.teams.microsoft.us',
  'botframework.azure.us',
  '*.botframework.azure.us',
  '*.botframework.us',
  '*.botframework.azure.cn',
];

/** The Emulator listens on a port of its choosing on this machine. */
const LOOPBACK_ANY_PORT = ['localhost:*', '127.0.0.1:*', '[::1]:*'];

/** Host and conversation of a connector URL (…/v3/conversations/{id}/…), or its host alone. */
function limitKey(url: string): string {
  const m = /^([a-z]+:\/\/[^/?#]*)(?:[^?#]*?\/v3\/conversations\/([^/?#]+))?/i.exec(url);
  return m ? `${m[1].toLowerCase()} ${m[2] ?? ''}` : url;
}

export class ConnectorRefusedError extends Error {
  constructor(readonly serviceUrl: string, readonly reason: string) {
    super(`connector ${safeUrl(serviceUrl)} refused: ${reason}`);
    this.name = 'ConnectorRefusedError';
  }
}

/** Scheme, host and port only: a serviceUrl's path is the caller's text and stays out of logs. */
function safeUrl(serviceUrl: string): string {
  try {
    const u = new URL(serviceUrl);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(unparseable url)';
  }
}

type Verdict = { ok: true; rule: ConnectorHostRule & { explicit: boolean } } | { ok: false; reason: string };

export type Lookup = (hostname: string, options: dns.LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void) => void;

const defaultLookup: Lookup = (hostname, options, callback) => dns.lookup(hostname, options, callback);

/** A counting semaphore: connector calls in flight to one conversation. */
class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  /** Nothing in flight or waiting: its conversation's entry can go. */
  get idle(): boolean {
    return this.active === 0 && this.waiting.length === 0;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export interface ConnectorGuardOptions {
  auth: Config['teams']['auth'];
  /** AFTERCARE_CONNECTOR_HOSTS; null for the defaults. */
  hosts: ConnectorHostRule[] | null;
  /** Connector calls one conversation may have in flight. */
  concurrency: number;
  /** DNS (tests inject answers). */
  lookup?: Lookup;
}

export class ConnectorGuard {
  private readonly rules: Array<ConnectorHostRule & { explicit: boolean }>;
  private readonly lookupFn: Lookup;
  /**
   * Limits by conversation, read from the call's URL. It was by inbound request, carried in an
   * AsyncLocalStorage, but a live AsyncLocalStorage makes Node run a hook for every promise
   * the process creates, and a turn creates thousands (≈ 0.1 µs each, every one of them).
   */
  private readonly limiters = new Map<string, Limiter>();
  /** Answers of the per-activity check: one lookup per host and 30 s, not one per message. */
  private readonly resolved = createTtlCache<dns.LookupAddress[]>(30_000);
  readonly httpAgent: http.Agent;
  readonly httpsAgent: https.Agent;

  constructor(private readonly options: ConnectorGuardOptions) {
    const defaults = [...BOT_FRAMEWORK_CONNECTOR_HOSTS, ...(options.auth === 'local' ? LOOPBACK_ANY_PORT : [])].map((entry) => {
      const rule = parseConnectorHost(entry);
      if (typeof rule === 'string') throw new Error(`built-in connector host ${entry} ${rule}`);
      return { ...rule, explicit: false };
    });
    this.rules = options.hosts ? options.hosts.map((rule) => ({ ...rule, explicit: true })) : defaults;
    this.lookupFn = options.lookup ?? defaultLookup;
    // Every connection the connector client opens resolves through the guard.
    const lookup = this.connectLookup.bind(this) as unknown as net.LookupFunction;
    this.httpAgent = new http.Agent({ keepAlive: true, lookup });
    this.httpsAgent = new https.Agent({ keepAlive: true, lookup });
  }

  /** Counts the call against its conversation's limit (calls outside a conversation: their host's). */
  async limit<T>(url: string, fn: () => Promise<T>): Promise<T> {
    const key = limitKey(url);
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new Limiter(this.options.concurrency);
      this.limiters.set(key, limiter);
    }
    try {
      return await limiter.run(fn);
    } finally {
      if (limiter.idle) this.limiters.delete(key);
    }
  }

  /** Scheme, host and port against the allow list, and an address literal's class; no DNS. */
  checkUrl(serviceUrl: string): Verdict {
    let url: URL;
    try {
      url = new URL(serviceUrl);
    } catch {
      return { ok: false, reason: 'not a URL' };
    }
    if (url.username || url.password) return { ok: false, reason: 'credentials in the URL' };
    const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') return { ok: false, reason: `scheme ${url.protocol} is not https` };
    const port = url.port ? Number(url.port) : secure ? 443 : 80;
    const rule = this.rules.find((r) => this.hostMatches(r, host) && (r.port === '*' || (r.port === null ? url.port === '' : r.port === port)));
    if (!rule) return { ok: false, reason: `${host}:${port} is not an allowed connector host (AFTERCARE_CONNECTOR_HOSTS)` };
    if (!secure && !(rule.loopback && this.options.auth !== 'on')) return { ok: false, reason: 'plain http is allowed only to loopback in local mode' };
    if (net.isIP(host)) {
      const refused = this.addressRefusal(rule, host);
      if (refused) return { ok: false, reason: refused };
    }
    return { ok: true, rule };
  }

  /** `checkUrl`, then every address the host resolves to. A failed lookup is left to the connection (checked again there). */
  async check(serviceUrl: string): Promise<Verdict> {
    const verdict = this.checkUrl(serviceUrl);
    if (!verdict.ok) return verdict;
    const host = new URL(serviceUrl).hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    if (net.isIP(host)) return verdict;
    const addresses = await this.resolved
      .get(host, () => new Promise<dns.LookupAddress[]>((resolve, reject) => this.lookupFn(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found)))))
      .catch(() => null);
    for (const { address } of addresses ?? []) {
      const refused = this.addressRefusal(verdict.rule, address);
      if (refused) return { ok: false, reason: `${host} resolves to ${refused}` };
    }
    return verdict;
  }

  async assertAllowed(serviceUrl: string | undefined): Promise<void> {
    if (!serviceUrl) throw new ConnectorRefusedError('', 'no serviceUrl');
    const verdict = await this.check(serviceUrl);
    if (!verdict.ok) throw new ConnectorRefusedError(serviceUrl, verdict.reason);
  }

  private hostMatches(rule: ConnectorHostRule, host: string): boolean {
    return rule.wildcard ? host.endsWith(`.${rule.host}`) : host === rule.host.replace(/^\[(.*)\]$/, '$1');
  }

  /** Why an address may not be a connector for this rule; null when it may. */
  private addressRefusal(rule: ConnectorHostRule & { explicit: boolean }, address: string): string | null {
    let range: string;
    try {
      range = ipaddr.process(address).range();
    } catch {
      return `an unparseable address ${address}`;
    }
    if (range === 'unicast') return null;
    if (range === 'loopback') return rule.loopback && this.options.auth !== 'on' ? null : `a loopback address (${address})`;
    if (['private', 'uniqueLocal', 'carrierGradeNat'].includes(range)) {
      return rule.explicit && !rule.wildcard ? null : `a private address (${address}); list the host by name in AFTERCARE_CONNECTOR_HOSTS to allow it`;
    }
    return `a ${range} address (${address})`;
  }

  /** The agents' `lookup`: resolves, refuses the connection if any address is not allowed. */
  private connectLookup(hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void): void {
    const host = hostname.toLowerCase();
    const rule = this.rules.find((r) => this.hostMatches(r, host));
    this.lookupFn(host, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error);
      const refused = !rule ? `${host} is not an allowed connector host` : addresses.map((a) => this.addressRefusal(rule, a.address)).find(Boolean);
      if (refused || !addresses.length) {
        const e = Object.assign(new Error(`connector ${host} refused at connect: ${refused ?? 'no address'}`), { code: 'ECONNREFUSED' });
        return callback(e);
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  }

  /**
   * Pipeline policy for a connector client: every request is checked again (no DNS) and
   * goes through the guarded agents, within the inbound request's concurrency limit.
   */
  policy(): { name: string; sendRequest(request: { url: string; agent?: unknown }, next: (request: unknown) => Promise<unknown>): Promise<unknown> } {
    const proxied = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'].some((k) => process.env[k]);
    return {
      name: 'aftercareConnectorGuard',
      sendRequest: (request, next) => {
        const verdict = this.checkUrl(request.url);
        if (!verdict.ok) return Promise.reject(new ConnectorRefusedError(request.url, verdict.reason));
        // Behind an egress proxy the proxy resolves names; its own agent must stay.
        if (!proxied) request.agent = request.url.startsWith('https:') ? this.httpsAgent : this.httpAgent;
        return this.limit(request.url, () => next(request));
      },
    };
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
