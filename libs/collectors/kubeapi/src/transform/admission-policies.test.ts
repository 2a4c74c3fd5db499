import { describe, expect, it } from 'vitest';
import { AdmissionPolicies } from './admission-policies.js';

const ns = (name: string, enforce?: string) => ({ kind: 'Namespace', name, ...(enforce ? { labels: { 'pod-security.kubernetes.io/enforce': enforce } } : {}) });
const priorityClass = (name: string) => ({ kind: 'PriorityClass', name });
const account = (namespace: string, name: string) => ({ kind: 'ServiceAccount', name, namespace });

describe('AdmissionPolicies', () => {
  it('a level found already set is no change; a level that moves while watched is, at its time', () => {
    const policies = new AdmissionPolicies();
    policies.observe('c', ns('shop', 'baseline'), false, 1_000);
    expect(policies.changedBetween('c', 'shop', 0, 10_000)).toBe(false);
    policies.observe('c', ns('shop', 'baseline'), false, 2_000);
    expect(policies.changedBetween('c', 'shop', 0, 10_000)).toBe(false);
    policies.observe('c', ns('shop', 'restricted'), false, 3_000);
    expect(policies.changedBetween('c', 'shop', 2_500, 10_000)).toBe(true);
    expect(policies.changedBetween('c', 'shop', 3_500, 10_000)).toBe(false);
    expect(policies.changedBetween('other', 'shop', 0, 10_000)).toBe(false);
    expect(policies.changedBetween('c', undefined, 0, 10_000)).toBe(false);
    // Dropping the label is a change too (pods refused before may now be admitted).
    policies.observe('c', ns('shop'), false, 4_000);
    expect(policies.changedBetween('c', 'shop', 3_500, 10_000)).toBe(true);
    policies.observe('c', ns('shop'), true);
    expect(policies.changedBetween('c', 'shop', 0, 10_000)).toBe(false);
  });

  it('knows a PriorityClass deleted while watched until it is created again; other kinds are not its business', () => {
    const policies = new AdmissionPolicies();
    policies.observe('c', priorityClass('batch-high'), false, 1_000);
    expect(policies.deletedBetween('c', 'PriorityClass', 'batch-high', undefined, 0, 10_000)).toBe(false);
    policies.observe('c', priorityClass('batch-high'), true, 2_000);
    expect(policies.deletedBetween('c', 'PriorityClass', 'batch-high', undefined, 1_500, 10_000)).toBe(true);
    expect(policies.deletedBetween('c', 'PriorityClass', 'batch-high', undefined, 2_500, 10_000)).toBe(false);
    expect(policies.deletedBetween('c', 'PriorityClass', 'other', undefined, 0, 10_000)).toBe(false);
    policies.observe('c', priorityClass('batch-high'), false, 3_000);
    expect(policies.deletedBetween('c', 'PriorityClass', 'batch-high', undefined, 0, 10_000)).toBe(false);
    policies.observe('c', { kind: 'ConfigMap', name: 'batch-high', namespace: 'shop' }, true, 4_000);
    expect(policies.deletedBetween('c', 'PriorityClass', 'batch-high', undefined, 0, 10_000)).toBe(false);
  });

  it('knows a ServiceAccount deleted while watched by its namespace, until it is created again', () => {
    const policies = new AdmissionPolicies();
    policies.observe('c', account('shop', 'cart'), false, 1_000);
    expect(policies.deletedBetween('c', 'ServiceAccount', 'cart', 'shop', 0, 10_000)).toBe(false);
    policies.observe('c', account('shop', 'cart'), true, 2_000);
    expect(policies.deletedBetween('c', 'ServiceAccount', 'cart', 'shop', 1_500, 10_000)).toBe(true);
    expect(policies.deletedBetween('c', 'ServiceAccount', 'cart', 'billing', 0, 10_000)).toBe(false);
    // A PriorityClass of the same name is another object.
    expect(policies.deletedBetween('c', 'PriorityClass', 'cart', undefined, 0, 10_000)).toBe(false);
    policies.observe('c', account('shop', 'cart'), false, 3_000);
    expect(policies.deletedBetween('c', 'ServiceAccount', 'cart', 'shop', 0, 10_000)).toBe(false);
  });

  it('keeps its changes for a durable store once restored, and reads them back', () => {
    const policies = new AdmissionPolicies();
    policies.restore('', undefined);
    policies.observe('c', ns('shop'), false, 1_000);
    policies.observe('c', ns('shop', 'restricted'), false, 2_000);
    policies.observe('c', priorityClass('batch-high'), true, 2_500);
    policies.observe('c', account('shop', 'cart'), true, 2_600);
    const changes = policies.changes();
    expect(changes).toEqual([
      ['c|Namespace|shop', { enforce: 'restricted', changedAt: 2_000 }],
      ['c|PriorityClass|batch-high', { deletedAt: 2_500 }],
      ['c|ServiceAccount|shop/cart', { deletedAt: 2_600 }],
    ]);
    expect(policies.changes()).toEqual([]);

    const restarted = new AdmissionPolicies();
    for (const [key, state] of changes) restarted.restore(key, state);
    restarted.restore('c|Namespace|bogus', 'restricted');
    expect(restarted.changedBetween('c', 'shop', 1_500, 3_000)).toBe(true);
    expect(restarted.deletedBetween('c', 'PriorityClass', 'batch-high', undefined, 2_000, 3_000)).toBe(true);
    expect(restarted.deletedBetween('c', 'ServiceAccount', 'cart', 'shop', 2_000, 3_000)).toBe(true);
    restarted.observe('c', ns('shop', 'restricted'), true);
    expect(restarted.changes()).toEqual([['c|Namespace|shop', undefined]]);
  });
});

