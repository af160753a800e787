import net from 'node:net';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { isKnownTimeZone } from './time';

/**
 * Every setting the bot reads from its environment, validated in one place so that a
 * bad value stops start-up with one message naming the variable, before anything opens.
 */

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().trim().optional());

const databaseUrl = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .trim()
    .refine(
      (v) => /^postgres(ql)?:\/\/.+/.test(v) || /^pglite:.+/.test(v) || v === 'pglite:memory',
      'must be postgresql://user@host:port/db, pglite:<directory> or pglite:memory',
    )
    .optional(),
);

export const envSchema = z
  .object({
    DATABASE_URL: databaseUrl,
    /** Where the embedded database lives when DATABASE_URL is unset. */
    AFTERCARE_DATA_DIR: optionalString,
    PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3978)),
    /** Unset: 0.0.0.0 with Teams credentials, 127.0.0.1 without (see `listenHost`). */
    HOST: optionalString,
    /** Must be "true" to listen beyond loopback without Teams credentials. */
    AFTERCARE_ALLOW_UNAUTHENTICATED: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('false').transform((v) => v === 'true')),
    MicrosoftAppId: optionalString,
    MicrosoftAppPassword: optionalString,
    MicrosoftAppType: z.preprocess(emptyToUndefined, z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant')),
    MicrosoftAppTenantId: optionalString,
    /** Time-out of one call to the Bot Framework connector, in ms. */
    AFTERCARE_CONNECTOR_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(120_000).default(5_000)),
    AFTERCARE_TURN_LEASE_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1_000).max(600_000).default(30_000)),
    /** Hosts replies may go to, comma-separated (`host`, `host:port`, `host:*`, `*.domain`); unset: Bot Framework's. */
    AFTERCARE_CONNECTOR_HOSTS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .transform((v, ctx) => {
          const rules: ConnectorHostRule[] = [];
          for (const entry of v.split(',').map((e) => e.trim()).filter(Boolean)) {
            const rule = parseConnectorHost(entry);
            if (typeof rule === 'string') ctx.addIssue({ code: 'custom', message: `entry "${entry.slice(0, 80)}" ${rule}` });
            else rules.push(rule);
          }
          if (!rules.length) ctx.addIssue({ code: 'custom', message: 'names no host' });
          return rules;
        })
        .optional(),
    ),
    /** Connector calls one inbound request may have in flight at once. */
    AFTERCARE_CONNECTOR_CONCURRENCY: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(32).default(4)),
    /** How long an advisor invite code stays valid. */
    AFTERCARE_INVITE_TTL_MINUTES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(5).max(1440).default(30)),
    WECHATY_PUPPET: optionalString,
    WECHATY_PUPPET_SERVICE_TOKEN: optionalString,
    WECHATY_PUPPET_SERVICE_ENDPOINT: optionalString,
    /** Set when the puppet is a WeChat Official Account: enables the 48-hour rule. */
    WECHAT_OFFICIAL_ACCOUNT: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('false').transform((v) => v === 'true')),
    SHOP_TIME_ZONE: z.preprocess(
      emptyToUndefined,
      z.string().default('Asia/Shanghai').refine(isKnownTimeZone, 'must be an IANA time zone such as Asia/Shanghai'),
    ),
    SHOP_CODE: z.preprocess(emptyToUndefined, z.string().default('DEMO')),
    LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(LOG_LEVELS).default('info')),
    /** Key for the advisors' REST API; unset means the API is off. */
    AFTERCARE_API_KEY: z.preprocess(emptyToUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
  })
  .superRefine((env, ctx) => {
    if ((env.MicrosoftAppType === 'SingleTenant') && !env.MicrosoftAppTenantId) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppTenantId'], message: 'is required when MicrosoftAppType is SingleTenant' });
    }
    if (env.MicrosoftAppType !== 'MultiTenant' && !env.MicrosoftAppId) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppId'], message: `is required when MicrosoftAppType is ${env.MicrosoftAppType}` });
    }
    // Half a credential set must not silently start an unauthenticated endpoint.
    for (const name of ['MicrosoftAppPassword', 'MicrosoftAppTenantId'] as const) {
      if (env[name] && !env.MicrosoftAppId) {
        ctx.addIssue({ code: 'custom', path: ['MicrosoftAppId'], message: `is required when ${name} is set (without it /api/messages runs unauthenticated)` });
      }
    }
    const authenticated = Boolean(env.MicrosoftAppId);
    if (authenticated && env.AFTERCARE_ALLOW_UNAUTHENTICATED) {
      ctx.addIssue({ code: 'custom', path: ['AFTERCARE_ALLOW_UNAUTHENTICATED'], message: 'contradicts MicrosoftAppId: with Teams credentials every request is authenticated; remove one of them' });
    }
    if (!authenticated && env.HOST && !isLoopbackHost(env.HOST) && !env.AFTERCARE_ALLOW_UNAUTHENTICATED) {
      ctx.addIssue({
        code: 'custom',
        path: ['HOST'],
        message: `would expose /api/messages without authentication on ${env.HOST}: set MicrosoftAppId and MicrosoftAppPassword, or also set AFTERCARE_ALLOW_UNAUTHENTICATED=true if everyone who can reach that address may act as any customer or advisor`,
      });
    }
    for (const rule of env.AFTERCARE_CONNECTOR_HOSTS ?? []) {
      if (rule.loopback && authenticated) {
        ctx.addIssue({ code: 'custom', path: ['AFTERCARE_CONNECTOR_HOSTS'], message: `may name a loopback host (${rule.text}) only in local mode, without MicrosoftAppId` });
      }
    }
    if (env.MicrosoftAppId && !env.MicrosoftAppPassword && env.MicrosoftAppType !== 'UserAssignedMSI') {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppPassword'], message: 'is required when MicrosoftAppId is set' });
    }
    if (env.WECHATY_PUPPET === 'wechaty-puppet-service' && !env.WECHATY_PUPPET_SERVICE_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['WECHATY_PUPPET_SERVICE_TOKEN'], message: 'is required when WECHATY_PUPPET is wechaty-puppet-service' });
    }
  });

