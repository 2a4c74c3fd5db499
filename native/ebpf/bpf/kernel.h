/* Events the kernel probes (kernel.bpf.c) hand to user space through the `events`
 * ring buffer. Shared by the BPF side only; the TypeScript decoder in
 * @tapio/collector-kernel mirrors these layouts and a test checks them against the
 * BTF of the compiled object. Every struct starts with tapio_event_header; fields are
 * ordered so that no implicit padding exists. */
#ifndef TAPIO_KERNEL_H
#define TAPIO_KERNEL_H

#define TAPIO_COMM_LEN 16
#define TAPIO_FILENAME_LEN 256

enum tapio_kernel_event_kind {
	TAPIO_EV_EXEC = 1,
	TAPIO_EV_EXIT = 2,
	TAPIO_EV_OOM = 3,
	TAPIO_EV_SIGNAL = 4,
	TAPIO_EV_TCP_CLOSE = 5,
	TAPIO_EV_RETRANSMIT = 6,
	TAPIO_EV_CONNECT_ERROR = 7,
};

/* Slots of the per-CPU `counters` array. 1..7: ring-buffer reserve failures of that
 * event kind. From 16: events aggregated in the kernel instead of being sent. */
enum tapio_kernel_counter {
	TAPIO_CNT_DROP_EXEC = 1,
	TAPIO_CNT_DROP_EXIT = 2,
	TAPIO_CNT_DROP_OOM = 3,
	TAPIO_CNT_DROP_SIGNAL = 4,
	TAPIO_CNT_DROP_TCP_CLOSE = 5,
	TAPIO_CNT_DROP_RETRANSMIT = 6,
	TAPIO_CNT_DROP_CONNECT_ERROR = 7,
	TAPIO_CNT_EXEC = 16,
	TAPIO_CNT_EXIT_CLEAN = 17,
	TAPIO_CNT_CONNECT_OK = 18,
	TAPIO_CNT_RETRANSMIT = 19,
	TAPIO_CNT_CONNECT_FAIL_IN_SYSCALL = 20,
	TAPIO_CNT_SLOTS = 24,
};

struct tapio_event_header {
	__u64 ts_ns;      /* CLOCK_BOOTTIME */
	__u64 cgroup_id;  /* cgroup v2 id of the task (socket events: of the socket) */
	__u64 memcg_id;   /* kernfs id of the memory cgroup (v1 memory hierarchy or v2) */
	__u32 kind;       /* enum tapio_kernel_event_kind */
	__u32 pid;        /* thread group id; 0 when no process is known (softirq) */
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 flags;      /* kind-specific */
	char comm[TAPIO_COMM_LEN];
};

/* Addresses in network byte order, ports in host byte order. */
struct tapio_sock_tuple {
	__u16 family;
	__u16 sport;
	__u16 dport;
	__u16 pad;
	__u8 saddr[16];
	__u8 daddr[16];
};

struct tapio_exec_event {
	struct tapio_event_header hdr;
	__u32 old_pid;
	__u32 filename_len;
	char filename[TAPIO_FILENAME_LEN];
};

struct tapio_exit_event {
	struct tapio_event_header hdr;
	__s32 exit_code;     /* (status >> 8) & 0xff */
	__u32 signal;        /* status & 0x7f */
	__u32 core_dumped;
	__u32 pad;
	__u64 start_ns;      /* task start, CLOCK_BOOTTIME */
};

struct tapio_oom_event {
	struct tapio_event_header hdr;   /* the victim */
	__u64 total_vm_pages;
	__u64 anon_rss_pages;
	__u64 file_rss_pages;
	__u64 shmem_rss_pages;
	__s32 oom_score_adj;
	__u32 trigger_pid;               /* the task whose allocation invoked the OOM killer */
	char trigger_comm[TAPIO_COMM_LEN];
};

struct tapio_signal_event {
	struct tapio_event_header hdr;   /* the target */
	__s32 sig;
	__s32 code;                      /* si_code; SI_KERNEL (0x80) for kernel-generated */
	__s32 result;
	__u32 sender_pid;
	__u64 sender_cgroup_id;
	char sender_comm[TAPIO_COMM_LEN];
};

/* A TCP socket reached CLOSE with an error: a failed connect (from SYN_SENT) or a
 * reset / timeout of an established connection. hdr.flags: 1 when the process comes
 * from the connect() that opened the socket, 0 when only the socket's cgroup is known. */
struct tapio_tcp_close_event {
	struct tapio_event_header hdr;
	struct tapio_sock_tuple tuple;
	__s32 sk_err;
	__u16 oldstate;
	__u16 newstate;
	__u64 connect_ns;                /* when connect() started; 0 when unknown */
};

/* Retransmissions aggregated per connection in the kernel: sent when the count reaches
 * the threshold and each doubling after it, and once more (final=1) when it closes. */
struct tapio_retransmit_event {
	struct tapio_event_header hdr;
	struct tapio_sock_tuple tuple;
	__u32 retransmits;
	__u32 final;
	__u64 first_ns;
	__s32 state;
	__u32 pad;
};

/* connect() returned an error the agent cares about, seen at syscall exit. */
struct tapio_connect_error_event {
	struct tapio_event_header hdr;
	struct tapio_sock_tuple tuple;   /* destination from the connect() arguments */
	__s32 err;                       /* positive errno */
	__u32 pad;
};

#endif
