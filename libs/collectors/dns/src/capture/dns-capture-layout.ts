import { struct } from '@tapio/ebpf-native';

/** native/ebpf/bpf/dns.h `struct tapio_dns_event`; a test checks it against dns.bpf.o's BTF. */
export const DNS_EVENT = struct('tapio_dns_event', 592, {
  ts_ns: [0, 8],
  cgroup_id: [8, 8],
  socket_cookie: [16, 8],
  direction: [24, 4],
  tcp_seq: [28, 4],
  protocol: [32, 1],
  family: [33, 1],
  sport: [34, 2],
  dport: [36, 2],
  captured_len: [38, 2],
  payload_len: [40, 4],
  pad: [44, 4],
  saddr: [48, 16],
  daddr: [64, 16],
  payload: [80, 512],
});

export const DNS_LAYOUTS = [DNS_EVENT] as const;

/** enum tapio_dns_direction */
export const DNS_DIRECTION = { query: 1, response: 2 } as const;

/** enum tapio_dns_counter */
export const DNS_COUNTER_SLOT = { drop: 1, query: 2, response: 3, truncated: 4 } as const;
