import type { RawEvent } from '@tapio/plugin-api';
import { token } from '@tapio/plugin-api';
import type { StateStore } from './state-store.js';

/**
 * Single-process durability: every RawEvent a collector hands over is appended here before
 * the hand-over returns (it is then accepted), so a kill -9 loses none of them. At start
 * the RawEvents accepted since the last checkpoint are processed again (their derived
 * event ids are deterministic, so what was already stored is stored once). A checkpoint
 * holds new appends, lets the caller bring everything to rest (drain the bus, save the
 * graph), saves the transformers' state with the log position and empties the log.
 */
export interface WriteAheadLog {
  readonly checkpointIntervalMs: number;
  /** The transformers' state, saved with each checkpoint. */
  readonly state: StateStore;
  /** RawEvents accepted since the last checkpoint, oldest first. */
  recover(): Promise<RawEvent[]>;
  /** Resolves once the RawEvent is written. */
  append(raw: RawEvent): Promise<void>;
  /** Appends wait while `settle` runs; then the state and position are saved and the log emptied. */
  checkpoint(settle: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}
export const WriteAheadLog = token<WriteAheadLog>('WriteAheadLog');
