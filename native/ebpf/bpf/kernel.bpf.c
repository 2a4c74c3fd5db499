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

#include "kernel-events.bpf.h"
#include "kernel-process.bpf.h"
#include "kernel-tcp.bpf.h"

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
