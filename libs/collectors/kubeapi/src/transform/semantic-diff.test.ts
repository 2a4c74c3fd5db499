import { describe, expect, it } from 'vitest';
import { cronJobDigest, describeChanges, diffMaps, templateDigest } from './semantic-diff.js';
import { atSecond, transformAll, watch } from './kubeapi-transformer.test-support.js';

const template = (spec: Record<string, unknown>) => ({ metadata: { labels: { app: 'ledger-api' } }, spec });
const app = { name: 'ledger-api', image: 'busybox:3', ports: [{ containerPort: 8080 }] };

describe('templateDigest', () => {
  it('sees an init container added by a release', () => {
    const before = templateDigest(template({ containers: [app] }));
    const after = templateDigest(template({ containers: [app], initContainers: [{ name: 'check-schema', image: 'busybox:3', command: ['/bin/sh', '-c', 'exit 1'] }] }));
    expect(diffMaps(before, after, 'spec').map((change) => `${change.path} ${change.op}`)).toEqual([
      'spec.initContainers[check-schema].command added',
      'spec.initContainers[check-schema].image added',
    ]);
  });

  it('sees every other container and pod spec field, by name', () => {
    const before = templateDigest(template({ containers: [app], serviceAccountName: 'ledger' }));
    const after = templateDigest(template({ containers: [{ ...app, ports: [{ containerPort: 9090 }] }], serviceAccountName: 'ledger-v2' }));
    expect(diffMaps(before, after, 'spec')).toEqual([
      { path: 'spec.containers[ledger-api].ports', op: 'changed', before: '[{"containerPort":8080}]', after: '[{"containerPort":9090}]' },
      { path: 'spec.template.spec.serviceAccountName', op: 'changed', before: '"ledger"', after: '"ledger-v2"' },
    ]);
  });

  it('compares a long value by its hash', () => {
    const affinity = (zone: string) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [zone, ...Array.from({ length: 20 }, (_, index) => `zone-${index}`)] }] }] } } });
    const before = templateDigest(template({ containers: [app], affinity: affinity('a') }));
    const after = templateDigest(template({ containers: [app], affinity: affinity('b') }));
    expect((before['template.spec.affinity'] ?? '').length).toBeLessThan(100);
    expect(before['template.spec.affinity']).not.toBe(after['template.spec.affinity']);
  });

  it('gives the same digest for the same template', () => {
    expect(templateDigest(template({ containers: [app], dnsPolicy: 'ClusterFirst' }))).toEqual(templateDigest(template({ dnsPolicy: 'ClusterFirst', containers: [app] })));
  });
});

describe('cronJobDigest', () => {
  const cron = (args: string[], backoffLimit: number, schedule = '* * * * *') => ({
    schedule,
    jobTemplate: { spec: { backoffLimit, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'export', image: 'busybox:3', args }] } } } },
  });

  it("reads the job template's pod template and the Jobs' retry bound", () => {
    const changes = diffMaps(cronJobDigest(cron(['--format=csv'], 1)), cronJobDigest(cron(['--format=parquet'], 3)), 'spec');
    expect(changes.map((change) => `${change.path} ${change.before} -> ${change.after}`)).toEqual([
      'spec.containers[export].args ["--format=csv"] -> ["--format=parquet"]',
      'spec.jobTemplate.backoffLimit 1 -> 3',
    ]);
  });

  it('leaves the schedule out: when a job runs is not why it fails', () => {
    expect(diffMaps(cronJobDigest(cron(['--format=csv'], 1)), cronJobDigest(cron(['--format=csv'], 1, '*/5 * * * *')), 'spec')).toEqual([]);
  });
});

describe('describeChanges', () => {
  it('says what was added, as it says what a change became, and hides what diffMaps hid', () => {
    const before = templateDigest(template({ containers: [app] }));
    const after = templateDigest(template({ containers: [app], nodeSelector: { disktype: 'sdd' } }));
    expect(describeChanges(diffMaps(before, after, 'spec'))).toBe('spec.nodeSelector added: {"disktype":"sdd"}');
    expect(describeChanges(diffMaps({}, { 'env.API_TOKEN': 'abc' }))).toBe('env.API_TOKEN added');
    expect(describeChanges(diffMaps({ replicas: '2' }, {}))).toBe('replicas removed');
  });
});

describe('describeChanges of a container added or removed whole', () => {
  it('says a sidecar added once, with its image, and lists every other change as before', () => {
    const sidecar = { name: 'log-shipper', image: 'busybox:1.36', command: ['/bin/sh', '-c', 'exec sleep 3600'], env: [{ name: 'SHIP_TO', value: 'logs:514' }] };
    const before = templateDigest(template({ containers: [app] }));
    const after = templateDigest(template({ containers: [{ ...app, image: 'busybox:4' }, sidecar] }));
    expect(describeChanges(diffMaps(before, after, 'spec'))).toBe('spec.containers[ledger-api].image busybox:3 -> busybox:4, spec.containers[log-shipper] added (image busybox:1.36)');
    expect(describeChanges(diffMaps(after, before, 'spec'))).toBe('spec.containers[ledger-api].image busybox:4 -> busybox:3, spec.containers[log-shipper] removed');
  });

  it('does not call a container added when only some of its fields are', () => {
    const before = templateDigest(template({ containers: [app] }));
    const after = templateDigest(template({ containers: [{ ...app, command: ['serve'] }] }));
    expect(describeChanges(diffMaps(before, after, 'spec'))).toBe('spec.containers[ledger-api].command added: ["serve"]');
  });
});

describe('a Service repointed', () => {
  it('says an ExternalName Service now points at another name (its callers call that one now)', () => {
    const alias = (version: number, externalName: string) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'payments', namespace: 'shop', uid: 'svc-payments', resourceVersion: String(version) },
      spec: { type: 'ExternalName', externalName, ports: [{ port: 80 }] },
    });
    const events = transformAll([watch('ADDED', alias(1, 'inventory.shop.svc.cluster.local'), atSecond(0)), watch('MODIFIED', alias(2, 'inventory-v2.shop.svc.cluster.local'), atSecond(30))]);
    const changed = events.filter((event) => event.type === 'service_changed');
    expect(changed.map((event) => event.message)).toEqual(['Service shop/payments changed: spec.externalName inventory.shop.svc.cluster.local -> inventory-v2.shop.svc.cluster.local']);
  });
});
