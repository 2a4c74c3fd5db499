import type { Token } from '@tapio/domain';

function tokenName(token: symbol): string {
  return token.description?.replace(/^tapio\./, '') ?? String(token);
}

/**
 * The services of one running Tapio, by port token: the core services the composition
 * root provides and what each plugin's `register` returned under `provides`. Typed by the
 * token (`get(EventBus)` is an EventBus). It replaces tsyringe, which Tapio used only as
 * this map: plugins build their services themselves from the needs they are given
 * (constructor injection by hand, in `register`), so a container's decorators, factories
 * and lifetimes had nothing to do, and it cost `reflect-metadata` in every process.
 * A token is provided once: a second provider is a plugin conflict, reported by id.
 */
export class ServiceRegistry {
  private readonly services = new Map<symbol, { value: unknown; by: string }>();

  provide<T>(token: Token<T>, value: T, by: string): void {
    const existing = this.services.get(token);
    if (existing) throw new Error(`${tokenName(token)} is already provided by ${existing.by}; ${by} provides it too`);
    this.services.set(token, { value, by });
  }

  has(token: symbol): boolean {
    return this.services.has(token);
  }

  get<T>(token: Token<T>): T {
    const entry = this.services.get(token);
    if (!entry) throw new Error(`nothing provides ${tokenName(token)}`);
    return entry.value as T;
  }

  /** The service under `token`, or undefined when nothing provides it. */
  find<T>(token: Token<T>): T | undefined {
    return this.services.get(token)?.value as T | undefined;
  }
}