export type DatabaseTarget =
  | { kind: 'pglite'; dataDir: string | null /* null: in memory */ }
  | { kind: 'postgres'; url: string };

/**
 * How /api/messages is reached: `on` with Teams credentials (every request carries a Bot
 * Framework token); `local` without them, bound to loopback (the Emulator, `npm start` on a
 * laptop); `open` without them on a wider address, which the operator must ask for with
 * AFTERCARE_ALLOW_UNAUTHENTICATED=true.
 */
export type TeamsAuthMode = 'on' | 'local' | 'open';

/** One entry of AFTERCARE_CONNECTOR_HOSTS. */
export interface ConnectorHostRule {
  /** As written, for messages. */
  text: string;
  /** Lower case; for a wildcard the suffix after "*." */
  host: string;
  wildcard: boolean;
  /** null: the scheme's default port only; '*': any port. */
  port: number | '*' | null;
  /** The host is a loopback name or address (allowed in local mode only). */
  loopback: boolean;
}

export interface Config {
  database: DatabaseTarget;
  port: number;
  host: string;
  teams: {
    appId?: string;
    appPassword?: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    tenantId?: string;
    connectorTimeoutMs: number;
    auth: TeamsAuthMode;
    /** AFTERCARE_CONNECTOR_HOSTS, or null for the built-in Bot Framework list. */
    connectorHosts: ConnectorHostRule[] | null;
    connectorConcurrency: number;
  };
  wechat: { puppet?: string; token?: string; endpoint?: string; officialAccount: boolean };
  shopTimeZone: string;
  shopCode: string;
  logLevel: (typeof LOG_LEVELS)[number];
  apiKey?: string;
  /** How long a claimed turn belongs to its process before a redelivery may run it again. */
  turnLeaseMs: number;
  inviteTtlMinutes: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `localhost`, 127.0.0.0/8 and ::1 (also IPv4-mapped), with or without IPv6 brackets. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (!net.isIP(bare)) return false;
  return ipaddr.process(bare).range() === 'loopback';
}

/** Parses one AFTERCARE_CONNECTOR_HOSTS entry; a string is the reason it is refused. */
export function parseConnectorHost(entry: string): ConnectorHostRule | string {
  const m = /^(\*\.)?(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}|\*))?$/i.exec(entry);
  if (!m) return 'is not host, host:port, host:* or *.domain';
  const host = m[2].toLowerCase();
  const wildcard = Boolean(m[1]);
  const port = m[3] === undefined ? null : m[3] === '*' ? '*' : Number(m[3]);
  if (typeof port === 'number' && (port < 1 || port > 65535)) return 'has a port out of range';
  const literal = host.replace(/^\[(.*)\]$/, '$1');
  if (net.isIP(literal)) {
    if (wildcard) return 'puts a wildcard on an address';
    const range = ipaddr.process(literal).range();
    // Link-local covers cloud metadata services (169.254.169.254): never a connector.
    if (!['unicast', 'loopback', 'private', 'uniqueLocal', 'carrierGradeNat'].includes(range)) return `is a ${range} address, never a connector`;
  } else if (wildcard && !host.includes('.')) {
    return 'is a wildcard over a top-level domain';
  }
  return { text: entry, host, wildcard, port, loopback: !wildcard && isLoopbackHost(host) };
}

