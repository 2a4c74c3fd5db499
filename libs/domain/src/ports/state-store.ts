import type { ComponentHealth } from '@tapio/plugin-api';
import { token } from '@tapio/plugin-api';

/**
 * Durable key-value state shared by the processes of one Tapio (a NATS JetStream stream
 * keeping the last value of each key, or a file in single-process mode). The transformer
 * stage keeps the stateful transformers' state in it (DurableTransformerState), so a
 * restarted or killed transformer diffs each object against the version it last saw.
 * Values are JSON; `write` resolves once the changes are durable. A value (and each
 * element of an array value) is not changed after it was written: a new value is a new
 * object (the NATS store keeps the JSON of array elements it wrote before).
 */
export interface StateStore {
  /** Every entry kept under one scope. */
  load(scope: string): Promise<Array<[string, unknown]>>;
  /** Writes the changes of one scope (undefined value: remove the key); resolves when durable. */
  write(scope: string, changes: ReadonlyArray<readonly [string, unknown]>): Promise<void>;
  health(): ComponentHealth;
  close(): Promise<void>;
}
export const StateStore = token<StateStore>('StateStore');
