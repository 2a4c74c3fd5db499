import { pino } from 'pino';
import type { Logger } from '@tapio/domain';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/**
 * Structured logs on standard error (standard output is for command results such as
 * `tapio analyze --json`). `pretty` prints one readable line per record.
 */
export function createLogger(level: LogLevel, format: 'json' | 'pretty', stream: NodeJS.WritableStream = process.stderr): Logger & { flush(): void } {
  if (format === 'json') {
    const logger = pino({ level, base: { service: 'tapio' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: stream === process.stderr ? 2 : 1, sync: true }));
    return logger as unknown as Logger & { flush(): void };
  }
  const write = {
    write(line: string) {
      const record = JSON.parse(line) as Record<string, unknown>;
      const { level: numeric, time, msg, service: _service, pid: _pid, hostname: _hostname, ...rest } = record;
      const name = pino.levels.labels[numeric as number] ?? String(numeric);
      const fields = Object.entries(rest)
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(' ');
      stream.write(`${String(time)} ${name.toUpperCase().padEnd(5)} ${String(msg ?? '')}${fields ? ` ${fields}` : ''}\n`);
    },
  };
  return pino({ level, base: { service: 'tapio' }, timestamp: pino.stdTimeFunctions.isoTime }, write) as unknown as Logger & { flush(): void };
}
