import fs from 'node:fs';
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

/**
 * The customer notices a WeChat Official Account may send as template messages outside its
 * reply window, and the facts each one carries (plain values, already formatted: dates,
 * plates, amounts). The shop maps every fact of a kind it uses to a field of the template it
 * registered (WECHAT_OA_TEMPLATES). Job handlers pass `{ kind, fields }` with each notice.
 */
export const NOTICE_TEMPLATE_FACTS = {
  /** The evening before a booking. */
  'booking.reminder': ['ref', 'when', 'plate', 'services'],
  /** Checked in, ready, delivered, a moved promise: `time` is the promise or the moment it happened. */
  'repair.status': ['number', 'plate', 'status', 'time'],
  /** Extra work waits for the customer's decision: a link-free summary (how many items, their total, until when). */
  'extra-work.approval': ['number', 'plate', 'items', 'total', 'expires'],
  /** The satisfaction survey (回访) after a visit. */
  'survey.invite': ['number', 'plate'],
  /** Who will contact the customer about their complaint, and by when. */
  'complaint.followup': ['advisor', 'due'],
} as const;

export type NoticeKind = keyof typeof NOTICE_TEMPLATE_FACTS;
export type NoticeFactName<K extends NoticeKind> = (typeof NOTICE_TEMPLATE_FACTS)[K][number];
/** A notice's kind with its facts, one value per fact of that kind. */
export type NoticeFacts = { [K in NoticeKind]: { kind: K; fields: Record<NoticeFactName<K>, string> } }[NoticeKind];

export function isNoticeKind(kind: string): kind is NoticeKind {
  return Object.prototype.hasOwnProperty.call(NOTICE_TEMPLATE_FACTS, kind);
}

/** Where a fact goes in the shop's template: its field key, and the longest value that template field takes. */
export interface TemplateField {
  key: string;
  max?: number;
}
export interface NoticeTemplate {
  templateId: string;
  fields: Record<string, TemplateField>;
}

/** A template's field key as WeChat names them (keyword1, thing3, time4, character_string2 …). */
const templateKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a template field key such as keyword1 or thing3');
const templateSettingsSchema = z.record(
  z.string(),
  z.strictObject({
    templateId: z.string().trim().min(1).max(128),
    fields: z.record(z.string(), z.union([templateKey.transform((key): TemplateField => ({ key })), z.strictObject({ key: templateKey, max: z.number().int().min(1).max(1000).optional() })])),
  }),
);

/**
 * WECHAT_OA_TEMPLATES (JSON) or WECHAT_OA_TEMPLATES_FILE: every kind must be one we send and
 * must map each of its facts; problems name the kind and the fact.
 */
function checkTemplates(raw: unknown, name: string): { templates: Record<string, NoticeTemplate>; problems: string[] } {
  const parsed = templateSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    return { templates: {}, problems: parsed.error.issues.map((issue) => `${name} ${issue.path.length ? `at ${issue.path.join('.')}: ` : ''}${issue.message}`) };
  }
  const problems: string[] = [];
  const known = Object.keys(NOTICE_TEMPLATE_FACTS).join(', ');
  for (const [kind, template] of Object.entries(parsed.data)) {
    if (!isNoticeKind(kind)) {
      problems.push(`${name} names an unknown notice kind "${kind.slice(0, 60)}" (known: ${known})`);
      continue;
    }
    const facts: readonly string[] = NOTICE_TEMPLATE_FACTS[kind];
    for (const fact of facts) {
      if (!template.fields[fact]) problems.push(`${name} ${kind}: field "${fact}" is missing (every fact of ${kind} needs a template field: ${facts.join(', ')})`);
    }
    const used = new Map<string, string>();
    for (const [fact, field] of Object.entries(template.fields)) {
      if (!facts.includes(fact)) problems.push(`${name} ${kind}: "${fact.slice(0, 60)}" is not a fact of ${kind} (facts: ${facts.join(', ')})`);
      const other = used.get(field.key);
      if (other) problems.push(`${name} ${kind}: "${fact}" and "${other}" both go to template field ${field.key}`);
      used.set(field.key, fact);
    }
  }
  return { templates: parsed.data, problems };
}

