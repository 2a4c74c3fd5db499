/* Helpers shared by Tapio's BPF programs: task identity, adaptive ring-buffer wake-ups
 * and per-CPU counters. Include after vmlinux.h and the libbpf headers. */
#ifndef TAPIO_COMMON_BPF_H
#define TAPIO_COMMON_BPF_H

/* Ring-buffer consumers are woken only once this much data is waiting (urgent events
 * always wake); the user-space poll timeout bounds the latency of the rest. Set by the
 * loader before load. */
const volatile __u32 wakeup_bytes = 64 * 1024;

static __always_inline void count_slot(void *counters, __u32 slot)
{
	__u64 *value = bpf_map_lookup_elem(counters, &slot);
	if (value)
		*value += 1; /* per-CPU slot: no atomics needed */
}

static __always_inline __u64 ringbuf_flags(void *ringbuf, bool urgent)
{
	if (urgent)
		return BPF_RB_FORCE_WAKEUP;
	return bpf_ringbuf_query(ringbuf, BPF_RB_AVAIL_DATA) >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline __u64 task_cgroup_id(struct task_struct *task)
{
	return BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
}

static __always_inline __u64 task_memcg_id(struct task_struct *task)
{
	int memory = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	struct cgroup_subsys_state *css;

	if (memory < 0 || memory >= CGROUP_SUBSYS_COUNT)
		return 0;
	css = BPF_CORE_READ(task, cgroups, subsys[memory]);
	if (!css)
		return 0;
	return BPF_CORE_READ(css, cgroup, kn, id);
}

#endif
