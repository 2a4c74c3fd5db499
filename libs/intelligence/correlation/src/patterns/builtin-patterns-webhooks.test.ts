import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import type { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { rootIs, shop } from '../../test/support/builtin-pattern-arrange.js';
import { analyze, builtinEngine, loud, summary } from '../../test/support/engine.js';

const CALL = 'Internal error occurred: failed calling webhook "gate.policy.example.com": failed to call webhook: Post "https://policy-gate.policy.svc:443/validate?timeout=5s"';

/** The ReplicaSet controller's FailedCreate for a webhook it cannot call, repeated with back-off, as the transformer tells it. */
function keepsRefusing(cluster: ClusterFixture, replicaSet: EntityRef, why: string, cause: Record<string, string>) {
  for (const wait of [1, 2, 4, 8, 16, 32, 64, 30]) {
    cluster.signal('replica_create_failed', replicaSet, { message: `FailedCreate: Error creating: ${CALL}: ${why}`, annotations: { ...cause, 'webhook.service': 'policy/policy-gate' } });
    cluster.advance(wait);
  }
}

/** Every incident, folded ones included. */
function everyIncident(cluster: ClusterFixture) {
  const engine = builtinEngine();
  for (const event of cluster.events) engine.process(event);
  engine.releaseDue(Number.POSITIVE_INFINITY);
  return engine.insights();
}

/** A policy engine (Deployment and Service policy/policy-gate) and the webhook configuration that calls it, beside the shop. */
function policyEngine() {
  const { cluster, checkout } = shop();
  const engine = cluster.workload('policy', 'policy-gate', { replicas: 1, nodes: ['node-1'] });
  const service = cluster.service(engine);
  cluster.object('resource_created', { kind: 'ValidatingWebhookConfiguration', name: 'policy-gate', uid: 'vwc-1', creationTimestamp: cluster.now }, 'ValidatingWebhookConfiguration policy-gate exists');
  const configuration = cluster.ref('ValidatingWebhookConfiguration', 'policy-gate', null);
  cluster.advance(60);
  return { cluster, checkout, engine, service, configuration };
}

describe('pods an admission webhook refuses', () => {
  /** The engine's Deployment scaled to zero (its Service empties), then a routine restart of the checkout. */
  function backendScaledToZeroThenRestart() {
    const arranged = policyEngine();
    const { cluster, checkout, engine, service } = arranged;
    cluster.scale(engine, 0);
    cluster.advance(2);
    cluster.signal('service_unavailable', service, { message: 'Service policy/policy-gate has no ready endpoints (was 1)' });
    cluster.advance(20);
    cluster.rollout(checkout, 'spec.template.annotations.kubectl.kubernetes.io/restartedAt added', 0);
    return arranged;
  }

  // What the transformer names: the Service the failed call went to, or the configuration when it was created within 30 minutes.
  it.each([
    ['the Service the call went to', { 'cause.kind': 'Service', 'cause.name': 'policy-gate', 'cause.namespace': 'policy' }],
    ['the configuration, created a minute before', { 'cause.kind': 'ValidatingWebhookConfiguration', 'cause.name': 'policy-gate' }],
  ])("the webhook's backend scaled to zero, then a routine restart it refuses (named: %s): the scaled Deployment, one incident", (_named, cause) => {
    const { cluster, checkout, engine } = backendScaledToZeroThenRestart();
    keepsRefusing(cluster, checkout.replicaSet as EntityRef, 'no endpoints available for service "policy-gate"', cause);
    const insights = analyze(cluster.events);
    expect(rootIs(insights[0], engine.ref), summary(insights)).toBe(true);
    expect(loud(insights).filter((insight) => !rootIs(insight, engine.ref)), summary(insights)).toEqual([]);
    // The refusal's own incident blames the scaled Deployment too (not only the Service's incident it folds into).
    const refused = everyIncident(cluster).find((insight) => insight.pattern === 'admission-refused');
    expect(refused && rootIs(refused, engine.ref), summary(everyIncident(cluster))).toBe(true);
  });

  it('a webhook configured before its backend exists, then a routine restart it refuses: the configuration, one incident', () => {
    const { cluster, checkout } = shop();
    cluster.object('resource_created', { kind: 'ValidatingWebhookConfiguration', name: 'policy-gate', uid: 'vwc-1', creationTimestamp: cluster.now }, 'ValidatingWebhookConfiguration policy-gate exists', 'ADDED');
    const configuration = cluster.ref('ValidatingWebhookConfiguration', 'policy-gate', null);
    cluster.advance(20);
    cluster.rollout(checkout, 'spec.template.annotations.kubectl.kubernetes.io/restartedAt added', 0);
    keepsRefusing(cluster, checkout.replicaSet as EntityRef, 'service "policy-gate" not found', { 'cause.kind': 'ValidatingWebhookConfiguration', 'cause.name': 'policy-gate' });
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('admission-refused');
    expect(rootIs(insights[0], configuration), summary(insights)).toBe(true);
    expect(loud(insights).filter((insight) => !rootIs(insight, configuration)), summary(insights)).toEqual([]);
  });

  it('near miss: a backend that came back before the refusal (restored) is not why; the Service the call went to is named', () => {
    const { cluster, checkout, engine, service } = policyEngine();
    cluster.scale(engine, 0);
    cluster.advance(2);
    cluster.signal('service_unavailable', service, { message: 'Service policy/policy-gate has no ready endpoints (was 1)' });
    cluster.advance(10);
    cluster.scale(engine, 1);
    cluster.advance(5);
    cluster.signal('service_restored', service, { message: 'Service policy/policy-gate has ready endpoints again (1)' });
    cluster.advance(20);
    cluster.rollout(checkout, 'spec.template.annotations.kubectl.kubernetes.io/restartedAt added', 0);
    keepsRefusing(cluster, checkout.replicaSet as EntityRef, 'context deadline exceeded', { 'cause.kind': 'Service', 'cause.name': 'policy-gate', 'cause.namespace': 'policy' });
    const insights = analyze(cluster.events);
    expect(rootIs(insights[0], service), summary(insights)).toBe(true);
  });
});
