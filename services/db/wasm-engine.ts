import fs from 'node:fs';
import nodeModule from 'node:module';
import path from 'node:path';

/**
 * Loads Prisma's schema engine compiled to WebAssembly (`@prisma/schema-engine-wasm`),
 * the only schema engine available offline: the native binary cannot be downloaded.
 *
 * The package is ESM-only and its entry point imports the `.wasm` file as a module,
 * which Node cannot do. So we load the wasm-bindgen glue (`schema_engine_bg.js`) with
 * Node's own `require` (Node >= 20.19 can require ES modules; Node's loader also
 * bypasses Jest's module registry, which cannot), instantiate `schema_engine_bg.wasm`
 * with the glue as its import object, then hand the instance back to the glue.
 */

/**
 * Node's own `require`, even under Jest. Jest hands test code a `module.createRequire`
 * that returns Jest's registry-based require, which cannot load ES modules and runs code
 * inside a VM context where dynamic `import()` throws ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG
 * (PGlite imports its file-system bundle that way). `process.getBuiltinModule` (Node >= 20.16)
 * bypasses Jest's interception.
 */
export function nativeRequire(from: string = __filename): NodeJS.Require {
  const real = (process.getBuiltinModule?.('node:module') as typeof nodeModule | undefined) ?? nodeModule;
  return real.createRequire(from);
}

export interface MigrationList {
  baseDir: string;
  lockfile: { path: string; content: string | null };
  migrationDirectories: Array<{
    path: string;
    migrationFile: { path: string; content: { tag: 'ok'; value: string } | { tag: 'error'; value: string } };
  }>;
  shadowDbInitScript: string;
}

export interface SchemaFilter {
  externalTables: string[];
  externalEnums: string[];
}

export interface SchemasContainer {
  files: Array<{ path: string; content: string }>;
}

/** The subset of the engine's API we use (see schema_engine.d.ts in the package). */
export interface WasmSchemaEngine {
  applyMigrations(input: { migrationsList: MigrationList; filters: SchemaFilter }): Promise<{ appliedMigrationNames: string[] }>;
  devDiagnostic(input: { migrationsList: MigrationList; filters: SchemaFilter }): Promise<{ action: { tag: 'reset'; reason: string } | { tag: 'createMigration' } }>;
  createMigration(input: {
    draft: boolean;
    migrationName: string;
    migrationsList: MigrationList;
    schema: SchemasContainer;
    filters: SchemaFilter;
  }): Promise<{ connectorType: string; generatedMigrationName: string | null; migrationScript: string | null; extension: string }>;
  diff(input: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
}

interface Glue {
  __wbg_set_wasm(exports: Record<string, unknown>): void;
  SchemaEngine: {
    new: (options: { datamodels: [string, string][] }, log: (line: string) => void, adapterFactory: object) => Promise<WasmSchemaEngine>;
  };
  version(): string;
}

const PACKAGE = '@prisma/schema-engine-wasm';

/** The tsconfig's libs (ES2022, no DOM) do not declare WebAssembly: the little we use. */
interface WasmApi {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, Record<string, unknown>>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const wasmApi = () => (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const pendingTimers = new Set<NodeJS.Timeout>();
let liveEngines = 0;

function trackedSetTimeout(callback: () => void, ms: number): NodeJS.Timeout {
  const timer = setTimeout(() => {
    pendingTimers.delete(timer);
    callback();
  }, ms >>> 0);
  pendingTimers.add(timer);
  return timer;
}

function clearEngineTimers(): void {
  for (const timer of pendingTimers) clearTimeout(timer);
  pendingTimers.clear();
}

let loaded: Promise<Glue> | null = null;

async function instantiate(): Promise<Glue> {
  const nodeRequire = nativeRequire();
  // The package's "exports" map names the glue (and not package.json).
  const gluePath = nodeRequire.resolve(`${PACKAGE}/schema_engine_bg`);
  const wasmPath = path.join(path.dirname(gluePath), 'schema_engine_bg.wasm');
  let glue: Glue;
  try {
    glue = nodeRequire(gluePath) as Glue;
  } catch (error) {
    throw new Error(
      `cannot load ${gluePath} (an ES module; Node >= 20.19 is needed to require it): ${(error as Error).message}`,
    );
  }
  const bytes = await fs.promises.readFile(wasmPath);
  // The engine arms 10 s timers (setTimeout) and has no clearTimeout import, so a
  // finished command leaves them pending and the process cannot exit for up to 10 s.
  // Route them through a registry that `free()` clears once no engine is alive.
  const imports: Record<string, unknown> = { ...glue };
  for (const name of Object.keys(glue)) {
    if (name.startsWith('__wbg_setTimeout_')) imports[name] = trackedSetTimeout;
  }
  const { instance } = await wasmApi().instantiate(bytes, { './schema_engine_bg.js': imports });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

/**
 * The glue module keeps the wasm instance in a module-level variable (and caches views
 * of its memory), so one instance per process serves every engine created afterwards.
 * It cannot be swapped for a fresh one: after a trap (a Rust panic) restart the process.
 */
export function loadSchemaEngineWasm(): Promise<Glue> {
  if (!loaded) {
    loaded = instantiate();
    loaded.catch(() => {
      loaded = null;
    });
  }
  return loaded;
}

export async function createSchemaEngine(
  datamodels: [string, string][],
  log: (line: string) => void,
  adapterFactory: object,
): Promise<WasmSchemaEngine> {
  const glue = await loadSchemaEngineWasm();
  const engine = await glue.SchemaEngine.new({ datamodels }, (line: string) => log(formatEngineLog(line)), adapterFactory);
  liveEngines += 1;
  const free = engine.free.bind(engine);
  let freed = false;
  engine.free = () => {
    if (freed) return;
    freed = true;
    liveEngines -= 1;
    if (liveEngines === 0) clearEngineTimers();
    free();
  };
  return engine;
}

/** The engine logs tracing events as JSON lines; keep level, message and the other fields. */
function formatEngineLog(line: string): string {
  try {
    const event = JSON.parse(line) as { level?: string; fields?: Record<string, unknown> };
    const { message, ...rest } = event.fields ?? {};
    const extra = Object.entries(rest).map(([k, v]) => {
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      // Keep lines short: `Applying …` events carry the whole migration script.
      return `${k}=${text.length > 80 ? `${text.slice(0, 60).replace(/\s+/g, ' ')}… (${text.length} chars)` : text}`;
    });
    return [event.level ?? 'LOG', String(message ?? ''), ...extra].join(' ').trim();
  } catch {
    return line.trim();
  }
}
