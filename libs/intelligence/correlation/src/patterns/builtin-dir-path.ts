import { fileURLToPath } from 'node:url';

/** The behavior patterns that ship with Tapio (YAML, one per file). */
export const BUILTIN_PATTERN_DIR = fileURLToPath(new URL('../../patterns/', import.meta.url));
