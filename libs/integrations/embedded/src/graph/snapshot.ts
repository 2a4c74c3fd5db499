import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Correlation, Feedback, Insight, PatternConfidence, Prediction, ResourceNode, TopologyEdge, UnifiedEvent } from '@tapio/domain';

export interface SnapshotContent {
  topology: { nodes: ResourceNode[]; edges: TopologyEdge[] };
  events: UnifiedEvent[];
  correlations: Correlation[];
  insights: Insight[];
  predictions: Prediction[];
  feedback: Feedback[];
  patterns: PatternConfidence[];
}

export interface SnapshotInput extends Omit<SnapshotContent, 'events'> {
  events: Iterable<UnifiedEvent>;
}

const HEADER = { format: 'tapio-graph-snapshot', version: 1 };
type Kind = 'node' | 'edge' | 'event' | 'correlation' | 'insight' | 'prediction' | 'feedback' | 'pattern';

/**
 * Writes the graph as NDJSON (one record per line, so a million events never build
 * one giant string) to a temporary file, then renames it over the snapshot: a crash
 * mid-write leaves the previous snapshot intact.
 */
export async function saveSnapshot(file: string, input: SnapshotInput): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  // Unique per save: two saves writing one temporary file corrupted each other.
  const temporary = `${file}.tmp-${process.pid}-${(saves += 1)}-${randomBytes(4).toString('hex')}`;
  try {
    await writeSnapshotFile(temporary, input);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

let saves = 0;

async function writeSnapshotFile(temporary: string, input: SnapshotInput): Promise<void> {
  const out = createWriteStream(temporary, { encoding: 'utf8' });
  const write = async (line: string): Promise<void> => {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  };
  const records = async (kind: Kind, items: Iterable<unknown>): Promise<void> => {
    for (const item of items) await write(JSON.stringify({ k: kind, v: item }));
  };
  await write(JSON.stringify(HEADER));
  await records('node', input.topology.nodes);
  await records('edge', input.topology.edges);
  await records('event', input.events);
  await records('correlation', input.correlations);
  await records('insight', input.insights);
  await records('prediction', input.predictions);
  await records('feedback', input.feedback);
  await records('pattern', input.patterns);
  out.end();
  await once(out, 'close');
}

/** Reads a snapshot; undefined when there is none yet. A corrupt file is an error naming the line. */
export async function loadSnapshot(file: string): Promise<SnapshotContent | undefined> {
  try {
    await stat(file);
  } catch {
    return undefined;
  }
  const content: SnapshotContent = { topology: { nodes: [], edges: [] }, events: [], correlations: [], insights: [], predictions: [], feedback: [], patterns: [] };
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) {
    number += 1;
    if (!line.trim()) continue;
    let record: { k?: Kind; v?: unknown; format?: string; version?: number };
    try {
      record = JSON.parse(line) as typeof record;
    } catch (error) {
      throw new Error(`graph snapshot ${file}:${number}: not JSON (${(error as Error).message})`);
    }
    if (number === 1) {
      if (record.format !== HEADER.format || record.version !== HEADER.version) throw new Error(`graph snapshot ${file}: not a Tapio graph snapshot (version ${HEADER.version})`);
      continue;
    }
    switch (record.k) {
      case 'node': content.topology.nodes.push(record.v as ResourceNode); break;
      case 'edge': content.topology.edges.push(record.v as TopologyEdge); break;
      case 'event': content.events.push(record.v as UnifiedEvent); break;
      case 'correlation': content.correlations.push(record.v as Correlation); break;
      case 'insight': content.insights.push(record.v as Insight); break;
      case 'prediction': content.predictions.push(record.v as Prediction); break;
      case 'feedback': content.feedback.push(record.v as Feedback); break;
      case 'pattern': content.patterns.push(record.v as PatternConfidence); break;
      default: throw new Error(`graph snapshot ${file}:${number}: unknown record kind "${String(record.k)}"`);
    }
  }
  return content;
}
