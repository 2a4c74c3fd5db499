// A consumer process for failure-counting.test.ts, run with plain Node on the built
// @tapio/nats: it subscribes the `raw` topic as group `transformer` and, per message,
// either holds it unanswered (`hold`: the parent kills it with SIGKILL, as a node losing
// its pod), kills itself while handling it (`crash`: a message that crashes its
// consumer) or throws (`throw`: a handler that fails). Every delivery and dead letter is
// one JSON line on stdout.
import { NatsEventBus } from '@tapio/nats';

const [url, prefix, behaviour, consumeJson] = process.argv.slice(2);
const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const deadLetters = {
  entries: [],
  put(entry) {
    this.entries.push(entry);
    say({ deadLetter: { reason: entry.reason, stage: entry.stage } });
  },
  count() {
    return this.entries.length;
  },
  recent(limit) {
    return this.entries.slice(-limit);
  },
};
// The bus's own log on stderr, kept by the test and shown when it fails (why a count was
// not stored, a consumer that could not start).
const log = (level) => (fields, message) =>
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields, err: fields.err instanceof Error ? fields.err.message : fields.err })}\n`);
const logger = { debug: () => undefined, info: log('info'), warn: log('warn'), error: log('error'), child: () => logger };
const bus = new NatsEventBus({ servers: url, streamPrefix: prefix.toUpperCase(), subjectPrefix: prefix, consume: JSON.parse(consumeJson) }, { deadLetters, logger });
await bus.subscribe('raw', 'transformer', async (_raw, delivery) => {
  say({ delivered: delivery.id });
  if (behaviour === 'crash') process.kill(process.pid, 'SIGKILL');
  if (behaviour === 'throw') throw new Error(`handler failed in process ${process.pid}`);
  await new Promise(() => undefined);
});
await bus.start();
say({ ready: true });
