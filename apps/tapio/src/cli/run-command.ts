import { parseDuration, type Logger, type Metrics } from '@tapio/domain';
import { compose } from '../compose.js';
import type { LoadedConfig } from '../config/load-config.js';
import { loadConfigFromArgs } from './config-from-args.js';
import { RUN_MODES, type RunMode } from '../config/schema.js';
import { createLogger } from '../logging.js';
import { ModeNotAvailableError, TapioRuntime } from '../runtime/tapio-runtime.js';
import { withTokensFromEnv } from '@tapio/api/config';
import { tapioVersion } from '../version.js';
import { InsightOutputs } from '../outputs/insight-outputs.js';
import { StatusServer } from '../runtime/status-server.js';
import { startTelemetry } from '@tapio/telemetry';
import { stringFlag, UsageError, type ParsedArgs } from './args.js';

export { loadConfigFromArgs };

function modeFrom(args: ParsedArgs, loaded: LoadedConfig): RunMode {
  const mode = stringFlag(args, 'mode') ?? loaded.config.mode;
  if (!(RUN_MODES as readonly string[]).includes(mode)) throw new UsageError(`unknown mode "${mode}" (use one of ${RUN_MODES.join(', ')})`);
  return mode as RunMode;
}

/** `-partition N`: this correlation worker (or transformer) takes partition N of `bus.nats.partitions`. */
function partitionFrom(args: ParsedArgs, loaded: LoadedConfig): { partition?: { index: number; count: number } } {
  const text = stringFlag(args, 'partition');
  if (text === undefined) return {};
  const count = Number((loaded.config.bus.nats as { partitions?: unknown } | undefined)?.partitions ?? 1);
  const index = Number(text);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new UsageError(`-partition ${text}: must be a whole number from 0 to ${count - 1} (bus.nats.partitions is ${count})`);
  }
  return { partition: { index, count } };
}

/** `status:` of the configuration, its port replaced by `-status-port N` when given. */
function statusFrom(args: ParsedArgs, loaded: LoadedConfig): { host: string; port: number } | undefined {
  const text = stringFlag(args, 'statusPort');
  if (text === undefined) return loaded.config.status;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`-status-port ${text}: must be a port number from 0 to 65535`);
  return { host: loaded.config.status?.host ?? '127.0.0.1', port };
}

/**
 * `tapio run`: start the configured mode and run until SIGINT / SIGTERM, then stop
 * cleanly, flushing what was accepted. A second signal exits at once.
 */
export async function runCommand(args: ParsedArgs): Promise<number> {
  const loaded = await loadConfigFromArgs(args);
  const mode = modeFrom(args, loaded);
  const logger = createLogger(loaded.config.log.level, loaded.config.log.format);
  let runtime: TapioRuntime;
  let outputs: InsightOutputs | undefined;
  let metrics: Metrics;
  // Before anything else starts, so the first events are traced; flushed after the rest stopped.
  const telemetry = await startTelemetry(loaded.config.telemetry, { version: tapioVersion(), mode, cluster: loaded.config.cluster });
  try {
    const composition = await compose(loaded, logger, undefined, telemetry);
    metrics = composition.metrics;
    // Insights leave Tapio where they form: the process that runs correlation.
    if (mode === 'all' || mode === 'correlation') {
      outputs = new InsightOutputs(composition.bus, composition.sinks, composition.metrics, logger.child({ component: 'outputs' }), {
        resolveAfterMs: parseDuration(loaded.config.outputs.resolveAfter ?? loaded.config.correlation.mergeWindow),
        maxOpen: loaded.config.correlation.limits.maxIncidents,
        tracing: composition.tracing,
      });
    }
    runtime = new TapioRuntime(composition, mode, {
      cluster: loaded.config.cluster,
      busType: loaded.config.bus.type,
      correlation: loaded.config.correlation,
      degradation: loaded.config.degradation,
      baseDir: loaded.baseDir,
      watchPatterns: true,
      ...partitionFrom(args, loaded),
      api: withTokensFromEnv(loaded.config.api),
      version: tapioVersion(),
    });
  } catch (error) {
    await telemetry.shutdown();
    if (error instanceof ModeNotAvailableError) {
      process.stderr.write(`tapio: ${error.message}\n`);
      return 3;
    }
    throw error;
  }
  // A process without the REST API answers probes and scrapes on `status:` when set, from
  // before it starts: a start that waits minutes for Neo4j or NATS is alive (/healthz) and
  // says what it waits for (/readyz 503 with the step), so a liveness probe does not kill it.
  const started = runtime;
  const statusConfig = statusFrom(args, loaded);
  const status = statusConfig && !runtime.stages.api ? new StatusServer(statusConfig, { health: () => started.health(), metrics }) : undefined;
  try {
    await status?.start();
  } catch (error) {
    await telemetry.shutdown();
    throw error;
  }
  if (status) logger.info({ url: status.url() }, 'status endpoints listening (/healthz, /readyz, /metrics)');
  try {
    await outputs?.start();
    await runtime.start();
  } catch (error) {
    await status?.stop();
    throw error;
  }
  if (loaded.config.telemetry.enabled) logger.info({ endpoint: loaded.config.telemetry.endpoint, traces: loaded.config.telemetry.traces.enabled, metrics: loaded.config.telemetry.metrics.enabled }, 'OpenTelemetry export on');
  return waitForSignal(runtime, logger, async () => {
    await status?.stop();
    await outputs?.stop();
    await telemetry.shutdown();
  });
}

function waitForSignal(runtime: TapioRuntime, logger: Logger, afterStop: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    // A daemon: stay up after finite collectors (a replay) finish, until told to stop.
    const keepAlive = setInterval(() => undefined, 60_000);
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without flushing');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down');
      runtime
        .stop()
        .then(afterStop)
        .then(
          () => resolve(0),
          (error: Error) => {
            logger.error({ err: error }, 'shutdown failed');
            resolve(1);
          },
        )
        .finally(() => clearInterval(keepAlive));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
