/**
 * JSON-lines logger. Every string that goes out is masked: logs are read by more people
 * than customer records are, so full mobile numbers and VINs never reach them.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

// Mainland mobiles as people write them: 13812345678, 138 1234 5678, 138-1234-5678,
// with or without +86 / 86 in front.
const MOBILE = /(?<![\d])((?:\+?86[\s-]?)?1[3-9]\d)[\s-]?\d{4}[\s-]?(\d{4})(?![\d])/g;
const VIN = /\b([A-HJ-NPR-Z0-9]{3})[A-HJ-NPR-Z0-9]{10}([A-HJ-NPR-Z0-9]{4})\b/gi;

export function maskSensitive(text: string): string {
  return text.replace(MOBILE, '$1****$2').replace(VIN, '$1**********$2');
}

function maskValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskSensitive(value);
  if (value instanceof Error) return maskSensitive(value.stack ?? value.message);
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskValue(v, depth + 1));
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskValue(v, depth + 1)]));
}

export function createLogger(level: Level, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const emit = (at: Exclude<Level, 'silent'>, message: string, data?: Record<string, unknown>) => {
    if (ORDER[at] < ORDER[level]) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: at, msg: maskSensitive(message), ...(data ? (maskValue(data) as object) : {}) }));
  };
  return {
    debug: (m, d) => emit('debug', m, d),
    info: (m, d) => emit('info', m, d),
    warn: (m, d) => emit('warn', m, d),
    error: (m, d) => emit('error', m, d),
  };
}

/**
 * Sends what libraries print with console.* through the logger: botbuilder and
 * botframework-connector `console.error` a multi-line stack for every rejected token,
 * past LOG_LEVEL and past masking (200 forged requests wrote ~100 KB of it). Each call
 * becomes one JSON line at the matching level; an error argument keeps its message, and
 * its stack only at debug. Returns a function that puts the console back.
 */
export function routeConsoleToLogger(logger: Logger, level: Level): () => void {
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const original = Object.fromEntries(methods.map((m) => [m, console[m]])) as Record<(typeof methods)[number], (...args: unknown[]) => void>;
  const levelOf: Record<(typeof methods)[number], Exclude<Level, 'silent'>> = { log: 'info', info: 'info', warn: 'warn', error: 'error', debug: 'debug', trace: 'debug' };
  const describe = (arg: unknown): string => {
    if (arg instanceof Error) {
      const status = (arg as { statusCode?: number }).statusCode;
      return `${arg.name}: ${arg.message}${status ? ` (status ${status})` : ''}${ORDER[level] <= ORDER.debug && arg.stack ? `\n${arg.stack}` : ''}`;
    }
    if (typeof arg === 'string') return arg;
    try {
      return JSON.stringify(arg) ?? String(arg);
    } catch {
      return String(arg);
    }
  };
  for (const method of methods) {
    console[method] = (...args: unknown[]) => {
      let at = levelOf[method];
      // A rejected token is the expected outcome of a forged request, not a server error.
      if (args.some((a) => a instanceof Error && ((a as { statusCode?: number }).statusCode === 401 || a.name === 'AuthenticationError'))) at = 'warn';
      logger[at]('library output', { source: 'console', text: args.map(describe).join(' ').slice(0, 4000) });
    };
  }
  return () => {
    for (const method of methods) console[method] = original[method];
  };
}
