// SPDX-License-Identifier: GPL-2.0
/* Tapio DNS capture: cgroup skb programs attached to the cgroup v2 root see every
 * socket's packets in every network namespace, with the socket's cgroup (so a query is
 * attributed to its pod even with host networking). Only client-side traffic is taken:
 * egress towards a DNS port (the question) and ingress from one (the answer); the
 * server's side of the same exchange is skipped. Packets always pass (return 1). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "dns.h"
#include "common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17

/* Loader-set: the ports DNS servers listen on (53 unless configured). */
const volatile __u16 dns_ports[TAPIO_DNS_MAX_PORTS] = { 53 };
const volatile __u32 dns_port_count = 1;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} dns_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TAPIO_DNS_CNT_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

const struct tapio_dns_event *unused_dns __attribute__((unused));

static __always_inline bool is_dns_port(__u16 port)
{
#pragma unroll
	for (int i = 0; i < TAPIO_DNS_MAX_PORTS; i++) {
		if (i < dns_port_count && dns_ports[i] == port)
			return true;
	}
	return false;
}

struct transport {
	__u32 offset;       /* of the transport header */
	__u8 protocol;
	__u8 family;
	__u8 saddr[16];
	__u8 daddr[16];
};

static __always_inline int parse_ip(struct __sk_buff *skb, struct transport *t)
{
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr ip;
		if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
			return -1;
		if (ip.frag_off & bpf_htons(0x3fff)) /* fragments: not parsed */
			return -1;
		t->offset = ip.ihl * 4;
		t->protocol = ip.protocol;
		t->family = 4;
		__builtin_memcpy(t->saddr, &ip.saddr, 4);
		__builtin_memcpy(t->daddr, &ip.daddr, 4);
		return 0;
	}
	if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr ip6;
		if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)))
			return -1;
		t->offset = sizeof(ip6); /* extension headers: not followed */
		t->protocol = ip6.nexthdr;
		t->family = 6;
		__builtin_memcpy(t->saddr, &ip6.saddr, 16);
		__builtin_memcpy(t->daddr, &ip6.daddr, 16);
		return 0;
	}
	return -1;
}

static __always_inline void capture(struct __sk_buff *skb, __u32 direction)
{
	struct transport t = {};
	struct tapio_dns_event *e;
	__u16 sport, dport;
	__u32 payload_off, seq = 0, len, copy;

	if (parse_ip(skb, &t))
		return;
	if (t.protocol == IPPROTO_UDP_) {
		struct udphdr udp;
		if (bpf_skb_load_bytes(skb, t.offset, &udp, sizeof(udp)))
			return;
		sport = bpf_ntohs(udp.source);
		dport = bpf_ntohs(udp.dest);
		payload_off = t.offset + sizeof(udp);
	} else if (t.protocol == IPPROTO_TCP_) {
		struct tcphdr tcp;
		if (bpf_skb_load_bytes(skb, t.offset, &tcp, sizeof(tcp)))
			return;
		sport = bpf_ntohs(tcp.source);
		dport = bpf_ntohs(tcp.dest);
		seq = bpf_ntohl(tcp.seq);
		payload_off = t.offset + tcp.doff * 4;
	} else {
		return;
	}
	if (direction == TAPIO_DNS_QUERY ? !is_dns_port(dport) : !is_dns_port(sport))
		return;
	if (skb->len <= payload_off)
		return; /* TCP handshake and ACKs carry no DNS */
	len = skb->len - payload_off;

	count_slot(&counters, direction == TAPIO_DNS_QUERY ? TAPIO_DNS_CNT_QUERY : TAPIO_DNS_CNT_RESPONSE);
	e = bpf_ringbuf_reserve(&dns_events, sizeof(*e), 0);
	if (!e) {
		count_slot(&counters, TAPIO_DNS_CNT_DROP);
		return;
	}
	e->ts_ns = bpf_ktime_get_boot_ns();
	e->cgroup_id = bpf_skb_cgroup_id(skb);
	e->socket_cookie = bpf_get_socket_cookie(skb);
	e->direction = direction;
	e->tcp_seq = seq;
	e->protocol = t.protocol;
	e->family = t.family;
	e->sport = sport;
	e->dport = dport;
	e->payload_len = len;
	e->pad = 0;
	__builtin_memcpy(e->saddr, t.saddr, 16);
	__builtin_memcpy(e->daddr, t.daddr, 16);
	if (len > TAPIO_DNS_PAYLOAD)
		count_slot(&counters, TAPIO_DNS_CNT_TRUNCATED);
	/* len >= 1 here. The size is passed as ((copy - 1) & 511) + 1 so that the verifier
	 * sees 1..512 whatever the compiler does with the comparisons. */
	copy = len > TAPIO_DNS_PAYLOAD ? TAPIO_DNS_PAYLOAD : len;
	copy = (copy - 1) & (TAPIO_DNS_PAYLOAD - 1);
	barrier_var(copy);
	if (bpf_skb_load_bytes(skb, payload_off, e->payload, copy + 1) == 0)
		e->captured_len = copy + 1;
	else
		e->captured_len = 0;
	bpf_ringbuf_submit(e, ringbuf_flags(&dns_events, false));
}

SEC("cgroup_skb/egress")
int dns_egress(struct __sk_buff *skb)
{
	capture(skb, TAPIO_DNS_QUERY);
	return 1;
}

SEC("cgroup_skb/ingress")
int dns_ingress(struct __sk_buff *skb)
{
	capture(skb, TAPIO_DNS_RESPONSE);
	return 1;
}
