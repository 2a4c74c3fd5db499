/**
 * The run modes, without their zod schema: the CLI's option choices read this, so building
 * the command line loads no configuration schema (see docs/benchmarks-log.md, start-up).
 */
export const RUN_MODES = ['all', 'collectors', 'transformer', 'correlation', 'api'] as const;
