import type { Json } from './k8s-object.js';

/**
 * A controller's flag naming a ConfigMap it reads through the API rather than a mount
 * (ingress-nginx's `--configmap=$(POD_NAMESPACE)/ingress-nginx-controller`, its
 * `--tcp-services-configmap`, `--config-map-name=…`): the value, a name or `namespace/name`.
 */
const CONFIG_MAP_FLAG = /^--?[a-z-]*config-?map(?:-name)?=(.+)$/i;
/** A namespace written as the pod's own, through an environment reference (`$(POD_NAMESPACE)`). */
const OWN_NAMESPACE = /^\$\([A-Z_]*NAMESPACE\)$/;
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** The strings of a list (command, args). */
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/**
 * The ConfigMaps of the pod's own namespace its containers' arguments and commands name by such
 * a flag: a bare name, or one under `$(POD_NAMESPACE)/`. A name under another namespace written
 * out is left alone (the pod's references are names in its own namespace).
 */
export function configMapsNamedByFlags(containers: readonly Json[]): string[] {
  const names: string[] = [];
  for (const container of containers) {
    for (const item of [...strings(container['command']), ...strings(container['args'])]) {
      const value = CONFIG_MAP_FLAG.exec(item)?.[1];
      if (!value) continue;
      const [first, second] = value.split('/');
      const name = second === undefined ? first : OWN_NAMESPACE.test(first ?? '') ? second : undefined;
      if (name && NAME.test(name) && !names.includes(name)) names.push(name);
    }
  }
  return names;
}
