import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryGraphStore } from '@tapio/embedded';
import { harness, WRITE_TOKEN, type Harness } from './support/api-harness.js';

describe('OpenAPI document', () => {
  let api: Harness;
  let document: Record<string, any>;

  beforeAll(async () => {
    const graph = new MemoryGraphStore();
    await graph.start();
    api = await harness(graph, { token: WRITE_TOKEN });
    const response = await api.app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    document = response.json();
  });
  afterAll(async () => {
    await api.app.close();
  });

  it('is a valid OpenAPI 3 document', async () => {
    expect(document['openapi']).toBe('3.0.3');
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('documents every endpoint with its responses per status code', () => {
    const expected: Array<[string, string, string[]]> = [
      ['/api/v1/why/{kind}/{namespace}/{name}', 'get', ['200', '400', '404']],
      ['/api/v1/why/{kind}/{name}', 'get', ['200', '400', '404']],
      ['/api/v1/events', 'get', ['200', '400']],
      ['/api/v1/events/{id}/context', 'get', ['200', '404']],
      ['/api/v1/insights', 'get', ['200', '400']],
      ['/api/v1/insights/{id}', 'get', ['200', '404']],
      ['/api/v1/impact/{kind}/{namespace}/{name}', 'get', ['200', '400', '404']],
      ['/api/v1/impact/{kind}/{name}', 'get', ['200', '400', '404']],
      ['/api/v1/patterns', 'get', ['200']],
      ['/api/v1/patterns/{name}', 'get', ['200', '404']],
      ['/api/v1/patterns/reload', 'post', ['200', '401', '403']],
      ['/api/v1/feedback', 'post', ['201', '400', '401', '403', '404', '413']],
      ['/healthz', 'get', ['200']],
      ['/readyz', 'get', ['200', '503']],
      ['/metrics', 'get', ['200']],
    ];
    for (const [path, method, statuses] of expected) {
      const operation = document['paths'][path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      for (const status of statuses) expect(operation.responses[status], `${method} ${path} ${status}`).toBeDefined();
    }
    expect(document['paths']['/api/v1/feedback'].post.security).toEqual([{ bearer: [] }]);
    expect(document['paths']['/api/v1/feedback'].post.requestBody.content['application/json'].schema.required).toEqual(['prediction_id', 'accurate']);
    expect(document['components'].securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
  });

  it('serves the docs UI at /docs', async () => {
    const page = await api.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('swagger');
  });

  it('follows the conventions schemathesis checks: operationIds, kind enum, 414 and 405, /metrics as text', async () => {
    const operations = Object.values(document['paths'] as Record<string, Record<string, { operationId?: string; parameters?: Array<{ name: string; in: string; schema: { enum?: string[] } }>; responses: Record<string, { content?: Record<string, unknown> }> }>>).flatMap((path) => Object.values(path));
    const ids = operations.map((operation) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z]+[A-Za-z0-9]*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(document['paths']['/api/v1/why/{kind}/{namespace}/{name}'].get.operationId).toBe('getApiV1WhyKindNamespaceName');
    const kind = document['paths']['/api/v1/why/{kind}/{namespace}/{name}'].get.parameters.find((parameter: { name: string }) => parameter.name === 'kind');
    // A pattern of every spelling in any letter case: exactly what the API accepts.
    const pattern = new RegExp((kind.schema as unknown as { pattern: string }).pattern);
    for (const accepted of ['Pod', 'pod', 'POD', 'po', 'Deployment', 'DEPLOY', 'svc', 'Svc']) expect(pattern.test(accepted), accepted).toBe(true);
    for (const refused of ['Podd', 'node', 'Node', 'pod ', 'xpod']) expect(pattern.test(refused), refused).toBe(false);
    expect(Object.keys(document['paths']['/api/v1/why/{kind}/{namespace}/{name}'].get.responses)).toContain('414');
    expect(Object.keys(document['paths']['/metrics'].get.responses['200'].content).sort()).toEqual(['application/openmetrics-text; version=1.0.0', 'text/plain; version=0.0.4']);

    const tooLong = await api.app.inject({ method: 'GET', url: `/api/v1/why/pod/shop/${'a'.repeat(2100)}` });
    expect(tooLong.statusCode).toBe(414);
    expect(Object.keys(tooLong.json()).sort()).toEqual(['error', 'message', 'statusCode']);
    const longName = await api.app.inject({ method: 'GET', url: `/api/v1/why/pod/shop/${'a'.repeat(300)}` });
    expect(longName.statusCode).toBe(400);
    const wrongMethod = await api.app.inject({ method: 'DELETE', url: '/api/v1/why/pod/shop/x' });
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers['allow']).toBe('GET, HEAD');
    expect((await api.app.inject({ method: 'PUT', url: '/api/v1/patterns/reload' })).headers['allow']).toContain('POST');
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/nothing-here' })).statusCode).toBe(404);
  });
});
