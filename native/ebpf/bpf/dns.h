/* DNS packets captured by dns.bpf.c (cgroup skb programs on the cgroup v2 root) and
 * handed to user space through the `dns_events` ring buffer. Parsing happens in
 * TypeScript (@tapio/collector-dns); a test checks its layout against this object's BTF. */
#ifndef TAPIO_DNS_H
#define TAPIO_DNS_H

#define TAPIO_DNS_PAYLOAD 512
#define TAPIO_DNS_MAX_PORTS 8

enum tapio_dns_direction {
	TAPIO_DNS_QUERY = 1,    /* egress towards a DNS port: a client's question */
	TAPIO_DNS_RESPONSE = 2, /* ingress from a DNS port: the answer to a client */
};

enum tapio_dns_counter {
	TAPIO_DNS_CNT_DROP = 1,     /* ring-buffer reserve failures */
	TAPIO_DNS_CNT_QUERY = 2,
	TAPIO_DNS_CNT_RESPONSE = 3,
	TAPIO_DNS_CNT_TRUNCATED = 4, /* payload longer than the capture size */
	TAPIO_DNS_CNT_SLOTS = 8,
};

struct tapio_dns_event {
	__u64 ts_ns;          /* CLOCK_BOOTTIME */
	__u64 cgroup_id;      /* cgroup v2 id of the socket */
	__u64 socket_cookie;
	__u32 direction;      /* enum tapio_dns_direction */
	__u32 tcp_seq;        /* TCP only: sequence number of the first payload byte */
	__u8 protocol;        /* IPPROTO_UDP or IPPROTO_TCP */
	__u8 family;          /* 4 or 6 */
	__u16 sport;          /* host byte order */
	__u16 dport;
	__u16 captured_len;   /* bytes valid in payload */
	__u32 payload_len;    /* transport payload length on the wire */
	__u32 pad;
	__u8 saddr[16];       /* network byte order; IPv4 in the first 4 bytes */
	__u8 daddr[16];
	__u8 payload[TAPIO_DNS_PAYLOAD];
};

#endif
