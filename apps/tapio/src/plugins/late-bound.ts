/**
 * A stand-in for a service whose provider registers after the plugin that needs it (a
 * cycle of needs) or not at all. Calls go to the provider once `bind` is called, to the
 * fallback (the port's no-op) until then, so the plugin that needs it never depends on
 * registration order. Works for any port: nothing here knows a particular one.
 */
export interface LateBound<T extends object> {
  readonly value: T;
  bind(target: T): void;
}

export function lateBound<T extends object>(fallback: T): LateBound<T> {
  let target: T | undefined;
  const value = new Proxy({} as T, {
    get(_, property) {
      const source = target ?? fallback;
      const member = Reflect.get(source, property, source) as unknown;
      return typeof member === 'function' ? (member as (...args: unknown[]) => unknown).bind(source) : member;
    },
    has(_, property) {
      return Reflect.has(target ?? fallback, property);
    },
  });
  return {
    value,
    bind(next) {
      target = next;
    },
  };
}
