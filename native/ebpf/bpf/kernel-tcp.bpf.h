// SPDX-License-Identifier: GPL-2.0
/* TCP-family maps and helpers (connect failures, resets, retransmissions): who opened a
 * socket, connect() calls in flight, retransmit counts, and the socket tuple and owner
 * filled into events. Included by kernel.bpf.c after kernel-events.bpf.h. */
#ifndef TAPIO_KERNEL_TCP_BPF_H
#define TAPIO_KERNEL_TCP_BPF_H

#define AF_INET 2
#define AF_INET6 10
#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT 2
#define TCP_CLOSE 7
#define ECONNRESET 104
#define ENETUNREACH 101
#define ETIMEDOUT 110
#define ECONNREFUSED 111
#define EHOSTUNREACH 113
#define EPIPE 32

/* Who opened a TCP socket with connect(): recorded at CLOSE->SYN_SENT (process
 * context) so that failures and resets handled later in softirq keep their process. */
struct connector {
	struct tapio_event_header hdr;
	__u64 connect_ns;
};
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct connector);
} connectors SEC(".maps");

/* connect() calls in flight per thread: the destination, and the socket once it
 * reaches SYN_SENT, so that a failure is reported once (at syscall exit) when the
 * caller is still inside connect(). */
struct connect_call {
	struct tapio_sock_tuple tuple; /* from the connect() arguments */
	__u64 sk;
	/* The socket failed while the caller was still inside connect() (an RST taken from
	 * the socket backlog at release_sock): reported at syscall exit unless the syscall
	 * itself returns the error. */
	struct tapio_sock_tuple closed_tuple;
	__s32 closed_err;
	__u32 pad;
	__u64 connect_ns;
};
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct connect_call);
} connect_calls SEC(".maps");

struct retransmit_state {
	__u32 count;
	__u32 next_report;
	__u64 first_ns;
};
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct retransmit_state);
} retransmits SEC(".maps");

static __always_inline void fill_sock_tuple(struct tapio_sock_tuple *tuple, const struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	__builtin_memset(tuple, 0, sizeof(*tuple));
	tuple->family = family;
	tuple->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	tuple->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == AF_INET) {
		bpf_core_read(tuple->saddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(tuple->daddr, 4, &sk->__sk_common.skc_daddr);
	} else if (family == AF_INET6) {
		bpf_core_read(tuple->saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(tuple->daddr, 16, &sk->__sk_common.skc_v6_daddr);
	}
}

static __always_inline __u64 sock_cgroup_id(const struct sock *sk)
{
	if (!bpf_core_field_exists(sk->sk_cgrp_data.cgroup))
		return 0;
	return BPF_CORE_READ(sk, sk_cgrp_data.cgroup, kn, id);
}

static __always_inline __u64 sock_memcg_id(const struct sock *sk)
{
	struct mem_cgroup *memcg = BPF_CORE_READ(sk, sk_memcg);
	if (!memcg)
		return 0;
	return BPF_CORE_READ(memcg, css.cgroup, kn, id);
}

/* The socket's owner: the process that connect()ed it when known, else the socket's
 * cgroups with no process (a server-side socket handled in softirq). */
static __always_inline void fill_sock_header(struct tapio_event_header *hdr, __u32 kind, const struct sock *sk,
					     struct connector *owner)
{
	if (owner) {
		*hdr = owner->hdr;
		hdr->flags = 1;
	} else {
		__builtin_memset(hdr, 0, sizeof(*hdr));
		hdr->cgroup_id = sock_cgroup_id(sk);
		hdr->memcg_id = sock_memcg_id(sk);
	}
	hdr->kind = kind;
	hdr->ts_ns = bpf_ktime_get_boot_ns();
}

static __always_inline void emit_retransmits(const struct sock *sk, struct retransmit_state *state,
					     struct connector *owner, __u32 final)
{
	struct tapio_retransmit_event *e = reserve(sizeof(*e), TAPIO_EV_RETRANSMIT);
	if (!e)
		return;
	fill_sock_header(&e->hdr, TAPIO_EV_RETRANSMIT, sk, owner);
	fill_sock_tuple(&e->tuple, sk);
	e->retransmits = state->count;
	e->final = final;
	e->first_ns = state->first_ns;
	e->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	e->pad = 0;
	bpf_ringbuf_submit(e, ringbuf_flags(&events, false));
}

static __always_inline bool reportable_close(int oldstate, int sk_err)
{
	if (oldstate == TCP_SYN_SENT)
		return sk_err != 0;
	return sk_err == ECONNRESET || sk_err == EPIPE || sk_err == ETIMEDOUT || sk_err == EHOSTUNREACH ||
	       sk_err == ENETUNREACH;
}

struct sockaddr_any {
	__u16 family;
	__u16 port; /* network order */
	union {
		__u8 v4[4];
		struct {
			__u32 flowinfo;
			__u8 v6[16];
		};
	};
};

#endif /* TAPIO_KERNEL_TCP_BPF_H */
