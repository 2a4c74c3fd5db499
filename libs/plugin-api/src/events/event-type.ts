import { z } from 'zod';

/**
 * The normalised event vocabulary. Every UnifiedEvent carries exactly one of these;
 * patterns, correlators and queries speak this language, never a collector's raw type.
 * Grouped by what produces them; a type may be produced by several collectors
 * (an OOM kill is seen by the kubelet, the API server and the kernel).
 */
export const EVENT_TYPES = [
  // Seed 000 mapping table
  'pod_failed',
  'pod_restart',
  'pod_ready',
  'connection_failed',
  'service_unavailable',
  'network_policy_violation',
  'config_changed',
  'secret_changed',
  // Object lifecycle (Kubernetes API)
  'resource_created',
  'resource_updated',
  'resource_deleted',
  'workload_spec_changed',
  'workload_scaled',
  'rollout_started',
  'rollout_completed',
  'rollout_stalled',
  'service_changed',
  'endpoints_changed',
  'service_restored',
  'network_policy_changed',
  'node_spec_changed',
  // Limits on workloads: ResourceQuota, LimitRange, PodDisruptionBudget
  'quota_changed',
  'limits_changed',
  'disruption_budget_changed',
  // Capacity and scheduling policy: HorizontalPodAutoscaler bounds, PriorityClass
  'autoscaler_changed',
  'priority_changed',
  // Admission policy: a Namespace's Pod Security Standard labels
  'admission_policy_changed',
  // RBAC: a Role's or ClusterRole's rules, a binding's subjects changed, or one of them deleted
  'permission_changed',
  // Leases: leader failover, node heartbeats
  'lease_holder_changed',
  // Pod failure signals
  'pod_not_ready',
  'oom_killed',
  'crash_loop',
  'image_pull_failed',
  'pod_pending',
  'pod_unschedulable',
  'pod_evicted',
  'probe_failed',
  'container_killed',
  'pod_scheduled',
  'pod_completed',
  'volume_attach_failed',
  'volume_mount_failed',
  'replica_create_failed',
  'replica_created',
  'job_failed',
  'hpa_failed',
  'hpa_at_max',
  'pod_preempted',
  'pod_disrupted',
  // PodDisruptionBudgets: fewer healthy pods than the budget requires (and back); an eviction it refused
  'disruption_budget_violated',
  'disruption_budget_restored',
  'eviction_blocked',
  // Ingress: a backend it routes to is missing or has no ready endpoint (and back)
  'ingress_backend_unavailable',
  'ingress_backend_restored',
  // Node conditions
  'node_ready',
  'node_not_ready',
  'memory_pressure',
  'disk_pressure',
  'pid_pressure',
  'network_unavailable',
  'node_pressure_relieved',
  'node_rebooted',
  'node_heartbeat_missed',
  // Resource usage read from the kubelet (/stats/summary against the limits of /pods)
  'resource_usage',
  'memory_limit_approaching',
  // Planned node lifecycle: kubectl drain (cordon), cluster-autoscaler scale-down (its taint)
  'node_cordoned',
  'node_uncordoned',
  // Kubernetes Event objects with no more specific meaning
  'k8s_event',
  // Kernel (eBPF)
  'oom_kill',
  'process_exec',
  'process_exit',
  'process_crashed',
  'connection_refused',
  'connection_timeout',
  'connection_reset',
  'network_unreachable',
  'tcp_retransmits_high',
  // DNS
  'dns_failure',
  'dns_timeout',
  'dns_slow',
  // Container runtime (CRI) and CNI
  'container_created',
  'container_started',
  'container_exited',
  'container_deleted',
  'image_changed',
  'image_deleted',
  'cni_error',
  'pod_network_setup',
  'pod_network_teardown',
  'ip_allocation_failed',
  // systemd journal
  'service_failed',
  'service_restarted',
  'service_started',
  'service_stopped',
  'journal_error',
  // Kernel messages read from the journal
  'hung_task',
  'link_down',
  'link_up',
  'filesystem_error',
  // etcd
  'etcd_slow',
  'etcd_leader_changed',
  'etcd_member_down',
  'etcd_member_up',
  'etcd_alarm',
  'etcd_alarm_cleared',
  'etcd_db_quota_high',
  'etcd_compacted',
  'etcd_defragmented',
  'etcd_key_changed',
  // Third-party collectors that map to nothing above
  'custom',
] as const;

export const EventType = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventType>;

export const EVENT_CATEGORIES = [
  'availability',
  'performance',
  'configuration',
  'security',
  'network',
  'lifecycle',
  'capacity',
  'scheduling',
  'storage',
] as const;

export const EventCategory = z.enum(EVENT_CATEGORIES);
export type EventCategory = z.infer<typeof EventCategory>;
