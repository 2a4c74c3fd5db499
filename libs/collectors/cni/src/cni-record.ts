import { z } from '@tapio/plugin-api';

/** RawEvent source of the CNI collector (seed 000's `cni` source is its NetworkPolicy payloads). */
export const CNI_TAP_SOURCE = 'cni_tap';

const Ip = z.object({ address: z.string().min(1), gateway: z.string().optional(), interface: z.number().int().optional() });

/** One line of the spool tapio-cni-tap appends: an ADD / DEL / CHECK with its result or error. */
export const CniRecord = z.object({
  time: z.iso.datetime({ offset: true }),
  command: z.enum(['ADD', 'DEL', 'CHECK']),
  network: z.string(),
  plugin: z.string().min(1),
  containerId: z.string().min(1),
  netns: z.string(),
  ifName: z.string(),
  pod: z.object({ namespace: z.string(), name: z.string(), uid: z.string() }),
  durationMs: z.number().nonnegative(),
  exitCode: z.number().int(),
  /** The plugin's CNI result (interfaces, ips with gateway, routes); null for DEL. */
  result: z.object({ interfaces: z.array(z.object({ name: z.string(), mac: z.string().optional(), sandbox: z.string().optional() })).default([]), ips: z.array(Ip).default([]) }).nullish(),
  /** The plugin's CNI error ({code, msg, details}), or its stderr when it printed none. */
  error: z.object({ code: z.number().int().optional(), msg: z.string().optional(), details: z.string().optional(), unparsed: z.string().optional() }).optional(),
  /** Set by the collector: the node the plugin ran on. */
  node: z.string().min(1),
});
export type CniRecord = z.infer<typeof CniRecord>;
