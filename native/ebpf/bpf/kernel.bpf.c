// SPDX-License-Identifier: GPL-2.0
/* Tapio kernel probes: process lifecycle, OOM kills, fatal signals, TCP connect
 * failures, resets and retransmissions. Tracepoints only (BTF-typed raw tracepoints
 * where the arguments carry kernel objects, classic ones for syscalls): the kernels
 * Tapio runs on have no kprobes. Events go to one ring buffer; hot, uninteresting
 * events (clean exits, successful connects, execs unless asked for) are only counted. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "kernel.h"
#include "common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

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
#define SI_USER 0
#define SI_KERNEL 0x80

/* Loader-set configuration (.rodata). */
const volatile __u32 report_exec = 0;
const volatile __u32 report_nonzero_exit = 1;
/* Bit n set: report signal n. Default: SIGQUIT ILL TRAP ABRT BUS FPE KILL SEGV SYS. */
const volatile __u64 fatal_signal_mask = (1ULL << 3) | (1ULL << 4) | (1ULL << 5) | (1ULL << 6) | (1ULL << 7) |
					 (1ULL << 8) | (1ULL << 9) | (1ULL << 11) | (1ULL << 31);
const volatile __u32 retransmit_threshold = 3;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TAPIO_CNT_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

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

/* Keep every event struct in the object's BTF for the layout test. */
const struct tapio_exec_event *unused_exec __attribute__((unused));
const struct tapio_exit_event *unused_exit __attribute__((unused));
const struct tapio_oom_event *unused_oom __attribute__((unused));
const struct tapio_signal_event *unused_signal __attribute__((unused));
const struct tapio_tcp_close_event *unused_tcp_close __attribute__((unused));
const struct tapio_retransmit_event *unused_retransmit __attribute__((unused));
const struct tapio_connect_error_event *unused_connect_error __attribute__((unused));

static __always_inline void fill_task_header(struct tapio_event_header *hdr, __u32 kind, struct task_struct *task)
{
	hdr->ts_ns = bpf_ktime_get_boot_ns();
	hdr->kind = kind;
	hdr->pid = BPF_CORE_READ(task, tgid);
	hdr->tid = BPF_CORE_READ(task, pid);
	hdr->ppid = BPF_CORE_READ(task, real_parent, tgid);
	hdr->uid = BPF_CORE_READ(task, cred, uid.val);
	hdr->flags = 0;
	hdr->cgroup_id = task_cgroup_id(task);
	hdr->memcg_id = task_memcg_id(task);
	bpf_probe_read_kernel_str(hdr->comm, sizeof(hdr->comm), BPF_CORE_READ(task, comm));
}

static __always_inline void fill_current_header(struct tapio_event_header *hdr, __u32 kind)
{
	fill_task_header(hdr, kind, bpf_get_current_task_btf());
}

static __always_inline void *reserve(__u64 size, __u32 kind)
{
	void *event = bpf_ringbuf_reserve(&events, size, 0);
	if (!event)
		count_slot(&counters, kind); /* drop slots are indexed by kind */
	return event;
}

/* ---- processes ---------------------------------------------------------------- */

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	struct tapio_exec_event *e;
	long len;

	count_slot(&counters, TAPIO_CNT_EXEC);
	if (!report_exec)
		return 0;
	e = reserve(sizeof(*e), TAPIO_EV_EXEC);
	if (!e)
		return 0;
	fill_task_header(&e->hdr, TAPIO_EV_EXEC, task);
	e->old_pid = old_pid;
	len = bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), BPF_CORE_READ(bprm, filename));
	e->filename_len = len > 0 ? len - 1 : 0;
	bpf_ringbuf_submit(e, ringbuf_flags(&events, false));
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit, struct task_struct *task)
{
	struct tapio_exit_event *e;
	__u32 status, signal;
	__s32 code;

	/* One event per process: its thread-group leader. */
	if (BPF_CORE_READ(task, pid) != BPF_CORE_READ(task, tgid))
		return 0;
	status = BPF_CORE_READ(task, exit_code);
	signal = status & 0x7f;
	code = (status >> 8) & 0xff;
	if (signal == 0 && (code == 0 || !report_nonzero_exit)) {
		count_slot(&counters, TAPIO_CNT_EXIT_CLEAN);
		return 0;
	}
	e = reserve(sizeof(*e), TAPIO_EV_EXIT);
	if (!e)
		return 0;
	fill_task_header(&e->hdr, TAPIO_EV_EXIT, task);
	e->exit_code = code;
	e->signal = signal;
	e->core_dumped = (status & 0x80) ? 1 : 0;
	e->pad = 0;
	e->start_ns = BPF_CORE_READ(task, start_boottime);
	bpf_ringbuf_submit(e, ringbuf_flags(&events, signal != 0));
	return 0;
}

