export { compose } from './compose.js';
export type { Composition } from './compose.js';
export { loadConfig, parseConfig, ConfigError } from './config/load-config.js';
export type { LoadedConfig } from './config/load-config.js';
export { TapioConfig, RunMode, RUN_MODES } from './config/schema.js';
export { TapioRuntime, ModeNotAvailableError } from './runtime/tapio-runtime.js';
export { createLogger } from './logging.js';
export { BUILTIN_PLUGINS } from './plugins/builtin-plugins.js';
