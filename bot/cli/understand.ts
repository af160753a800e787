/**
 * `aftercare understand "<text>" [--now ISO] [--tz IANA]` → prints one JSON line
 * {"intent","locale","services","plate","when","bookingRef"} for a customer message.
 * `aftercare understand --batch` → reads JSON lines {"text","now","tz"} from stdin and writes one
 * result per line, in order; a bad line yields {"error":"..."} on its line, processing continues,
 * and the exit code is 1 at the end.
 *
 * The shop: with DATABASE_URL set, the catalogue and calendar of SHOP_CODE from that database
 * (read once, the database closed before any text is read); otherwise the demo shop from
 * prisma/seed without opening any database, so it works while the embedded bot runs.
 */
import readline from 'node:readline';
import { z } from 'zod';
import { understand, INTENTS, type CustomerRequest, type Intent, type UnderstandingContext } from '../../services/understanding';
import { demoShopHours, DEMO_CATALOGUE } from '../../services/understanding/demo-context';
import { isKnownTimeZone } from '../../services/time';
import { LOCALES, type Locale } from '../../services/locale';
import type { CatalogueEntry } from '../../services/catalog';
import type { OpeningWindow } from '../../services/understanding/types';
import type { LocalDate } from '../../services/time';

export interface UnderstandIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** What `understand` needs of a shop. */
export interface UnderstandingShop {
  source: string;
  timeZone: string;
  catalogue: readonly CatalogueEntry[];
  shopHours: (date: LocalDate) => OpeningWindow | null;
}

export const DEMO_SHOP_SOURCE = 'demo shop (prisma/seed/demo-shop.ts)';

function demoShop(): UnderstandingShop {
  return { source: DEMO_SHOP_SOURCE, timeZone: 'Asia/Shanghai', catalogue: DEMO_CATALOGUE, shopHours: demoShopHours };
}

/** The shop `code` from a database: active catalogue and calendar, read once. */
export async function loadUnderstandingShop(
  prisma: import('../../services/db/client').PrismaClient,
  code: string,
  label: string,
): Promise<UnderstandingShop | null> {
  const { loadShopCalendar, openingFor } = require('../../services/calendar') as typeof import('../../services/calendar');
  const shop = await prisma.shop.findUnique({ where: { code } });
  if (!shop) return null;
  const calendar = await loadShopCalendar(prisma, shop.id);
  const catalogue = await prisma.serviceCatalogItem.findMany({ where: { shopId: shop.id, active: true }, orderBy: { code: 'asc' } });
  return { source: `shop ${code} in ${label}`, timeZone: shop.timeZone, catalogue, shopHours: (date) => openingFor(calendar, date) };
}

async function shopFromEnvironment(env: NodeJS.ProcessEnv): Promise<UnderstandingShop | string> {
  if (!env.DATABASE_URL) return demoShop();
  // Required lazily: without DATABASE_URL nothing of the database layer is loaded.
  const { loadConfig, ConfigError } = require('../../services/config') as typeof import('../../services/config');
  const { openDatabase } = require('../../services/db/client') as typeof import('../../services/db/client');
  let cfg;
  try {
    cfg = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  const db = await openDatabase(cfg.database);
  try {
    return (await loadUnderstandingShop(db.prisma, cfg.shopCode, db.label)) ?? `no shop with code "${cfg.shopCode}" in ${db.label}`;
  } finally {
    await db.close();
  }
}

const nowSchema = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'must be an ISO 8601 date-time with an offset, e.g. 2026-11-27T10:00:00+08:00',
  })
  .transform((s) => new Date(s));
const tzSchema = z.string().min(1).refine(isKnownTimeZone, { message: 'unknown IANA time zone' });
const intentSchema = z.enum(INTENTS);
const localeSchema = z.enum(LOCALES as [Locale, ...Locale[]]);

const argsSchema = z.object({
  text: z.string().optional(),
  batch: z.boolean(),
  help: z.boolean(),
  now: nowSchema.optional(),
  tz: tzSchema.optional(),
  previous: intentSchema.optional(),
  fallback: localeSchema.optional(),
});

const lineSchema = z.object({
  text: z.string().max(10_000),
  now: nowSchema.optional(),
  tz: tzSchema.optional(),
  previousIntent: intentSchema.optional(),
  fallbackLocale: localeSchema.optional(),
});

const VALUE_OPTIONS = ['now', 'tz', 'previous', 'fallback'];

function issues(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
}

