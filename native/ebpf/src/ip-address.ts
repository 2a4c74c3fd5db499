const AF_INET = 2;
const AF_INET6 = 10;

/** Formats an address from network-order bytes (IPv4 in the first 4 bytes). */
export function formatAddress(family: number, bytes: Buffer): string {
  if (family === AF_INET || family === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (family !== AF_INET6 && family !== 6) throw new Error(`unknown address family ${family}`);
  const words: string[] = [];
  for (let index = 0; index < 16; index += 2) words.push(bytes.readUInt16BE(index).toString(16));
  // IPv4-mapped addresses read best as IPv4.
  if (words.slice(0, 5).every((word) => word === '0') && words[5] === 'ffff') return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  return compressIpv6(words);
}

function compressIpv6(words: string[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let start = 0; start < words.length; start++) {
    let length = 0;
    while (start + length < words.length && words[start + length] === '0') length++;
    if (length > bestLength && length > 1) {
      bestStart = start;
      bestLength = length;
    }
  }
  if (bestStart === -1) return words.join(':');
  return `${words.slice(0, bestStart).join(':')}::${words.slice(bestStart + bestLength).join(':')}`;
}

export const ADDRESS_FAMILY = { inet: AF_INET, inet6: AF_INET6 } as const;
