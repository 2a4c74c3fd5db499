import { z } from 'zod';

/** The RawEvent types of source `cri`: one per containerd topic Tapio reports. */
export const CRI_TOPICS = {
  '/tasks/oom': 'task_oom',
  '/tasks/exit': 'task_exit',
  '/tasks/start': 'task_start',
  '/containers/create': 'container_create',
  '/containers/delete': 'container_delete',
  '/images/create': 'image_create',
  '/images/update': 'image_update',
  '/images/delete': 'image_delete',
} as const;
export type CriRawType = (typeof CRI_TOPICS)[keyof typeof CRI_TOPICS];

/** Who a container belongs to, from the labels the CRI plugin puts on it. */
export const CriWorkload = z.object({
  containerId: z.string().min(1),
  /** `container` or `sandbox` (io.cri-containerd.kind); absent for containers not made by the CRI. */
  kind: z.string().optional(),
  podName: z.string().optional(),
  podNamespace: z.string().optional(),
  podUid: z.string().optional(),
  containerName: z.string().optional(),
  image: z.string().optional(),
});
export type CriWorkload = z.infer<typeof CriWorkload>;

/** RawEvent.data of source `cri`. */
export const CriEventData = z.object({
  node: z.string().min(1),
  /** containerd namespace of the event. */
  namespace: z.string(),
  topic: z.string().min(1),
  /** The decoded event payload, as containerd's protos define it (snake_case fields). */
  event: z.record(z.string(), z.unknown()),
  workload: CriWorkload.optional(),
});
export type CriEventData = z.infer<typeof CriEventData>;
