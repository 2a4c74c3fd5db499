/** The thresholds of the etcd collector's settings that decide what is slow or full. */
export interface EtcdConfigThresholds {
  fsyncSlowMs: number;
  commitSlowMs: number;
  quotaRatio: number;
}
