import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { EXIT, eventsCommand, feedbackCommand, insightsCommand, patternsCommand, whyCommand, type CliArgs, type CliIo } from '../src/index.js';

/** A port nothing listens on: bound by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function capture(env: Record<string, string> = {}): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', env, stdout: { write: (text: string) => (io.out += text) }, stderr: { write: (text: string) => (io.err += text) } };
  return io;
}

const args = (positionals: string[], flags: Record<string, string | true> = {}): CliArgs => ({ positionals, flags: new Map(Object.entries(flags)) });

describe('client commands without a server', () => {
  it('say which server they could not reach, and exit 6', async () => {
    const server = `http://127.0.0.1:${await closedPort()}`;
    const commands = [
      () => whyCommand(args(['pod', 'shop/checkout'], { server }), io),
      () => eventsCommand(args([], { server }), io),
      () => insightsCommand(args([], { server }), io),
      () => patternsCommand(args([], { server }), io),
      () => feedbackCommand(args(['pred-1'], { server, accurate: true }), io),
    ];
    let io = capture();
    for (const command of commands) {
      io = capture();
      expect(await command()).toBe(EXIT.unreachable);
      expect(io.err).toContain(`cannot reach the Tapio server at ${server} (connection refused)`);
      expect(io.err).not.toMatch(/\n\s+at /);
      expect(io.out).toBe('');
    }
  });

  it('take the server from TAPIO_SERVER', async () => {
    const server = `http://127.0.0.1:${await closedPort()}`;
    const io = capture({ TAPIO_SERVER: server });
    expect(await patternsCommand(args([]), io)).toBe(EXIT.unreachable);
    expect(io.err).toContain(server);
  });

  it('refuse bad command lines before calling anyone (exit 2)', async () => {
    const cases: Array<[() => Promise<number>, RegExp]> = [
      [() => whyCommand(args(['pod'], {}), io), /usage: tapio why/],
      [() => whyCommand(args(['pod', 'shop/x'], { server: 'not a url' }), io), /is not a URL/],
      [() => whyCommand(args(['pod', 'shop/x'], { server: 'ftp://host' }), io), /http:\/\/ or https:\/\//],
      [() => whyCommand(args(['pod', 'shop/x'], { since: 'soon' }), io), /--since "soon"/],
      [() => eventsCommand(args([], { limit: '0' }), io), /--limit must be a whole number from 1 to 1000/],
      [() => feedbackCommand(args(['pred-1']), io), /--accurate or --inaccurate/],
      [() => feedbackCommand(args(['pred-1'], { accurate: true, inaccurate: true }), io), /--accurate or --inaccurate/],
      [() => feedbackCommand(args(['pred-1'], { accurate: true, rating: '5' }), io), /--rating must be -1, 0 or 1/],
      [() => feedbackCommand(args([], { accurate: true }), io), /usage: tapio feedback/],
      [() => patternsCommand(args(['a', 'b']), io), /usage: tapio patterns/],
    ];
    let io = capture();
    for (const [command, message] of cases) {
      io = capture();
      expect(await command()).toBe(EXIT.usage);
      expect(io.err).toMatch(message);
    }
  });
});
