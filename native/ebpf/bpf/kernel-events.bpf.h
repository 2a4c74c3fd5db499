// SPDX-License-Identifier: GPL-2.0
/* The kernel probes' shared output: loader-set configuration, the `events` ring buffer and
 * the counters, and the event header every probe family fills. Included by kernel.bpf.c
 * after vmlinux.h, the libbpf headers, kernel.h and common.bpf.h. */
#ifndef TAPIO_KERNEL_EVENTS_BPF_H
#define TAPIO_KERNEL_EVENTS_BPF_H

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

#endif /* TAPIO_KERNEL_EVENTS_BPF_H */
