/**
 * The zod instance Tapio validates with, for plugin authors: a plugin's
 * `configSchema` built from this `z` is the same library Tapio runs, so a
 * third-party package needs no zod dependency of its own (and cannot bring a
 * second, incompatible copy).
 */
export { z } from 'zod';
