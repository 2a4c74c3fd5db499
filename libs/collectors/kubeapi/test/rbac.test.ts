import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_RESOURCES } from '../src/informers/watched-resources.js';

const RBAC = new URL('../../../../deploy/rbac.yaml', import.meta.url);

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

describe('deploy/rbac.yaml', () => {
  const documents = parseAllDocuments(readFileSync(RBAC, 'utf8')).map((document) => document.toJS() as { kind: string; metadata: { name: string; namespace?: string }; rules?: Rule[]; roleRef?: { name: string }; subjects?: { name: string; namespace: string }[] });
  const role = documents.find((document) => document.kind === 'ClusterRole');

  it('grants exactly get/list/watch on exactly the resources watched by default, and no get on Secrets', () => {
    const granted = (role?.rules ?? []).flatMap((rule) => {
      const secrets = rule.resources.includes('secrets');
      if (secrets) expect(rule.resources).toEqual(['secrets']);
      expect(rule.verbs).toEqual(secrets ? ['list', 'watch'] : ['get', 'list', 'watch']);
      return rule.apiGroups.flatMap((group) => rule.resources.map((resource) => `${group}/${resource}`));
    });
    const watched = DEFAULT_RESOURCES.map((resource) => {
      const group = resource.apiVersion.includes('/') ? (resource.apiVersion.split('/')[0] as string) : '';
      return `${group}/${resource.plural}`;
    });
    expect([...new Set(granted)].sort()).toEqual([...new Set(watched)].sort());
    expect(granted.length).toBe(new Set(granted).size);
  });

  it('binds the role to the collector service account', () => {
    const account = documents.find((document) => document.kind === 'ServiceAccount');
    const binding = documents.find((document) => document.kind === 'ClusterRoleBinding');
    expect(binding?.roleRef?.name).toBe(role?.metadata.name);
    expect(binding?.subjects).toEqual([{ kind: 'ServiceAccount', name: account?.metadata.name, namespace: account?.metadata.namespace }]);
  });
});