/* mm counters (stable indices since Linux 4.5). */
#define MM_FILEPAGES 0
#define MM_ANONPAGES 1
#define MM_SHMEMPAGES 3

/* Before Linux 6.2 rss_stat was a struct of atomic counters. */
struct mm_rss_stat___old {
	atomic_long_t count[4];
};
struct mm_struct___old {
	struct mm_rss_stat___old rss_stat;
};

static __always_inline __u64 mm_counter(struct mm_struct *mm, int member)
{
	__s64 pages;

	if (member < 0 || member >= 4)
		return 0;
	if (bpf_core_field_exists(((struct mm_struct___old *)0)->rss_stat.count))
		pages = BPF_CORE_READ((struct mm_struct___old *)mm, rss_stat.count[member].counter);
	else /* percpu_counter.count: the same approximate value the oom tracepoint prints */
		pages = BPF_CORE_READ(mm, rss_stat[member].count);
	return pages > 0 ? pages : 0;
}

SEC("tp_btf/mark_victim")
int BPF_PROG(handle_oom_victim, struct task_struct *task)
{
	struct task_struct *current = bpf_get_current_task_btf();
	struct tapio_oom_event *e;
	struct mm_struct *mm;

	e = reserve(sizeof(*e), TAPIO_EV_OOM);
	if (!e)
		return 0;
	fill_task_header(&e->hdr, TAPIO_EV_OOM, task);
	mm = BPF_CORE_READ(task, mm);
	e->total_vm_pages = mm ? BPF_CORE_READ(mm, total_vm) : 0;
	e->anon_rss_pages = mm ? mm_counter(mm, MM_ANONPAGES) : 0;
	e->file_rss_pages = mm ? mm_counter(mm, MM_FILEPAGES) : 0;
	e->shmem_rss_pages = mm ? mm_counter(mm, MM_SHMEMPAGES) : 0;
	e->oom_score_adj = BPF_CORE_READ(task, signal, oom_score_adj);
	e->trigger_pid = BPF_CORE_READ(current, tgid);
	bpf_probe_read_kernel_str(e->trigger_comm, sizeof(e->trigger_comm), current->comm);
	bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
	return 0;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(handle_signal, int sig, struct kernel_siginfo *info, struct task_struct *task, int group, int result)
{
	struct task_struct *current = bpf_get_current_task_btf();
	struct tapio_signal_event *e;

	if (sig <= 0 || sig >= 64 || !(fatal_signal_mask & (1ULL << sig)) || result != 0)
		return 0;
	e = reserve(sizeof(*e), TAPIO_EV_SIGNAL);
	if (!e)
		return 0;
	fill_task_header(&e->hdr, TAPIO_EV_SIGNAL, task);
	e->hdr.flags = group;
	e->sig = sig;
	/* SEND_SIG_NOINFO (0) and SEND_SIG_PRIV (1) are markers, not pointers. */
	if ((unsigned long)info == 0)
		e->code = SI_USER;
	else if ((unsigned long)info == 1)
		e->code = SI_KERNEL;
	else
		e->code = BPF_CORE_READ(info, si_code);
	e->result = result;
	e->sender_pid = BPF_CORE_READ(current, tgid);
	e->sender_cgroup_id = task_cgroup_id(current);
	bpf_probe_read_kernel_str(e->sender_comm, sizeof(e->sender_comm), current->comm);
	bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
	return 0;
}

/* ---- TCP ---------------------------------------------------------------------- */

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

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(handle_set_state, const struct sock *sk, const int oldstate, const int newstate)
{
	__u64 key = (__u64)sk;
	struct connector *owner;
	struct retransmit_state *retrans;
	struct tapio_tcp_close_event *e;
	int sk_err;

	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;

	if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT) {
		/* Inside connect(): the current task is the one connecting. */
		struct connector value = {};
		__u32 tid = (__u32)bpf_get_current_pid_tgid();
		struct connect_call *call;

		fill_current_header(&value.hdr, 0);
		value.connect_ns = value.hdr.ts_ns;
		bpf_map_update_elem(&connectors, &key, &value, BPF_ANY);
		call = bpf_map_lookup_elem(&connect_calls, &tid);
		if (call)
			call->sk = key;
		return 0;
	}
	if (newstate != TCP_CLOSE)
		return 0;

	owner = bpf_map_lookup_elem(&connectors, &key);
	retrans = bpf_map_lookup_elem(&retransmits, &key);
	if (retrans) {
		if (retrans->count >= retransmit_threshold)
			emit_retransmits(sk, retrans, owner, 1);
		bpf_map_delete_elem(&retransmits, &key);
	}

	sk_err = BPF_CORE_READ(sk, sk_err);
	if (!reportable_close(oldstate, sk_err))
		goto done;
	if (owner && oldstate == TCP_SYN_SENT) {
		/* Still inside the connect() that opened this socket: reported once, at
		 * syscall exit, with the errno the caller sees when it returns one. */
		__u32 tid = owner->hdr.tid;
		struct connect_call *call = bpf_map_lookup_elem(&connect_calls, &tid);
		if (call && call->sk == key) {
			fill_sock_tuple(&call->closed_tuple, sk);
			call->closed_err = sk_err;
			call->connect_ns = owner->connect_ns;
			count_slot(&counters, TAPIO_CNT_CONNECT_FAIL_IN_SYSCALL);
			goto done;
		}
	}
	e = reserve(sizeof(*e), TAPIO_EV_TCP_CLOSE);
	if (!e)
		goto done;
	fill_sock_header(&e->hdr, TAPIO_EV_TCP_CLOSE, sk, owner);
	fill_sock_tuple(&e->tuple, sk);
	e->sk_err = sk_err;
	e->oldstate = oldstate;
	e->newstate = newstate;
	e->connect_ns = owner ? owner->connect_ns : 0;
	bpf_ringbuf_submit(e, ringbuf_flags(&events, false));
done:
	if (owner)
		bpf_map_delete_elem(&connectors, &key);
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(handle_retransmit, const struct sock *sk)
{
	__u64 key = (__u64)sk;
	struct retransmit_state *state;

	count_slot(&counters, TAPIO_CNT_RETRANSMIT);
	state = bpf_map_lookup_elem(&retransmits, &key);
	if (!state) {
		struct retransmit_state fresh = {
			.count = 0,
			.next_report = retransmit_threshold ? retransmit_threshold : 1,
			.first_ns = bpf_ktime_get_boot_ns(),
		};
		bpf_map_update_elem(&retransmits, &key, &fresh, BPF_NOEXIST);
		state = bpf_map_lookup_elem(&retransmits, &key);
		if (!state)
			return 0;
	}
	__sync_fetch_and_add(&state->count, 1);
	if (state->count == state->next_report) {
		state->next_report = state->next_report * 2;
		emit_retransmits(sk, state, bpf_map_lookup_elem(&connectors, &key), 0);
	}
	return 0;
}

/* ---- connect() syscall ---------------------------------------------------------- */

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

SEC("tracepoint/syscalls/sys_enter_connect")
int handle_connect_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct connect_call call = {};
	struct sockaddr_any addr = {};
	const void *uaddr = (const void *)ctx->args[1];

	if (uaddr && bpf_probe_read_user(&addr, sizeof(addr), uaddr) == 0) {
		/* A short sockaddr_in may leave the v6 bytes as whatever followed it in
		 * user memory; only the family-relevant ones are used. */
		call.tuple.family = addr.family;
		call.tuple.dport = bpf_ntohs(addr.port);
		if (addr.family == AF_INET)
			__builtin_memcpy(call.tuple.daddr, addr.v4, 4);
		else if (addr.family == AF_INET6)
			__builtin_memcpy(call.tuple.daddr, addr.v6, 16);
	}
	if (call.tuple.family != AF_INET && call.tuple.family != AF_INET6)
		return 0;
	bpf_map_update_elem(&connect_calls, &tid, &call, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int handle_connect_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct tapio_connect_error_event *e;
	struct connect_call *call;
	long ret = ctx->ret;

	call = bpf_map_lookup_elem(&connect_calls, &tid);
	if (!call)
		return 0;
	if (ret == 0) {
		count_slot(&counters, TAPIO_CNT_CONNECT_OK);
		goto done;
	}
	if (ret == -ECONNREFUSED || ret == -ETIMEDOUT || ret == -ENETUNREACH || ret == -EHOSTUNREACH) {
		e = reserve(sizeof(*e), TAPIO_EV_CONNECT_ERROR);
		if (!e)
			goto done;
		fill_current_header(&e->hdr, TAPIO_EV_CONNECT_ERROR);
		e->tuple = call->tuple;
		e->err = -ret;
		e->pad = 0;
		bpf_ringbuf_submit(e, ringbuf_flags(&events, false));
	} else if (call->closed_err) {
		/* Non-blocking connect() that returned EINPROGRESS although the socket had
		 * already failed: the caller learns it later through SO_ERROR. */
		struct tapio_tcp_close_event *closed = reserve(sizeof(*closed), TAPIO_EV_TCP_CLOSE);
		if (!closed)
			goto done;
		fill_current_header(&closed->hdr, TAPIO_EV_TCP_CLOSE);
		closed->hdr.flags = 1;
		closed->tuple = call->closed_tuple;
		closed->sk_err = call->closed_err;
		closed->oldstate = TCP_SYN_SENT;
		closed->newstate = TCP_CLOSE;
		closed->connect_ns = call->connect_ns;
		bpf_ringbuf_submit(closed, ringbuf_flags(&events, false));
	}
done:
	bpf_map_delete_elem(&connect_calls, &tid);
	return 0;
}