/** https, or http to this machine only (a local test server); no credentials or query in it. */
function apiBaseProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL such as https://api.weixin.qq.com';
  }
  if (url.username || url.password || url.search || url.hash) return 'must not carry credentials, a query or a fragment';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return null;
  return 'must be https (http only to a loopback address, for a local test server)';
}

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
    /** Where the embedded database runs: its own worker thread (default for a directory) or the bot's thread. */
    AFTERCARE_EMBEDDED_THREAD: z.preprocess(emptyToUndefined, z.enum(['worker', 'main']).optional()),
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
    /** WeChat Official Account (服务号) channel, bot/channels/wechat-oa: the account's AppID and AppSecret. */
    WECHAT_OA_APP_ID: z.preprocess(emptyToUndefined, z.string().trim().regex(/^wx[0-9a-f]{16}$/i, 'must be the AppID from the Official Account platform (wx and 16 hex digits)').optional()),
    WECHAT_OA_APP_SECRET: z.preprocess(emptyToUndefined, z.string().trim().regex(/^[0-9A-Za-z]{32}$/, 'must be the 32-character AppSecret').optional()),
    /** The Token entered on the platform's server configuration page (3–32 letters or digits); it signs every webhook request. */
    WECHAT_OA_TOKEN: z.preprocess(emptyToUndefined, z.string().trim().regex(/^[0-9A-Za-z]{3,32}$/, 'must be 3–32 letters or digits, as the platform requires').optional()),
    /** The webhook path on this server (the platform's server URL is https://<host><path>). */
    WECHAT_OA_PATH: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .regex(/^\/[A-Za-z0-9._~\/-]{1,200}$/, 'must be a path such as /wechat/oa')
        .refine((v) => !v.startsWith('/api/') && v !== '/healthz', 'must not be under /api/ or /healthz')
        .default('/wechat/oa'),
    ),
    /** Where the Official Account HTTP API lives (a local fake in tests). */
    WECHAT_OA_API_BASE: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .default('https://api.weixin.qq.com')
        .superRefine((v, ctx) => {
          const problem = apiBaseProblem(v);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .transform((v) => v.replace(/\/+$/, '')),
    ),
    /** Template per notice kind, as JSON; or WECHAT_OA_TEMPLATES_FILE naming a JSON file. */
    WECHAT_OA_TEMPLATES: optionalString,
    WECHAT_OA_TEMPLATES_FILE: optionalString,
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
    // That puppet accepts unsigned webhook posts (anyone could write as any follower) and
    // cannot send template messages: the Official Account has its own channel.
    if (env.WECHATY_PUPPET === 'wechaty-puppet-official-account') {
      ctx.addIssue({ code: 'custom', path: ['WECHATY_PUPPET'], message: 'wechaty-puppet-official-account is not supported: set WECHAT_OA_APP_ID, WECHAT_OA_APP_SECRET and WECHAT_OA_TOKEN for the Official Account channel instead (README, "WeChat Official Account")' });
    }
    const oa = { WECHAT_OA_APP_ID: env.WECHAT_OA_APP_ID, WECHAT_OA_APP_SECRET: env.WECHAT_OA_APP_SECRET, WECHAT_OA_TOKEN: env.WECHAT_OA_TOKEN };
    const given = Object.entries(oa).filter(([, v]) => v !== undefined);
    if (given.length > 0 && given.length < 3) {
      for (const [name, value] of Object.entries(oa)) {
        if (value === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `is required for the Official Account channel (set together with ${given.map(([n]) => n).join(', ')})` });
      }
    }
    if (env.WECHAT_OA_TEMPLATES && env.WECHAT_OA_TEMPLATES_FILE) {
      ctx.addIssue({ code: 'custom', path: ['WECHAT_OA_TEMPLATES_FILE'], message: 'and WECHAT_OA_TEMPLATES are both set: keep one' });
    }
    if ((env.WECHAT_OA_TEMPLATES || env.WECHAT_OA_TEMPLATES_FILE) && given.length === 0) {
      ctx.addIssue({ code: 'custom', path: [env.WECHAT_OA_TEMPLATES ? 'WECHAT_OA_TEMPLATES' : 'WECHAT_OA_TEMPLATES_FILE'], message: 'needs the Official Account channel (WECHAT_OA_APP_ID, WECHAT_OA_APP_SECRET, WECHAT_OA_TOKEN)' });
    }
  });

