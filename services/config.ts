import path from 'node:path';
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
    HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
    MicrosoftAppId: optionalString,
    MicrosoftAppPassword: optionalString,
    MicrosoftAppType: z.preprocess(emptyToUndefined, z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant')),
    MicrosoftAppTenantId: optionalString,
    /** Time-out of one call to the Bot Framework connector, in ms. */
    AFTERCARE_CONNECTOR_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(120_000).default(5_000)),
    AFTERCARE_TURN_LEASE_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1_000).max(600_000).default(30_000)),
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

export interface Config {
  database: DatabaseTarget;
  port: number;
  host: string;
  teams: { appId?: string; appPassword?: string; appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI'; tenantId?: string; connectorTimeoutMs: number };
  wechat: { puppet?: string; token?: string; endpoint?: string; officialAccount: boolean };
  shopTimeZone: string;
  shopCode: string;
  logLevel: (typeof LOG_LEVELS)[number];
  apiKey?: string;
  /** How long a claimed turn belongs to its process before a redelivery may run it again. */
  turnLeaseMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
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
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(environment)';
        const given = issue.path.length ? env[String(issue.path[0])] : undefined;
        // Secrets are never echoed back.
        const shown = given === undefined || /password|token|key/i.test(name) ? '' : ` (got "${String(given).slice(0, 80)}")`;
        return `${name} ${issue.message}${shown}`;
      }),
    );
  }
  const e = parsed.data;
  return {
    database: databaseTarget(e.DATABASE_URL, e.AFTERCARE_DATA_DIR, cwd),
    port: e.PORT,
    host: e.HOST,
    teams: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId,
      connectorTimeoutMs: e.AFTERCARE_CONNECTOR_TIMEOUT_MS,
    },
    wechat: { puppet: e.WECHATY_PUPPET, token: e.WECHATY_PUPPET_SERVICE_TOKEN, endpoint: e.WECHATY_PUPPET_SERVICE_ENDPOINT, officialAccount: e.WECHAT_OFFICIAL_ACCOUNT },
    shopTimeZone: e.SHOP_TIME_ZONE,
    shopCode: e.SHOP_CODE,
    logLevel: e.LOG_LEVEL,
    apiKey: e.AFTERCARE_API_KEY,
    turnLeaseMs: e.AFTERCARE_TURN_LEASE_MS,
  };
}
