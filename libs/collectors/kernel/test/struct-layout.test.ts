import { existsSync } from 'node:fs';
import { nativePaths, readBtfStructs } from '@tapio/ebpf-native';
import { describe, expect, it } from 'vitest';
import { KERNEL_LAYOUTS } from '../src/index.js';

// The decoder's offsets against the compiled object's BTF: what the kernel writes is
// what TypeScript reads.
describe('kernel event layouts match kernel.bpf.o', () => {
  const object = nativePaths.bpfObject('kernel');

  it('the object is built', () => {
    expect(existsSync(object), `${object} missing: run tools/setup.d/40-ebpf.sh`).toBe(true);
  });

  const btf = existsSync(object) ? readBtfStructs(object, KERNEL_LAYOUTS.map((layout) => layout.name)) : new Map();
  for (const layout of KERNEL_LAYOUTS) {
    it(`${layout.name}: size and every field`, () => {
      const actual = btf.get(layout.name);
      expect(actual, `${layout.name} not in BTF`).toBeDefined();
      expect(actual?.size).toBe(layout.size);
      const expected = Object.entries(layout.fields).map(([name, field]) => ({ name, offset: field.offset, size: field.size }));
      expect(actual?.members).toEqual(expected);
    });
  }
});
