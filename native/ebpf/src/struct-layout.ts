/** One field of a C struct as the decoder reads it: byte offset and size. */
export interface FieldLayout {
  offset: number;
  size: number;
}

/** A C struct's layout: its name in the BPF object's BTF, total size and fields. */
export interface StructLayout<F extends string = string> {
  name: string;
  size: number;
  fields: Record<F, FieldLayout>;
}

export function struct<F extends string>(name: string, size: number, fields: Record<F, [offset: number, size: number]>): StructLayout<F> {
  const layout = {} as Record<F, FieldLayout>;
  for (const key of Object.keys(fields) as F[]) {
    const [offset, fieldSize] = fields[key];
    layout[key] = { offset, size: fieldSize };
  }
  return { name, size, fields: layout };
}

/** Bounds-checked little-endian reads at a struct's field offsets. */
export class RecordReader {
  constructor(
    readonly bytes: Buffer,
    private readonly base = 0,
  ) {}

  at(offset: number): RecordReader {
    return new RecordReader(this.bytes, this.base + offset);
  }

  u16(field: FieldLayout): number {
    return this.bytes.readUInt16LE(this.base + field.offset);
  }
  u32(field: FieldLayout): number {
    return this.bytes.readUInt32LE(this.base + field.offset);
  }
  s32(field: FieldLayout): number {
    return this.bytes.readInt32LE(this.base + field.offset);
  }
  u64(field: FieldLayout): bigint {
    return this.bytes.readBigUInt64LE(this.base + field.offset);
  }
  /** A NUL-terminated string in a fixed-size char array. */
  cString(field: FieldLayout): string {
    const start = this.base + field.offset;
    const raw = this.bytes.subarray(start, start + field.size);
    const end = raw.indexOf(0);
    return raw.subarray(0, end === -1 ? raw.length : end).toString('utf8');
  }
  raw(field: FieldLayout): Buffer {
    const start = this.base + field.offset;
    return this.bytes.subarray(start, start + field.size);
  }
}
