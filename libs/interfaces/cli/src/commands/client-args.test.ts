import { describe, expect, it } from 'vitest';
import { entityArg, entityPath, timeFlag } from './client-args.js';
import { CliUsageError, type CliArgs } from './command-io.js';

const args = (flags: Record<string, string | true> = {}): CliArgs => ({ positionals: [], flags: new Map(Object.entries(flags)) });
const USAGE = 'tapio why KIND NAMESPACE/NAME';

describe('entity arguments', () => {
  it('reads KIND NAMESPACE/NAME with kubectl spellings', () => {
    expect(entityArg(args(), ['pod', 'shop/checkout-5rkwm'], USAGE)).toEqual({ kind: 'Pod', namespace: 'shop', name: 'checkout-5rkwm' });
    expect(entityArg(args(), ['deploy', 'shop/checkout'], USAGE)).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'checkout' });
    expect(entityArg(args(), ['SVC', 'shop/checkout'], USAGE).kind).toBe('Service');
    expect(entityArg(args(), ['configmaps', 'shop/checkout-config'], USAGE).kind).toBe('ConfigMap');
  });

  it('takes the namespace from --namespace, else "default", like kubectl', () => {
    expect(entityArg(args({ namespace: 'shop' }), ['pod', 'checkout'], USAGE)).toEqual({ kind: 'Pod', namespace: 'shop', name: 'checkout' });
    expect(entityArg(args(), ['pod', 'checkout'], USAGE)).toEqual({ kind: 'Pod', namespace: 'default', name: 'checkout' });
    expect(entityArg(args({ namespace: 'shop' }), ['pod/checkout'], USAGE)).toEqual({ kind: 'Pod', namespace: 'shop', name: 'checkout' });
  });

  it('has no namespace for cluster-scoped kinds', () => {
    expect(entityArg(args(), ['node', 'worker-1'], USAGE)).toEqual({ kind: 'Node', namespace: null, name: 'worker-1' });
    expect(entityArg(args(), ['pv', 'data-1'], USAGE)).toEqual({ kind: 'PersistentVolume', namespace: null, name: 'data-1' });
    expect(() => entityArg(args(), ['node', 'kube-system/worker-1'], USAGE)).toThrow(/cluster-scoped/);
  });

  it('explains what is wrong with bad arguments', () => {
    expect(() => entityArg(args(), ['pod'], USAGE)).toThrow(new CliUsageError(`usage: ${USAGE}`));
    expect(() => entityArg(args(), [], USAGE)).toThrow(CliUsageError);
    expect(() => entityArg(args(), ['gizmo', 'a/b'], USAGE)).toThrow(/unknown kind "gizmo"/);
    expect(() => entityArg(args(), ['pod', 'a/b/c'], USAGE)).toThrow(/NAMESPACE\/NAME/);
    expect(() => entityArg(args(), ['pod', 'a/b', 'c'], USAGE)).toThrow(/unexpected argument "c"/);
  });

  it('builds the API path', () => {
    expect(entityPath({ kind: 'Pod', namespace: 'shop', name: 'checkout' })).toBe('pod/shop/checkout');
    expect(entityPath({ kind: 'Node', namespace: null, name: 'worker-1' })).toBe('node/worker-1');
  });
});

describe('time flags', () => {
  const now = new Date('2026-03-02T12:00:00Z');
  it('accepts RFC 3339 times and durations back from now', () => {
    expect(timeFlag(args({ since: '2026-03-02T10:00:00Z' }), 'since', now)).toBe('2026-03-02T10:00:00.000Z');
    expect(timeFlag(args({ since: '2026-03-02T10:00:00+02:00' }), 'since', now)).toBe('2026-03-02T08:00:00.000Z');
    expect(timeFlag(args({ since: '30m' }), 'since', now)).toBe('2026-03-02T11:30:00.000Z');
    expect(timeFlag(args({ until: '1d' }), 'until', now)).toBe('2026-03-01T12:00:00.000Z');
    expect(timeFlag(args(), 'since', now)).toBeUndefined();
  });
  it('refuses anything else', () => {
    expect(() => timeFlag(args({ since: 'yesterday' }), 'since', now)).toThrow(/--since "yesterday"/);
    expect(() => timeFlag(args({ since: '2026-13-45T99:00:00Z' }), 'since', now)).toThrow(/not a valid time/);
    expect(() => timeFlag(args({ since: true }), 'since', now)).toThrow(/needs a value/);
  });
});
