/** The parts of a DNS message (RFC 1035 §4.1) Tapio reads: header and first question. */
export interface DnsMessage {
  id: number;
  isResponse: boolean;
  opcode: number;
  truncated: boolean;
  rcode: number;
  questionCount: number;
  answerCount: number;
  /** Lower-case, no trailing dot; "." for the root. */
  name: string;
  type: number;
}

export class DnsParseError extends Error {
  constructor(message: string) {
    super(`DNS message: ${message}`);
    this.name = 'DnsParseError';
  }
}

const HEADER_BYTES = 12;

/** Reads a (possibly compressed) domain name at `offset`; returns it and the offset after it. */
function readName(message: Buffer, start: number): { name: string; next: number } {
  const labels: string[] = [];
  let offset = start;
  let next = -1;
  let jumps = 0;
  let length = 0;
  for (;;) {
    if (offset >= message.length) throw new DnsParseError(`name at byte ${start} runs past the captured ${message.length} bytes`);
    const byte = message[offset] as number;
    if (byte === 0) {
      if (next === -1) next = offset + 1;
      break;
    }
    if ((byte & 0xc0) === 0xc0) {
      if (offset + 1 >= message.length) throw new DnsParseError('truncated compression pointer');
      if (++jumps > 16) throw new DnsParseError('compression pointer loop');
      if (next === -1) next = offset + 2;
      offset = ((byte & 0x3f) << 8) | (message[offset + 1] as number);
      continue;
    }
    if ((byte & 0xc0) !== 0) throw new DnsParseError(`reserved label type 0x${byte.toString(16)}`);
    if (offset + 1 + byte > message.length) throw new DnsParseError(`label at byte ${offset} runs past the captured ${message.length} bytes`);
    length += byte + 1;
    if (length > 255) throw new DnsParseError('name longer than 255 bytes');
    labels.push(message.subarray(offset + 1, offset + 1 + byte).toString('latin1').toLowerCase());
    offset += 1 + byte;
  }
  return { name: labels.length === 0 ? '.' : labels.join('.'), next };
}

/** Parses the header and the first question. Throws DnsParseError on anything malformed. */
export function parseDnsMessage(message: Buffer): DnsMessage {
  if (message.length < HEADER_BYTES) throw new DnsParseError(`${message.length} bytes, shorter than the 12-byte header`);
  const flags = message.readUInt16BE(2);
  const questionCount = message.readUInt16BE(4);
  if (questionCount === 0) throw new DnsParseError('no question');
  const { name, next } = readName(message, HEADER_BYTES);
  if (next + 4 > message.length) throw new DnsParseError('question type and class cut off');
  return {
    id: message.readUInt16BE(0),
    isResponse: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    truncated: (flags & 0x0200) !== 0,
    rcode: flags & 0xf,
    questionCount,
    answerCount: message.readUInt16BE(6),
    name,
    type: message.readUInt16BE(next),
  };
}