describe('AdmissionPolicies: webhook configurations', () => {
  const hook = (name: string, createdAt: string) => ({ kind: 'ValidatingWebhookConfiguration', name, creationTimestamp: createdAt });
  const webhooks = (failurePolicy: string) => ({ webhooks: [{ name: 'gate.policy.example.com', failurePolicy }] });
  const created = Date.parse('2026-12-07T10:00:00Z');

  it('a configuration changed at its creation (however late first seen), and when its webhooks change while watched', () => {
    const policies = new AdmissionPolicies();
    policies.observe('c', hook('policy-gate', '2026-12-07T10:00:00Z'), false, undefined, webhooks('Fail'));
    expect(policies.webhookNamed('c', 'gate.policy.example.com')).toEqual({ kind: 'ValidatingWebhookConfiguration', name: 'policy-gate', changedAt: created });
    expect(policies.webhookNamed('other', 'gate.policy.example.com')).toBeUndefined();
    expect(policies.webhookNamed('c', 'audit.example.com')).toBeUndefined();
    // The same webhooks again (a status-free resync, a label added) are no change.
    policies.observe('c', hook('policy-gate', '2026-12-07T10:00:00Z'), false, created + 60_000, webhooks('Fail'));
    expect(policies.webhookNamed('c', 'gate.policy.example.com')?.changedAt).toBe(created);
    policies.observe('c', hook('policy-gate', '2026-12-07T10:00:00Z'), false, created + 120_000, webhooks('Ignore'));
    expect(policies.webhookNamed('c', 'gate.policy.example.com')?.changedAt).toBe(created + 120_000);
    policies.observe('c', hook('policy-gate', '2026-12-07T10:00:00Z'), true, created + 180_000);
    expect(policies.webhookNamed('c', 'gate.policy.example.com')).toBeUndefined();
  });

  it('a version read from the graph (no object) teaches nothing; the durable store keeps names and digest', () => {
    const policies = new AdmissionPolicies();
    policies.observe('c', hook('policy-gate', '2026-12-07T10:00:00Z'), false);
    expect(policies.webhookNamed('c', 'gate.policy.example.com')).toBeUndefined();
    policies.restore('', undefined);
    policies.observe('c', hook('policy-gate', '2026-12-07T10:00:00Z'), false, undefined, webhooks('Fail'));
    const restarted = new AdmissionPolicies();
    for (const [key, state] of policies.changes()) restarted.restore(key, state);
    expect(restarted.webhookNamed('c', 'gate.policy.example.com')).toEqual({ kind: 'ValidatingWebhookConfiguration', name: 'policy-gate', changedAt: created });
    // The same webhooks seen again after the restart are no change.
    restarted.observe('c', hook('policy-gate', '2026-12-07T10:00:00Z'), false, created + 3_600_000, webhooks('Fail'));
    expect(restarted.webhookNamed('c', 'gate.policy.example.com')?.changedAt).toBe(created);
  });
});

describe('AdmissionPolicies: ResourceQuotas', () => {
  const quota = (createdAt: string) => ({ kind: 'ResourceQuota', name: 'team-share', namespace: 'ledger', creationTimestamp: createdAt });
  const hard = (cpu: string) => ({ spec: { hard: { 'limits.cpu': cpu } } });
  const created = Date.parse('2026-12-07T10:00:00Z');

  it('a quota changed at its creation, and when its hard limits change; a restart keeps the digest, so the same limits are no change', () => {
    const policies = new AdmissionPolicies();
    policies.restore('', undefined);
    policies.observe('c', quota('2026-12-07T10:00:00Z'), false, undefined, hard('4'));
    expect(policies.createdOrChangedBetween('c', 'ResourceQuota', 'team-share', 'ledger', created, created)).toBe(true);
    expect(policies.createdOrChangedBetween('c', 'ResourceQuota', 'team-share', 'other', created, created)).toBe(false);
    const restarted = new AdmissionPolicies();
    for (const [key, state] of policies.changes()) restarted.restore(key, state);
    restarted.observe('c', quota('2026-12-07T10:00:00Z'), false, created + 3_600_000, hard('4'));
    expect(restarted.createdOrChangedBetween('c', 'ResourceQuota', 'team-share', 'ledger', created + 1, Infinity)).toBe(false);
    restarted.observe('c', quota('2026-12-07T10:00:00Z'), false, created + 7_200_000, hard('8'));
    expect(restarted.createdOrChangedBetween('c', 'ResourceQuota', 'team-share', 'ledger', created + 7_200_000, Infinity)).toBe(true);
    restarted.observe('c', quota('2026-12-07T10:00:00Z'), true, created + 7_300_000);
    expect(restarted.createdOrChangedBetween('c', 'ResourceQuota', 'team-share', 'ledger', 0, Infinity)).toBe(false);
  });
});
