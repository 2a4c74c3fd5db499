import { token } from './token.js';

export type LogFields = Record<string, unknown>;

/** Structured logger; pino satisfies it. */
export interface Logger {
  debug(fields: LogFields, message?: string): void;
  info(fields: LogFields, message?: string): void;
  warn(fields: LogFields, message?: string): void;
  error(fields: LogFields, message?: string): void;
  child(bindings: LogFields): Logger;
}
export const Logger = token<Logger>('Logger');

/** A logger that drops everything; for tests and library defaults. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
