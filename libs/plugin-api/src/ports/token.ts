/**
 * A DI token that carries the type it resolves to. Tokens are plain symbols so the
 * domain stays free of any container library; the composition root keeps the services
 * under them (apps/tapio/src/plugins/service-registry.ts). Each port exports an interface and a token of the same name.
 */
export type Token<T> = symbol & { readonly __port?: T };

export function token<T>(name: string): Token<T> {
  return Symbol.for(`tapio.${name}`) as Token<T>;
}

/** The type a token resolves to. */
export type TokenType<K> = K extends Token<infer T> ? T : never;