/** Reads WECHAT_OA_TEMPLATES or the file WECHAT_OA_TEMPLATES_FILE names (relative to `cwd`), validated. */
function loadTemplates(env: { WECHAT_OA_TEMPLATES?: string; WECHAT_OA_TEMPLATES_FILE?: string }, cwd: string): { templates: Record<string, NoticeTemplate>; problems: string[] } {
  let name = 'WECHAT_OA_TEMPLATES';
  let text = env.WECHAT_OA_TEMPLATES;
  if (env.WECHAT_OA_TEMPLATES_FILE) {
    name = 'WECHAT_OA_TEMPLATES_FILE';
    const file = path.resolve(cwd, env.WECHAT_OA_TEMPLATES_FILE);
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      return { templates: {}, problems: [`${name} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): ${file}`] };
    }
  }
  if (text === undefined) return { templates: {}, problems: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { templates: {}, problems: [`${name} is not valid JSON: ${(error as Error).message}`] };
  }
  return checkTemplates(raw, name);
}

export type DatabaseTarget =
  | {
      kind: 'pglite';
      dataDir: string | null /* null: in memory */;
      /** Unset: a worker thread for a directory, the caller's thread in memory (tests dump it). */
      thread?: 'worker' | 'main';
    }
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
  /** The WeChat Official Account channel, or null when WECHAT_OA_APP_ID is unset. */
  wechatOa: OfficialAccountSettings | null;
  shopTimeZone: string;
  shopCode: string;
  logLevel: (typeof LOG_LEVELS)[number];
  apiKey?: string;
  /** How long a claimed turn belongs to its process before a redelivery may run it again. */
  turnLeaseMs: number;
  inviteTtlMinutes: number;
}

export interface OfficialAccountSettings {
  appId: string;
  /** Never logged or echoed. */
  appSecret: string;
  /** Signs webhook requests; never logged or echoed. */
  token: string;
  path: string;
  apiBase: string;
  /** Template per notice kind; a kind not here waits for the customer outside the reply window. */
  templates: Partial<Record<NoticeKind, NoticeTemplate>>;
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

function withThread(target: DatabaseTarget, thread: 'worker' | 'main' | undefined): DatabaseTarget {
  return target.kind === 'pglite' && thread ? { ...target, thread } : target;
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
  const templates = parsed.success && parsed.data.WECHAT_OA_APP_ID ? loadTemplates(parsed.data, cwd) : { templates: {}, problems: [] };
  problems.push(...templates.problems);
  if (!parsed.success || problems.length) {
    throw new ConfigError([
      ...problems,
      ...(parsed.success ? [] : parsed.error.issues).map((issue) => {
        const name = issue.path.join('.') || '(environment)';
        const given = issue.path.length ? env[String(issue.path[0])] : undefined;
        // Secrets are never echoed back.
        const shown = given === undefined || /password|token|key|tenant|appid|app_id|secret|hosts/i.test(name) ? '' : ` (got "${String(given).slice(0, 80)}")`;
        return `${name} ${issue.message}${shown}`;
      }),
    ]);
  }
  const e = parsed.data;
  const auth: TeamsAuthMode = e.MicrosoftAppId ? 'on' : e.HOST && !isLoopbackHost(e.HOST) ? 'open' : 'local';
  return {
    database: withThread(databaseTarget(e.DATABASE_URL, e.AFTERCARE_DATA_DIR, cwd), e.AFTERCARE_EMBEDDED_THREAD),
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
    wechatOa:
      e.WECHAT_OA_APP_ID && e.WECHAT_OA_APP_SECRET && e.WECHAT_OA_TOKEN
        ? {
            appId: e.WECHAT_OA_APP_ID,
            appSecret: e.WECHAT_OA_APP_SECRET,
            token: e.WECHAT_OA_TOKEN,
            path: e.WECHAT_OA_PATH,
            apiBase: e.WECHAT_OA_API_BASE,
            templates: templates.templates as Partial<Record<NoticeKind, NoticeTemplate>>,
          }
        : null,
    shopTimeZone: e.SHOP_TIME_ZONE,
    shopCode: e.SHOP_CODE,
    logLevel: e.LOG_LEVEL,
    apiKey: e.AFTERCARE_API_KEY,
    turnLeaseMs: e.AFTERCARE_TURN_LEASE_MS,
    inviteTtlMinutes: e.AFTERCARE_INVITE_TTL_MINUTES,
  };
}
