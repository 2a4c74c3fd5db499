// SPDX-License-Identifier: GPL-2.0
/* Process-family helpers (exec, exit, OOM kill, fatal signal): signal origins and the
 * mm counters read across kernel versions. Included by kernel.bpf.c. */
#ifndef TAPIO_KERNEL_PROCESS_BPF_H
#define TAPIO_KERNEL_PROCESS_BPF_H

#define SI_USER 0
#define SI_KERNEL 0x80

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

#endif /* TAPIO_KERNEL_PROCESS_BPF_H */