function parseArgs(args: string[]): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  const out: Record<string, unknown> = { batch: false, help: false };
  const texts: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--batch') out.batch = true;
    else if (a === '--help' || a === '-h') out.help = true;
    else if (a.startsWith('--') && VALUE_OPTIONS.includes(a.slice(2))) {
      if (i + 1 >= args.length) return { ok: false, error: `${a} needs a value` };
      out[a.slice(2)] = args[++i];
    } else if (a.startsWith('--') && a.includes('=') && VALUE_OPTIONS.includes(a.slice(2, a.indexOf('=')))) {
      out[a.slice(2, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
    } else if (a.startsWith('--')) return { ok: false, error: `unknown option ${a}` };
    else texts.push(a);
  }
  if (texts.length) out.text = texts.join(' ');
  return { ok: true, value: out };
}

const USAGE = 'usage: understand "<text>" [--now <ISO date-time>] [--tz <IANA zone>] | understand --batch < lines.jsonl';

const HELP = `${USAGE}

Shows how a customer message is understood, as one JSON line:
  {"intent","locale","services","plate","when","bookingRef"}
intent is one of: ${INTENTS.join(', ')}.
services are catalogue codes; when is {"date","time","part"} or null.

  --now ISO        the moment the message is read (default: now), e.g. 2026-11-27T10:00:00+08:00
  --tz IANA        the shop's time zone (default: the shop's own)
  --previous NAME  the intent of the customer's previous message (a follow-up "换刹车片呢？" after price)
  --fallback zh|en the conversation's language, for messages too short to tell (default zh)
  --batch          read JSON lines {"text","now","tz"} (optional "previousIntent", "fallbackLocale")
                   from stdin, write one result per line in order; a bad line gives {"error":"..."}
                   on its line, the rest continue, and the exit code is 1; blank lines are skipped

Catalogue and opening hours: with DATABASE_URL set, those of the shop SHOP_CODE in that database
(read once, then the database is closed); without it, the demo shop's from prisma/seed/demo-shop.ts,
without opening any database (works while the embedded bot is running).
`;

/** The CLI's JSON: the contract's keys, in this order. */
export function cliResult(request: CustomerRequest): Record<string, unknown> {
  return {
    intent: request.intent,
    locale: request.locale,
    services: request.services.map((s) => s.code),
    plate: request.plate,
    when: request.when ? { date: request.when.date, time: request.when.time, part: request.when.part } : null,
    bookingRef: request.bookingRef,
  };
}

function contextFor(shop: UnderstandingShop, now: Date, tz: string | undefined, previousIntent?: Intent, fallbackLocale?: Locale): UnderstandingContext {
  return {
    now,
    timeZone: tz ?? shop.timeZone,
    shopHours: shop.shopHours,
    catalogue: shop.catalogue,
    fallbackLocale: fallbackLocale ?? 'zh',
    previousIntent: previousIntent ?? null,
  };
}

export async function runUnderstandCommand(args: string[], io: UnderstandIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const raw = parseArgs(args);
  if (!raw.ok) {
    io.stderr.write(`understand: ${raw.error}\n${USAGE}\n`);
    return 2;
  }
  const parsed = argsSchema.safeParse(raw.value);
  if (!parsed.success) {
    io.stderr.write(`understand: ${issues(parsed.error)}\n${USAGE}\n`);
    return 2;
  }
  const { text, batch, help, now, tz, previous, fallback } = parsed.data;
  if (help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (!batch && text === undefined) {
    io.stderr.write(`understand: missing text\n${USAGE}\n`);
    return 2;
  }
  const shop = await shopFromEnvironment(env);
  if (typeof shop === 'string') {
    io.stderr.write(`understand: ${shop}\n`);
    return 2;
  }
  if (!batch) {
    const request = understand(text!, contextFor(shop, now ?? new Date(), tz, previous, fallback));
    io.stdout.write(`${JSON.stringify(cliResult(request))}\n`);
    return 0;
  }
  let bad = 0;
  const rl = readline.createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    let result: unknown;
    try {
      const item = lineSchema.safeParse(JSON.parse(line));
      if (!item.success) result = { error: issues(item.error) };
      else {
        const d = item.data;
        result = cliResult(understand(d.text, contextFor(shop, d.now ?? now ?? new Date(), d.tz ?? tz, d.previousIntent ?? previous, d.fallbackLocale ?? fallback)));
      }
    } catch (e) {
      result = { error: e instanceof SyntaxError ? `invalid JSON: ${e.message}` : String(e instanceof Error ? e.message : e) };
    }
    if ((result as { error?: string }).error !== undefined) bad++;
    io.stdout.write(`${JSON.stringify(result)}\n`);
  }
  return bad ? 1 : 0;
}
