import { copyFileSync, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawEvent, TransformContext } from '@tapio/domain';

export const context: TransformContext = {
  eventId: (raw, discriminator) => `${raw.timestamp}|${String((raw.data as { fields?: Record<string, unknown> }).fields?.['__CURSOR'])}|${discriminator}`,
  processedAt: new Date().toISOString(),
  cluster: 'test',
};

export function messageOf(event: RawEvent): string {
  return String((event.data as { fields: Record<string, unknown> }).fields['MESSAGE'] ?? '');
}

export async function waitUntil(description: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${description} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A memory-limited cgroup named like a systemd service, on the v1 memory hierarchy when
 * there is one (else cgroup v2), and a copy of `tail` with a unique name that eats memory
 * in it until the kernel's OOM killer kills it.
 */
export function memoryHog(name: string, limitBytes: number): { cgroupProcs: string; program: string; remove(): void } {
  const v1 = '/sys/fs/cgroup/memory';
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers') ? '/sys/fs/cgroup' : '/sys/fs/cgroup/unified';
  let path: string;
  if (existsSync(join(v1, 'memory.limit_in_bytes'))) {
    path = join(v1, `${name}.service`);
    mkdirSync(path);
    writeFileSync(join(path, 'memory.limit_in_bytes'), String(limitBytes));
    if (existsSync(join(path, 'memory.memsw.limit_in_bytes'))) writeFileSync(join(path, 'memory.memsw.limit_in_bytes'), String(limitBytes));
  } else {
    if (!readFileSync(join(v2, 'cgroup.subtree_control'), 'utf8').includes('memory')) writeFileSync(join(v2, 'cgroup.subtree_control'), '+memory');
    path = join(v2, `${name}.service`);
    mkdirSync(path);
    writeFileSync(join(path, 'memory.max'), String(limitBytes));
    if (existsSync(join(path, 'memory.swap.max'))) writeFileSync(join(path, 'memory.swap.max'), '0');
  }
  const program = join('/tmp', name.slice(0, 15));
  copyFileSync('/usr/bin/tail', program);
  return {
    cgroupProcs: join(path, 'cgroup.procs'),
    program,
    remove() {
      for (let attempt = 0; attempt < 100; attempt++) {
        try {
          rmdirSync(path);
          break;
        } catch {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        }
      }
    },
  };
}
