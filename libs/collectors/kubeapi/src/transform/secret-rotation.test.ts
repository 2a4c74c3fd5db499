import { describe, expect, it } from 'vitest';
import { context, watch } from './kubeapi-transformer.test-support.js';
import { KubeApiTransformer } from './kubeapi-transformer.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('KubeApiTransformer sees a Secret rotated', () => {
  it("in a recording of the shared format: the placeholder's version moved, named by key, and the placeholder goes nowhere", () => {
    const transformer = new KubeApiTransformer();
    // external-secrets rewrites its data-hash annotation with the data, as the operator does.
    const secret = (resourceVersion: string, version: string, hash: string) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'billing', uid: 'sec-1', resourceVersion, annotations: { 'reconcile.external-secrets.io/data-hash': hash } },
      data: { DB_USER: b64('<redacted:v1>'), DB_PASSWORD: b64(`<redacted:${version}>`) },
      type: 'Opaque',
    });
    const first = transformer.transform(watch('ADDED', secret('1', 'v1', 'aa')), context(1));
    const rotated = transformer.transform(watch('MODIFIED', secret('2', 'v2', 'bb')), context(2));
    expect(rotated.map((event) => [event.type, event.message])).toEqual([['secret_changed', 'Secret billing/db changed: data key DB_PASSWORD edited']]);
    // A placeholder is compared, never handed on: no content hash over it, no copy of it.
    expect(rotated[0]?.kubernetes?.object?.contentHash).toBeUndefined();
    const text = JSON.stringify([...first, ...rotated]);
    expect(text).not.toContain('redacted:v');
    expect(text).not.toContain(b64('<redacted:v2>'));
    // The same placeholders again (a relist, a write of the annotation alone): nothing changed.
    expect(transformer.transform(watch('MODIFIED', secret('3', 'v2', 'bb')), context(3))).toEqual([]);
  });

  it('read as metadata only: a content marker that moved with the resourceVersion is a rotation; another annotation is not', () => {
    const transformer = new KubeApiTransformer();
    const secret = (resourceVersion: string, annotations: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api-key', namespace: 'shop', uid: 'sec-2', resourceVersion, annotations } });
    transformer.transform(watch('ADDED', secret('1', { 'reconcile.external-secrets.io/data-hash': 'aa', team: 'pay' })), context(1));
    const rotated = transformer.transform(watch('MODIFIED', secret('2', { 'reconcile.external-secrets.io/data-hash': 'bb', team: 'pay' })), context(2));
    expect(rotated.map((event) => event.type)).toEqual(['secret_changed']);
    expect(rotated[0]?.message).toBe('Secret shop/api-key changed: data edited (values are not read; its resourceVersion moved while its metadata stayed)');
    const annotated = transformer.transform(watch('MODIFIED', secret('3', { 'reconcile.external-secrets.io/data-hash': 'bb', team: 'payments' })), context(3));
    expect(annotated.map((event) => event.type)).toEqual([]);
  });
});