/**
 * Environment names that look like a Teams credential but are not read (MicrosoftAppID,
 * MICROSOFT_APP_ID, MicrosoftAppPasword…): with the real name missing, the bot would start
 * unauthenticated without a word. Compared without case and separators, and within two
 * typing mistakes.
 */
const CREDENTIAL_NAMES = ['MicrosoftAppId', 'MicrosoftAppPassword', 'MicrosoftAppType', 'MicrosoftAppTenantId'] as const;

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

function credentialProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');
  for (const key of Object.keys(env)) {
    if ((CREDENTIAL_NAMES as readonly string[]).includes(key)) continue;
    const squashed = squash(key);
    if (!squashed.startsWith('microsoft') && !squashed.startsWith('msapp')) continue;
    const meant = CREDENTIAL_NAMES.find((name) => editDistance(squashed, squash(name)) <= 2);
    // Windows environment names are case-insensitive: there MicrosoftAppID is MicrosoftAppId.
    if (meant && !(process.platform === 'win32' && key.toLowerCase() === meant.toLowerCase())) {
      problems.push(`${key} is not a setting aftercare reads: did you mean ${meant}?`);
    }
  }
  for (const name of CREDENTIAL_NAMES) {
    const value = env[name];
    if (value !== undefined && value.trim() === '') problems.push(`${name} is set but blank: give it a value, or remove it for local mode`);
  }
  return problems;
}

/** Resolves the database target; `cwd` anchors relative embedded directories. */
export function databaseTarget(url: string | undefined, dataDir: string | undefined, cwd: string): DatabaseTarget {
  if (!url) return { kind: 'pglite', dataDir: path.resolve(cwd, dataDir ?? 'data') };
  if (url === 'pglite:memory') return { kind: 'pglite', dataDir: null };
  if (url.startsWith('pglite:')) return { kind: 'pglite', dataDir: path.resolve(cwd, url.slice('pglite:'.length)) };
  return { kind: 'postgres', url };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  const problems = credentialProblems(env);
  if (!parsed.success || problems.length) {
    throw new ConfigError([
      ...problems,
      ...(parsed.success ? [] : parsed.error.issues).map((issue) => {
        const name = issue.path.join('.') || '(environment)';
        const given = issue.path.length ? env[String(issue.path[0])] : undefined;
        // Secrets are never echoed back.
        const shown = given === undefined || /password|token|key|tenant|appid|hosts/i.test(name) ? '' : ` (got "${String(given).slice(0, 80)}")`;
        return `${name} ${issue.message}${shown}`;
      }),
    ]);
  }
  const e = parsed.data;
  const auth: TeamsAuthMode = e.MicrosoftAppId ? 'on' : e.HOST && !isLoopbackHost(e.HOST) ? 'open' : 'local';
  return {
    database: databaseTarget(e.DATABASE_URL, e.AFTERCARE_DATA_DIR, cwd),
    port: e.PORT,
    // Without credentials the endpoint accepts anyone posing as anyone: only this machine by default.
    host: e.HOST ?? (auth === 'on' ? '0.0.0.0' : '127.0.0.1'),
    teams: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId,
      connectorTimeoutMs: e.AFTERCARE_CONNECTOR_TIMEOUT_MS,
      auth,
      connectorHosts: e.AFTERCARE_CONNECTOR_HOSTS ?? null,
      connectorConcurrency: e.AFTERCARE_CONNECTOR_CONCURRENCY,
    },
    wechat: { puppet: e.WECHATY_PUPPET, token: e.WECHATY_PUPPET_SERVICE_TOKEN, endpoint: e.WECHATY_PUPPET_SERVICE_ENDPOINT, officialAccount: e.WECHAT_OFFICIAL_ACCOUNT },
    shopTimeZone: e.SHOP_TIME_ZONE,
    shopCode: e.SHOP_CODE,
    logLevel: e.LOG_LEVEL,
    apiKey: e.AFTERCARE_API_KEY,
    turnLeaseMs: e.AFTERCARE_TURN_LEASE_MS,
    inviteTtlMinutes: e.AFTERCARE_INVITE_TTL_MINUTES,
  };
}
