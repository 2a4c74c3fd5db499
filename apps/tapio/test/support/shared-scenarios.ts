import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * Where the shared example scenarios (configmap-cascade, oom-cascade, benign-rollout) are read from.
 * The design hands them out beside the checkout (`../shared/scenarios`), which a fresh clone in
 * another folder does not have; so a copy is kept in examples/recordings/shared and used when the
 * folder beside the checkout is absent. TAPIO_SCENARIOS names another folder (for example newer
 * recordings of the same names) and wins over both.
 */
const REPO = new URL('../../../../', import.meta.url);

function resolveScenarios(): URL {
  const override = process.env.TAPIO_SCENARIOS;
  if (override) {
    if (!existsSync(override)) throw new Error(`TAPIO_SCENARIOS=${override}: no such folder`);
    return pathToFileURL(override.endsWith('/') ? override : `${override}/`);
  }
  const beside = new URL('../shared/scenarios/', REPO);
  if (existsSync(new URL('configmap-cascade.ndjson', beside))) return beside;
  return new URL('examples/recordings/shared/', REPO);
}

/** The folder of the shared scenarios, as a file URL ending in '/'. */
export const SHARED_SCENARIOS: URL = resolveScenarios();
