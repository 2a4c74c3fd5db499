import { describe, expect, it } from 'vitest';
import { webhookRefusal, webhookSummary } from './webhook-calls.js';

// As kube-apiserver 1.34 and the ReplicaSet controller word them in a FailedCreate Event.
const notFound =
  'Error creating: Internal error occurred: failed calling webhook "gate.policy.example.com": failed to call webhook: Post "https://policy-gate.policy.svc:443/validate?timeout=5s": service "policy-gate" not found';
const noEndpoints =
  'Error creating: Internal error occurred: failed calling webhook "gate.policy.example.com": failed to call webhook: Post "https://policy-gate.policy.svc:443/validate?timeout=5s": no endpoints available for service "policy-gate"';
const byUrl = 'Error creating: Internal error occurred: failed calling webhook "audit.example.com": failed to call webhook: Post "https://audit.example.com/check?timeout=10s": dial tcp: i/o timeout';
const denied = 'Error creating: admission webhook "gate.policy.example.com" denied the request: image tag latest is not allowed';

describe('webhookRefusal', () => {
  it('reads a failed call: the webhook, and the Service it went to by the URL host', () => {
    expect(webhookRefusal(notFound)).toEqual({ webhook: 'gate.policy.example.com', callFailed: true, service: { name: 'policy-gate', namespace: 'policy' } });
    expect(webhookRefusal(noEndpoints)).toEqual({ webhook: 'gate.policy.example.com', callFailed: true, service: { name: 'policy-gate', namespace: 'policy' } });
  });

  it('a webhook called by URL names no Service', () => {
    expect(webhookRefusal(byUrl)).toEqual({ webhook: 'audit.example.com', callFailed: true });
  });

  it('a webhook that answered no is a refusal whose call did not fail', () => {
    expect(webhookRefusal(denied)).toEqual({ webhook: 'gate.policy.example.com', callFailed: false });
  });

  it('any other refusal is not a webhook\'s', () => {
    expect(webhookRefusal('Error creating: pods "x" is forbidden: exceeded quota: compute')).toBeUndefined();
  });
});

describe('webhookSummary', () => {
  const configuration = (failurePolicy: string) => ({
    webhooks: [
      { name: 'gate.policy.example.com', failurePolicy, clientConfig: { service: { name: 'policy-gate', namespace: 'policy' } } },
      { name: 'audit.policy.example.com', failurePolicy: 'Ignore' },
    ],
  });

  it('names every webhook, and its digest moves with what any of them says', () => {
    const fail = webhookSummary(configuration('Fail'));
    expect(fail.webhooks).toEqual(['gate.policy.example.com', 'audit.policy.example.com']);
    expect(webhookSummary(configuration('Fail')).digest).toBe(fail.digest);
    expect(webhookSummary(configuration('Ignore')).digest).not.toBe(fail.digest);
  });

  it('a configuration without webhooks names none', () => {
    expect(webhookSummary({}).webhooks).toEqual([]);
  });
});
