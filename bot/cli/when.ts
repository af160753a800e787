/**
 * `aftercare when "明天上午10点" [--now ISO] [--tz IANA] [--hours 08:30-18:00]` → prints the WantedTime JSON (or null)
 * on one line. `--hours` are the shop's opening hours, for an hour said without am/pm (default 08:30–18:00).
 * `aftercare when --batch` → reads JSON lines {"text","now","tz","hours"} from stdin, writes one JSON result per line;
 * a bad line yields {"error":"..."} and processing continues.
 */
import readline from 'node:readline';
import { z } from 'zod';
import { isKnownTimeZone, timeToMinute, type OpeningWindow } from '../../services/time';
import { understandWhen } from '../../services/when';

export interface WhenIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const DEFAULT_TZ = 'Asia/Shanghai';

const nowSchema = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'must be an ISO 8601 date-time with an offset, e.g. 2026-11-27T10:00:00+08:00',
  })
  .transform((s) => new Date(s));
const tzSchema = z.string().min(1).refine(isKnownTimeZone, { message: 'unknown IANA time zone' });
const hoursSchema = z
  .string()
  .transform((s) => s.split('-').map((t) => timeToMinute(t)))
  .refine((m) => m.length === 2 && m[0] !== null && m[1] !== null && m[0] < m[1], 'must be opening-closing time, e.g. 08:30-18:00')
  .transform(([open, close]): OpeningWindow => ({ openMinute: open!, closeMinute: close! }));

const argsSchema = z.object({
  text: z.string().optional(),
  batch: z.boolean(),
  now: nowSchema.optional(),
  tz: tzSchema.default(DEFAULT_TZ),
  hours: hoursSchema.optional(),
});

const lineSchema = z.object({
  text: z.string(),
  now: nowSchema.optional(),
  tz: tzSchema.optional(),
  hours: hoursSchema.optional(),
});

function issues(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
}

function parseArgs(args: string[]): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  const out: Record<string, unknown> = { batch: false };
  const texts: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--batch') out.batch = true;
    else if (a === '--now' || a === '--tz' || a === '--hours') {
      if (i + 1 >= args.length) return { ok: false, error: `${a} needs a value` };
      out[a.slice(2)] = args[++i];
    } else if (a.startsWith('--now=') || a.startsWith('--tz=') || a.startsWith('--hours=')) {
      const [k, ...v] = a.slice(2).split('=');
      out[k] = v.join('=');
    } else if (a.startsWith('--')) return { ok: false, error: `unknown option ${a}` };
    else texts.push(a);
  }
  if (texts.length) out.text = texts.join(' ');
  return { ok: true, value: out };
}

const USAGE = 'usage: when "<text>" [--now <ISO date-time>] [--tz <IANA zone>] [--hours <HH:MM-HH:MM>] | when --batch < lines.jsonl';

export async function runWhenCommand(args: string[], io: WhenIO): Promise<number> {
  const raw = parseArgs(args);
  if (!raw.ok) {
    io.stderr.write(`when: ${raw.error}\n${USAGE}\n`);
    return 2;
  }
  const parsed = argsSchema.safeParse(raw.value);
  if (!parsed.success) {
    io.stderr.write(`when: ${issues(parsed.error)}\n${USAGE}\n`);
    return 2;
  }
  const { text, batch, now, tz, hours } = parsed.data;
  if (!batch) {
    if (text === undefined) {
      io.stderr.write(`when: missing text\n${USAGE}\n`);
      return 2;
    }
    io.stdout.write(`${JSON.stringify(understandWhen(text, { now: now ?? new Date(), timeZone: tz, shopHours: hours }))}\n`);
    return 0;
  }
  const rl = readline.createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    let result: unknown;
    try {
      const item = lineSchema.safeParse(JSON.parse(line));
      if (!item.success) result = { error: issues(item.error) };
      else {
        const { text: said, now: lineNow, tz: lineTz, hours: lineHours } = item.data;
        result = understandWhen(said, { now: lineNow ?? now ?? new Date(), timeZone: lineTz ?? tz, shopHours: lineHours ?? hours });
      }
    } catch (e) {
      result = { error: e instanceof SyntaxError ? `invalid JSON: ${e.message}` : String(e instanceof Error ? e.message : e) };
    }
    io.stdout.write(`${JSON.stringify(result)}\n`);
  }
  return 0;
}

if (require.main === module) {
  runWhenCommand(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then((code) => {
    process.exitCode = code;
  });
}
