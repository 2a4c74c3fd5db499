const RCODES: Record<number, string> = {
  0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 6: 'YXDOMAIN', 7: 'YXRRSET', 8: 'NXRRSET', 9: 'NOTAUTH', 10: 'NOTZONE',
};
const TYPES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 35: 'NAPTR', 41: 'OPT', 43: 'DS', 48: 'DNSKEY',
  64: 'SVCB', 65: 'HTTPS', 255: 'ANY', 257: 'CAA',
};

export function rcodeName(rcode: number): string {
  return RCODES[rcode] ?? `RCODE${rcode}`;
}

export function queryTypeName(type: number): string {
  return TYPES[type] ?? `TYPE${type}`;
}

export const QUERY_TYPES: Readonly<Record<string, number>> = Object.fromEntries(Object.entries(TYPES).map(([number, name]) => [name, Number(number)]));
