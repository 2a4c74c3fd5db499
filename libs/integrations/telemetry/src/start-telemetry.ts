import type { Telemetry, TelemetryIdentity } from './telemetry-types.js';
import type { TelemetryConfig } from './telemetry-config.js';

/**
 * Starts Tapio's own telemetry as `telemetry:` says. Off (the default), nothing is loaded:
 * the SDK and its exporters are imported only when it is on, so a command that does not
 * export telemetry does not pay for them.
 */
export async function startTelemetry(config: TelemetryConfig, identity: TelemetryIdentity): Promise<Telemetry> {
  if (!config.enabled) return { shutdown: async () => undefined };
  const { startSdk } = await import('./telemetry-sdk.js');
  return startSdk(config, identity);
}
