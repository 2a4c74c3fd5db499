import { execFileSync } from 'node:child_process';

export interface BtfMember {
  name: string;
  offset: number;
  size: number;
}

export interface BtfStruct {
  name: string;
  size: number;
  members: BtfMember[];
}

/**
 * Reads the layout of the named structs from a BPF object's BTF (bpftool's raw dump),
 * so tests can compare it with a TypeScript decoder.
 */
export function readBtfStructs(objectPath: string, names: readonly string[]): Map<string, BtfStruct> {
  const dump = execFileSync('bpftool', ['btf', 'dump', 'file', objectPath, 'format', 'raw'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const types = new Map<number, string>();
  for (const line of dump.split('\n')) {
    const match = /^\[(\d+)\]/.exec(line);
    if (match) types.set(Number(match[1]), line);
  }
  const sizeOf = (id: number, depth = 0): number => {
    const line = types.get(id);
    if (!line || depth > 16) throw new Error(`BTF type ${id} not found in ${objectPath}`);
    const size = /size=(\d+)/.exec(line);
    if (size && !/^\[\d+\] (PTR|TYPEDEF|CONST|VOLATILE|ARRAY)/.test(line)) return Number(size[1]);
    if (/^\[\d+\] PTR/.test(line)) return 8;
    const array = /type_id=(\d+) index_type_id=\d+ nr_elems=(\d+)/.exec(line);
    if (array) return sizeOf(Number(array[1]), depth + 1) * Number(array[2]);
    const target = /type_id=(\d+)/.exec(line);
    if (target) return sizeOf(Number(target[1]), depth + 1);
    throw new Error(`cannot size BTF type: ${line}`);
  };

  const result = new Map<string, BtfStruct>();
  const lines = dump.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const header = /^\[\d+\] STRUCT '([^']+)' size=(\d+) vlen=(\d+)/.exec(lines[index] as string);
    if (!header || !names.includes(header[1] as string)) continue;
    const members: BtfMember[] = [];
    for (let member = 1; member <= Number(header[3]); member++) {
      const field = /'([^']*)' type_id=(\d+) bits_offset=(\d+)/.exec(lines[index + member] as string);
      if (!field) throw new Error(`unexpected BTF member line: ${lines[index + member]}`);
      members.push({ name: field[1] as string, offset: Number(field[3]) / 8, size: sizeOf(Number(field[2])) });
    }
    result.set(header[1] as string, { name: header[1] as string, size: Number(header[2]), members });
  }
  for (const name of names) if (!result.has(name)) throw new Error(`struct ${name} is not in the BTF of ${objectPath}`);
  return result;
}
