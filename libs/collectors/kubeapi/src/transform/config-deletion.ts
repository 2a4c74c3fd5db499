import type { ChangeItem, ChangeLimits } from '@tapio/domain';
import { digestOf, type Remembered } from './change-classifier.js';
import { configContent } from './config-content.js';
import type { Json } from './k8s-object.js';
import { diffMaps } from './semantic-diff.js';

/**
 * The change a deleted ConfigMap or Secret is: every data key removed. Deleting configuration
 * is a change to it too: every pod started after it that uses it fails
 * (CreateContainerConfigError, FailedMount), as after a bad edit. A ConfigMap's changes say
 * what it held, as far as Tapio kept it: sizes, and binary keys named as such.
 */
export function configDeletion(kind: 'ConfigMap' | 'Secret', previous: Remembered | undefined, object: Json, limits: ChangeLimits): { changes: ChangeItem[]; keys: string } {
  const changes = diffMaps(previous?.digest ?? digestOf(kind, object) ?? {}, {}, 'data', true);
  const keys = changes.map((change) => change.path.slice(5)).join(', ');
  if (kind === 'ConfigMap') {
    const content = previous?.content ?? configContent(object, limits);
    for (const change of changes) {
      const key = change.path.slice(5);
      if (content.binary.includes(key)) change.path = `binaryData.${key}`;
      const bytes = content.sizes[key];
      if (bytes !== undefined) change.bytes = bytes;
    }
  }
  return { changes, keys };
}
