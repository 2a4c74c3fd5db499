import { existsSync } from 'node:fs';
import { nativePaths, readBtfStructs } from '@tapio/ebpf-native';
import { describe, expect, it } from 'vitest';
import { DNS_LAYOUTS } from '../src/index.js';

describe('DNS capture layout matches dns.bpf.o', () => {
  const object = nativePaths.bpfObject('dns');

  it('the object is built', () => {
    expect(existsSync(object), `${object} missing: run tools/setup.d/40-ebpf.sh`).toBe(true);
  });

  const btf = existsSync(object) ? readBtfStructs(object, DNS_LAYOUTS.map((layout) => layout.name)) : new Map();
  for (const layout of DNS_LAYOUTS) {
    it(`${layout.name}: size and every field`, () => {
      const actual = btf.get(layout.name);
      expect(actual?.size).toBe(layout.size);
      expect(actual?.members).toEqual(Object.entries(layout.fields).map(([name, field]) => ({ name, offset: field.offset, size: field.size })));
    });
  }
});
