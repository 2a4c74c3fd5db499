import { describe, expect, it } from 'vitest';
import { recordedChanges } from '../../test/support/recorded-changes.js';
import { contentHash, sanitizeObject } from './sanitize-object.js';
import { WATCHED_RESOURCES, type WatchedResource } from './watched-resources.js';

const resource = (id: string) => WATCHED_RESOURCES.find((candidate) => candidate.id === id) as WatchedResource;
const otherKind: WatchedResource = { id: 'StorageClass', kind: 'StorageClass', apiVersion: 'storage.k8s.io/v1', plural: 'storageclasses', namespaced: false };

describe('sanitizeObject on recorded cluster objects', () => {
  const changes = recordedChanges('configmap-cascade');

  it('leaves objects other than Secrets exactly as the API server sent them', () => {
    const nonSecrets = changes.filter((change) => change.object.kind !== 'Secret');
    expect(nonSecrets.length).toBeGreaterThan(100);
    for (const { object } of nonSecrets) {
      const watched = WATCHED_RESOURCES.find((candidate) => candidate.kind === object.kind && candidate.apiVersion === object.apiVersion) ?? otherKind;
      expect(sanitizeObject(object, watched)).toEqual(object);
    }
  });

  it('replaces every Secret value by the sha256 of its bytes, keeping keys and the rest of the object', () => {
    const secrets = changes.filter((change) => change.object.kind === 'Secret');
    expect(secrets.length).toBeGreaterThan(0);
    for (const { object } of secrets) {
      const data = object['data'] as Record<string, string>;
      const cleaned = sanitizeObject(object, resource('Secret'));
      const cleanedData = cleaned['data'] as Record<string, string>;
      expect(Object.keys(cleanedData)).toEqual(Object.keys(data));
      for (const [key, value] of Object.entries(data)) {
        expect(cleanedData[key]).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(cleanedData[key]).toBe(contentHash(Buffer.from(value, 'base64')));
        expect(cleanedData[key]).not.toBe(value);
      }
      expect(cleaned.metadata).toEqual(object.metadata);
      expect(cleaned['type']).toEqual(object['type']);
    }
  });

  it('gives equal values equal hashes and a rotated value a different one', () => {
    const v1 = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: Buffer.from('<redacted:v1>').toString('base64'), b: Buffer.from('<redacted:v1>').toString('base64') } };
    const v2 = { ...v1, data: { ...v1.data, a: Buffer.from('<redacted:v2>').toString('base64') } };
    const [first, second] = [sanitizeObject(v1, resource('Secret')), sanitizeObject(v2, resource('Secret'))].map((secret) => secret['data'] as Record<string, string>);
    expect(first?.['a']).toBe(first?.['b']);
    expect(second?.['a']).not.toBe(first?.['a']);
    expect(second?.['b']).toBe(first?.['b']);
  });

  it('hashes stringData and the last-applied annotation, which would otherwise carry the values in clear', () => {
    const secret = {
      metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"stringData":{"token":"t0p"}}', team: 'shop' } },
      stringData: { token: 't0p' },
      data: { token: Buffer.from('t0p').toString('base64') },
    };
    const cleaned = sanitizeObject(secret, resource('Secret'));
    expect(JSON.stringify(cleaned)).not.toContain('t0p');
    expect((cleaned['stringData'] as Record<string, string>)['token']).toBe((cleaned['data'] as Record<string, string>)['token']);
    expect(cleaned.metadata?.annotations?.['team']).toBe('shop');
  });

  it('drops managedFields and fills kind/apiVersion that list items leave out', () => {
    const item = { metadata: { name: 'web', namespace: 'shop', managedFields: [{ manager: 'kubectl' }] }, spec: { replicas: 2 } };
    expect(sanitizeObject(item, resource('Deployment'))).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 2 } });
    expect(sanitizeObject({ metadata: { name: 'e' } }, resource('Event.events.k8s.io'))).toMatchObject({ apiVersion: 'events.k8s.io/v1', kind: 'Event' });
    expect(item.metadata.managedFields).toHaveLength(1);
  });
});
