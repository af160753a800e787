import { nativeRequire } from '../services/db/wasm-engine';
import { useTestApp } from './support/app';

// ESM-only package: loaded by Node's own require (require(esm), Node ≥ 20.19), outside
// Jest's module registry, which would hand it to the CommonJS transform.
type ValidatorModule = typeof import('@seriousme/openapi-schema-validator');
const { Validator } = nativeRequire(__filename)('@seriousme/openapi-schema-validator') as ValidatorModule;

/**
 * The OpenAPI document is generated from the routes' zod schemas (no hand-written copy):
 * it must be a valid OpenAPI 3 document, every $ref must resolve, and it must describe
 * what the routes actually check.
 */
describe('GET /api/openapi.json', () => {
  const t = useTestApp({ AFTERCARE_API_KEY: 'test-api-key-0123456789' });

  type Doc = {
    openapi: string;
    paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; description?: string }>; security?: unknown[]; responses: Record<string, unknown> }>>;
    components: { securitySchemes: Record<string, unknown> };
  };

  async function fetchDoc(): Promise<Doc> {
    const res = await fetch(`${t.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return (await res.json()) as Doc;
  }

  it('is a valid OpenAPI 3 document whose references all resolve', async () => {
    const doc = await fetchDoc();
    const validator = new Validator();
    const result = await validator.validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toMatch(/^3\./);
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it('describes every route, the key and the checks the routes make', async () => {
    const doc = await fetchDoc();
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/messages',
      '/api/v1/bookings',
      '/api/v1/bookings/{id}/cancel',
      '/api/v1/repair-orders',
      '/api/v1/repair-orders/{id}',
      '/api/v1/repair-orders/{id}/extra-work',
      '/api/v1/repair-orders/{id}/lines',
      '/api/v1/repair-orders/{id}/status',
      '/api/v1/tasks',
      '/api/v1/tasks/{id}/complete',
      '/api/v1/tasks/{id}/notes',
      '/api/v1/tasks/{id}/snooze',
      '/healthz',
    ]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer']);
    for (const path of ['/api/v1/bookings', '/api/v1/tasks']) expect(doc.paths[path].get.security).toEqual([{ apiKey: [] }, { bearer: [] }]);
    const date = doc.paths['/api/v1/bookings'].get.parameters?.find((p) => p.name === 'date');
    expect(date).toMatchObject({ in: 'query' });
    expect(date?.description).toContain('within 5 years');
    expect(Object.keys(doc.paths['/api/v1/bookings/{id}/cancel'].post.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '404', '409']));
    for (const path of ['/api/v1/repair-orders', '/api/v1/repair-orders/{id}/lines', '/api/v1/repair-orders/{id}/extra-work', '/api/v1/repair-orders/{id}/status']) {
      expect(doc.paths[path].post.security).toEqual([{ apiKey: [] }, { bearer: [] }]);
      expect(Object.keys(doc.paths[path].post.responses)).toEqual(expect.arrayContaining(['400', '401', '404', '409']));
    }
    expect(doc.paths['/api/v1/repair-orders'].get.parameters?.find((p) => p.name === 'date')?.description).toContain('within 5 years');
    // The document is for callers: the spec route itself is not in it.
    expect(doc.paths['/api/openapi.json']).toBeUndefined();
  });
});
