import { circuitSettings, DEFAULT_CLUSTER, z } from '@tapio/plugin-api';

/** The kubelet collector's section of tapio.yaml (`collectors.kubelet`). */
export const KubeletConfig = z
  .object({
    /**
     * The node's kubelet on its secure port. In a DaemonSet: `https://$(HOST_IP):10250` (the
     * downward API's status.hostIP); default from HOST_IP, else 127.0.0.1.
     */
    endpoint: z.url().optional(),
    /**
     * Stamped on every event, as the kubeapi collector stamps its `cluster`: the two must name
     * the cluster alike for the kubelet's usage and the API server's OOMKilled to meet on one Pod.
     */
    cluster: z.string().min(1).default(DEFAULT_CLUSTER),
    /** The Node's name (downward API spec.nodeName); default NODE_NAME, else the host name. */
    nodeName: z.string().min(1).optional(),
    /**
     * How Tapio proves who it is: a ServiceAccount token file (re-read on every poll, so a
     * rotated projected token is picked up) or a client certificate. Never anonymous.
     */
    auth: z
      .union([
        z.object({ tokenFile: z.string().min(1) }).strict(),
        z.object({ cert: z.string().min(1), key: z.string().min(1) }).strict(),
      ])
      .default({ tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token' }),
    tls: z
      .object({
        /** CA (or the kubelet's self-signed certificate) that signed the kubelet's serving certificate. */
        ca: z.string().min(1).optional(),
        /** The name the serving certificate is issued for when it is not the endpoint's host (a self-signed one names the node). */
        serverName: z.string().min(1).optional(),
        /** Do not verify the kubelet's certificate (like metrics-server's --kubelet-insecure-tls); the token is still sent. */
        insecureSkipVerify: z.boolean().default(false),
      })
      .strict()
      .default({ insecureSkipVerify: false }),
    intervalMs: z.number().int().min(100).default(10_000),
    requestTimeoutMs: z.number().int().min(100).default(5_000),
    /** The circuit breaker around the polls (collector:kubelet): failed polls in a row that leave the kubelet alone until halfOpenAfterMs passed. */
    circuit: circuitSettings({ failures: 3, halfOpenAfterMs: 30_000 }),
    /** A container's sample is reported on every poll while any usage is at least this share of its limit. */
    reportPercent: z.number().min(1).max(100).default(80),
    /** ... or when a usage share moved this many points since its last report. */
    changePoints: z.number().min(1).max(100).default(10),
    /** ... and at least this often (usage of every container, for graphs and trends elsewhere). */
    reportEveryMs: z.number().int().min(1000).default(300_000),
    trend: z
      .object({
        /** Samples of the last windowMs fit a line of memory working set against time. */
        windowMs: z.number().int().min(1000).default(300_000),
        minSamples: z.number().int().min(2).default(4),
        /** ... spanning at least this long: a container filling up to its steady state after a start is not a trend. */
        minSpanMs: z.number().int().min(0).default(60_000),
        /** Reported when that line reaches the memory limit within this many minutes. */
        horizonMinutes: z.number().min(1).default(30),
        /**
         * ... and fits the samples at least this well (R², 0..1): a working set that only jitters
         * around a level has a line that fits poorly, and predicting an OOM kill from it is a false alarm.
         */
        minFit: z.number().min(0).max(1).default(0.8),
      })
      .strict()
      .default({ windowMs: 300_000, minSamples: 4, minSpanMs: 60_000, horizonMinutes: 30, minFit: 0.8 }),
    /** The kubelet's own eviction thresholds (kubelet defaults); pressure is reported when one is crossed. */
    pressure: z
      .object({
        memoryAvailableBytes: z.number().min(0).default(100 * 1024 * 1024),
        nodefsAvailablePercent: z.number().min(0).max(100).default(10),
        nodefsInodesFreePercent: z.number().min(0).max(100).default(5),
        pidAvailablePercent: z.number().min(0).max(100).default(5),
      })
      .strict()
      .default({ memoryAvailableBytes: 100 * 1024 * 1024, nodefsAvailablePercent: 10, nodefsInodesFreePercent: 5, pidAvailablePercent: 5 }),
  })
  .strict();
export type KubeletConfig = z.infer<typeof KubeletConfig>;
export type KubeletConfigInput = z.input<typeof KubeletConfig>;
