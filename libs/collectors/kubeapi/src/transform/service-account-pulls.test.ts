import { describe, expect, it } from 'vitest';
import { transformAll as run, watchAt as watch } from './kubeapi-transformer.test-support.js';

const account = (resourceVersion: string, pulls: string[], labels: Record<string, string> = {}) => ({
  apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'storefront', uid: 'sa-1', resourceVersion, labels }, ...(pulls.length ? { imagePullSecrets: pulls.map((name) => ({ name })) } : {}),
});

describe('a ServiceAccount’s pull credentials', () => {
  it('are its facts, and losing one is a change that says so', () => {
    const events = run([watch('ADDED', account('1', ['harbor-robot', 'ecr'])), watch('MODIFIED', account('2', ['ecr']), 10), watch('MODIFIED', account('3', []), 20)]);
    expect(events[0]?.kubernetes?.object?.imagePullSecrets).toEqual(['ecr', 'harbor-robot']);
    expect(events.slice(1).map((event) => [event.type, event.message])).toEqual([
      ['resource_updated', 'ServiceAccount storefront/default updated: imagePullSecrets changed'],
      ['resource_updated', 'ServiceAccount storefront/default updated: imagePullSecrets removed'],
    ]);
  });

  it('a label change of the account says nothing of pulls', () => {
    const events = run([watch('ADDED', account('1', ['ecr'])), watch('MODIFIED', account('2', ['ecr'], { team: 'web' }), 10)]);
    expect(events.slice(1).every((event) => !event.message.includes('imagePullSecrets'))).toBe(true);
  });
});
