import { EventBus, GraphStore, Logger, silentLogger } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { ServiceRegistry } from './service-registry.js';

describe('ServiceRegistry', () => {
  it('keeps one service per token, typed by the token', () => {
    const services = new ServiceRegistry();
    services.provide(Logger, silentLogger, 'core');
    expect(services.get(Logger)).toBe(silentLogger);
    expect(services.has(Logger)).toBe(true);
    expect(services.has(EventBus)).toBe(false);
    expect(services.find(EventBus)).toBeUndefined();
  });

  it('names the token nothing provides, and both providers of a token provided twice', () => {
    const services = new ServiceRegistry();
    expect(() => services.get(GraphStore)).toThrow('nothing provides GraphStore');
    services.provide(Logger, silentLogger, 'core');
    expect(() => services.provide(Logger, silentLogger, 'plugin "chatty"')).toThrow('Logger is already provided by core; plugin "chatty" provides it too');
  });
});
