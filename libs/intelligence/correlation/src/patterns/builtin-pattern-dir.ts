import { fileURLToPath } from 'node:url';

/** The behavior patterns Tapio ships, as YAML (`libs/intelligence/correlation/patterns`). */
export const BUILTIN_PATTERN_DIR = fileURLToPath(new URL('../../patterns/', import.meta.url));
