import { connect } from 'node:net';

/**
 * Whether journald answers on its varlink socket (a stream socket, unlike its datagram
 * log sockets). Resolves undefined when it does, else the reason it does not.
 */
export function probeJournald(socketPath: string, timeoutMs = 1000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    const timer = setTimeout(() => finish(`no answer within ${timeoutMs} ms`), timeoutMs);
    function finish(reason: string | undefined): void {
      clearTimeout(timer);
      socket.destroy();
      resolve(reason);
    }
    socket.once('connect', () => finish(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
  });
}
