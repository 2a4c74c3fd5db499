import { describe, expect, it } from 'vitest';
import { recordedChanges } from '../../test/support/recorded-changes.js';
import { createHash, createHmac } from 'node:crypto';
import { hmacFingerprint } from '../collector/secret-fingerprint.js';
import { sanitizeObject, type SecretReading } from './sanitize-object.js';
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

  it('keeps only the metadata of a Secret by default, whatever the server sent', () => {
    const secrets = changes.filter((change) => change.object.kind === 'Secret');
    expect(secrets.length).toBeGreaterThan(0);
    for (const { object } of secrets) {
      const cleaned = sanitizeObject(object, resource('Secret'));
      expect(cleaned).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: object.metadata });
    }
    // What a metadata-only watch returns names itself PartialObjectMetadata: the kind is restored.
    const partial = { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: { name: 's', namespace: 'shop', resourceVersion: '7' } };
    expect(sanitizeObject(partial, resource('Secret'))).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: partial.metadata });
  });

  const fingerprinted: SecretReading = { metadataOnly: false, fingerprint: hmacFingerprint(Buffer.alloc(32, 7)) };
  const other: SecretReading = { metadataOnly: false, fingerprint: hmacFingerprint(Buffer.alloc(32, 8)) };

  it('with fingerprints opted in, replaces each value by its HMAC under the installation key, never a plain hash', () => {
    const value = 'hunter2';
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: Buffer.from(value).toString('base64'), b: Buffer.from(value).toString('base64') }, stringData: { c: value } };
    const cleaned = sanitizeObject(secret, resource('Secret'), fingerprinted);
    const data = cleaned['data'] as Record<string, string>;
    expect(data['a']).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(data['a']).toBe(data['b']);
    expect((cleaned['stringData'] as Record<string, string>)['c']).toBe(data['a']);
    expect(data['a']).toBe(`hmac-sha256:${createHmac('sha256', Buffer.alloc(32, 7)).update(value).digest('hex')}`);
    expect(JSON.stringify(cleaned)).not.toContain(createHash('sha256').update(value).digest('hex'));
    expect(JSON.stringify(cleaned)).not.toContain(Buffer.from(value).toString('base64'));
    // Another installation's key gives other fingerprints.
    expect((sanitizeObject(secret, resource('Secret'), other)['data'] as Record<string, string>)['a']).not.toBe(data['a']);
  });

  it('gives a rotated value a different fingerprint and an unchanged one the same', () => {
    const v1 = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: Buffer.from('<redacted:v1>').toString('base64'), b: Buffer.from('<redacted:v1>').toString('base64') } };
    const v2 = { ...v1, data: { ...v1.data, a: Buffer.from('<redacted:v2>').toString('base64') } };
    const [first, second] = [sanitizeObject(v1, resource('Secret'), fingerprinted), sanitizeObject(v2, resource('Secret'), fingerprinted)].map((secret) => secret['data'] as Record<string, string>);
    expect(second?.['a']).not.toBe(first?.['a']);
    expect(second?.['b']).toBe(first?.['b']);
  });

  it('redacts the last-applied annotation, which would otherwise carry the values in clear, keeping its keys', () => {
    const secret = {
      metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Secret","stringData":{"token":"t0p"}}', team: 'shop' } },
      stringData: { token: 't0p' },
      data: { token: Buffer.from('t0p').toString('base64') },
    };
    for (const reading of [undefined, fingerprinted]) {
      const cleaned = sanitizeObject(secret, resource('Secret'), reading);
      expect(JSON.stringify(cleaned)).not.toContain('t0p');
      expect(JSON.stringify(cleaned)).not.toContain(Buffer.from('t0p').toString('base64'));
      const applied = JSON.parse(cleaned.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] as string) as { stringData: Record<string, string> };
      expect(Object.keys(applied.stringData)).toEqual(['token']);
      expect(cleaned.metadata?.annotations?.['team']).toBe('shop');
    }
  });

  it('drops managedFields and fills kind/apiVersion that list items leave out', () => {
    const item = { metadata: { name: 'web', namespace: 'shop', managedFields: [{ manager: 'kubectl' }] }, spec: { replicas: 2 } };
    expect(sanitizeObject(item, resource('Deployment'))).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 2 } });
    expect(sanitizeObject({ metadata: { name: 'e' } }, resource('Event.events.k8s.io'))).toMatchObject({ apiVersion: 'events.k8s.io/v1', kind: 'Event' });
    expect(item.metadata.managedFields).toHaveLength(1);
  });
});
