import { describe, expect, it } from 'vitest';
import { recordingKubeApiConfig } from '../cli/record-command.js';
import { BUILTIN_PLUGINS } from '../plugins/builtin-plugins.js';
import { selectPlugins } from '../plugins/select-plugins.js';
import { withClusterName } from './collector-cluster.js';
import { parseConfig } from './load-config.js';

function runConfigs(text: string): Record<string, { cluster?: string }> {
  const loaded = parseConfig(text, 'tapio.yaml', {});
  const selection = selectPlugins(
    BUILTIN_PLUGINS.map((descriptor) => ({ descriptor, origin: 'built-in' })),
    loaded,
  );
  expect(selection.problems).toEqual([]);
  return Object.fromEntries(selection.selected.filter((entry) => entry.candidate.descriptor.kind === 'collector').map((entry) => [entry.candidate.descriptor.id, entry.config as { cluster?: string }]));
}

describe('the cluster a collector stamps', () => {
  it("is tapio.yaml's cluster when the section names none, the section's own otherwise", () => {
    expect(withClusterName({ kinds: ['Pod'] }, 'prod')).toEqual({ kinds: ['Pod'], cluster: 'prod' });
    expect(withClusterName({ cluster: 'west' }, 'prod')).toEqual({ cluster: 'west' });
  });

  it('is the same for tapio run and tapio record when kubeapi names no cluster', () => {
    const text = 'cluster: prod\ncollectors:\n  kubeapi: { kubeconfig: kc.yaml }\n  kubelet: {}\n  cni: {}\n';
    const run = runConfigs(text);
    expect(run['kubeapi']?.cluster).toBe('prod');
    expect(run['kubelet']?.cluster).toBe('prod');
    expect(run['cni']?.cluster).toBe('prod');
    expect(recordingKubeApiConfig(parseConfig(text, 'tapio.yaml', {}))).toMatchObject({ cluster: 'prod', kubeconfig: 'kc.yaml' });
  });

  it("keeps kubeapi's own cluster in both", () => {
    const text = 'cluster: prod\ncollectors:\n  kubeapi: { cluster: west, enabled: true }\n';
    expect(runConfigs(text)['kubeapi']?.cluster).toBe('west');
    const recorded = recordingKubeApiConfig(parseConfig(text, 'tapio.yaml', {}));
    expect(recorded).toMatchObject({ cluster: 'west' });
    expect(recorded).not.toHaveProperty('enabled');
  });

  it("is 'default' in both when tapio.yaml names no cluster", () => {
    const text = 'collectors:\n  kubeapi: {}\n';
    expect(runConfigs(text)['kubeapi']?.cluster).toBe('default');
    expect(recordingKubeApiConfig(parseConfig(text, 'tapio.yaml', {}))).toMatchObject({ cluster: 'default' });
  });
});
