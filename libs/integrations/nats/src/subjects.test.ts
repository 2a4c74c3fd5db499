import { partitionOf } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { partFilter, rawKindVerb, subjectFor, subjectToken, topicFilter } from './subjects.js';

const AT = '2026-03-02T10:00:00Z';

describe('subjects', () => {
  it('names kubeapi watch events raw.kubeapi.<kind>.<verb>', () => {
    for (const [watch, verb] of [['ADDED', 'create'], ['MODIFIED', 'update'], ['DELETED', 'delete']] as const) {
      const raw = { timestamp: AT, source: 'kubeapi', type: watch, metadata: {}, data: { type: watch, object: { kind: 'ConfigMap', metadata: { namespace: 'prod', name: 'app' } } } };
      expect(rawKindVerb(raw)).toEqual(['configmap', verb]);
      expect(subjectFor('raw', raw, 4)).toBe(`raw.kubeapi.configmap.${verb}.p${partitionOf('default/prod', 4)}`);
    }
  });

  it('derives kind and verb from other sources\' type', () => {
    const raw = (type: string) => ({ timestamp: AT, source: 'kernel', type, metadata: { k8s_namespace: 'prod' }, data: {} });
    expect(rawKindVerb(raw('oom_kill'))).toEqual(['oom', 'kill']);
    expect(rawKindVerb(raw('network.connect.failed'))).toEqual(['network', 'connect_failed']);
    expect(rawKindVerb(raw('exec'))).toEqual(['exec', 'event']);
    expect(rawKindVerb(raw('Weird*Type>x'))).toEqual(['weird_type_x', 'event']);
  });

  it('sends cluster-scoped objects to every partition', () => {
    const raw = { timestamp: AT, source: 'kubeapi', type: 'MODIFIED', metadata: {}, data: { type: 'MODIFIED', object: { kind: 'Node', metadata: { name: 'worker-1' } } } };
    expect(subjectFor('raw', raw, 8)).toBe('raw.kubeapi.node.update.all');
  });

  it('keeps every token a single valid subject token', () => {
    expect(subjectToken('api.example.com')).toBe('api_example_com');
    expect(subjectToken('system:node *>')).toBe('system_node___');
    expect(subjectToken('')).toBe('_');
    expect(subjectToken(null)).toBe('_');
  });

  it('builds filters for a topic, a partition and the broadcast part, under an optional prefix', () => {
    expect(topicFilter('raw')).toBe('raw.>');
    expect(partFilter('unified', 'p3')).toBe('unified.*.*.*.p3');
    expect(partFilter('insights', 'all', 'east')).toBe('east.insights.*.*.all');
  });
});
