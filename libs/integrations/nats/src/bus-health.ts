import type { CircuitReport, ComponentHealth } from '@tapio/domain';
import type { NatsBusStats } from './bus-stats.js';
import type { ConnectionPhase } from './nats-connector.js';

export interface BusHealthInput {
  phase: ConnectionPhase;
  /** Why the connection is not up, when known. */
  reason: string | undefined;
  servers: string;
  server: string | undefined;
  connectAttempts: number;
  stats: NatsBusStats;
  lastPublishError: string | undefined;
  /** The `nats-publish` circuit breaker around the publisher's sends. */
  circuit: CircuitReport;
  /** The first consumer that cannot run right now, if any. */
  consumerError: string | undefined;
  maxBuffered: number;
}

/** The bus's health from its connection phase, counters and consumers, with the figures an operator needs. */
export function busHealth(input: BusHealthInput): ComponentHealth {
  const { stats, phase, servers } = input;
  const details: Record<string, string | number | boolean> = {
    servers,
    published: stats.published,
    delivered: stats.delivered,
    buffered: stats.buffered,
    dropped: stats.dropped,
    duplicates: stats.duplicates,
    redelivered: stats.redelivered,
    deadLettered: stats.deadLettered,
    reconnects: stats.reconnects,
    connectAttempts: input.connectAttempts,
    ...input.circuit.flatDetails('publishCircuit'),
  };
  if (input.server) details['server'] = input.server;
  if (input.lastPublishError) details['lastPublishError'] = input.lastPublishError;
  switch (phase) {
    case 'closed':
      return { status: 'stopped', details };
    case 'idle':
      return { status: 'starting', reason: 'not started', details };
    case 'connecting':
      return { status: 'starting', reason: `connecting to NATS at ${servers}`, details };
    case 'down':
      return { status: 'down', reason: input.reason ?? `cannot reach NATS at ${servers}`, details };
    case 'reconnecting':
      return { status: 'degraded', reason: `${input.reason ?? 'NATS connection lost'}; ${stats.buffered} publishes buffered, ${stats.dropped} dropped`, details };
    case 'ready':
      break;
  }
  if (input.circuit.state !== 'closed') {
    const circuit = input.circuit.details();
    return { status: 'degraded', reason: `publish circuit ${circuit.state} since ${circuit.since} (${circuit.lastFailure ?? 'repeated failures'}): ${stats.buffered} publishes held`, details };
  }
  if (input.consumerError) return { status: 'degraded', reason: input.consumerError, details };
  if (stats.buffered >= input.maxBuffered * 0.8) {
    return { status: 'degraded', reason: `publish buffer ${stats.buffered}/${input.maxBuffered} full: NATS is not keeping up`, details };
  }
  return { status: 'ok', details };
}
