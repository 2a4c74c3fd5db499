import { describe, expect, it } from 'vitest';
import { isSearchPathExpansion } from './search-path.js';

describe('isSearchPathExpansion', () => {
  it.each([
    ['api.example.com.shop.svc.cluster.local', true],
    ['api.example.com.svc.cluster.local', true],
    ['api.example.com.cluster.local', true],
    ['cart.shop.svc.shop.svc.cluster.local', true],
    ['cart.shop.svc.cluster.local', false],
    ['cart.svc.cluster.local', false],
    ['api.example.com', false],
  ])('%s -> %s', (name, expected) => {
    expect(isSearchPathExpansion(name, 'cluster.local')).toBe(expected);
  });
});
