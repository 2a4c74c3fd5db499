// What a consumer of the insights stream ends with: every message read in stream order (a
// batch envelope, `Tapio-Envelope` header, counts each of its members' bodies), the last version of
// each insight id kept, and a SHA-256 over the ids in order with their last version's JSON.
// nats-e2e.mjs prints it so a change to how insights are published can be compared with
// main's build: the same digest means every insight's latest state is the same.
// `BENCH_INSIGHTS_DUMP=FILE` also writes the last versions there, one JSON line each.
import { createHash } from 'node:crypto';
import { DeliverPolicy } from '@nats-io/jetstream';

export async function finalInsights(js, jsm, stream) {
  let left = (await jsm.streams.info(stream)).state.messages;
  const last = new Map();
  let versions = 0;
  if (left > 0) {
    const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.All });
    const messages = await consumer.consume();
    for await (const msg of messages) {
      const insights = msg.headers?.get('Tapio-Envelope') ? msg.json().events.map((member) => member.body) : [msg.json()];
      for (const insight of insights) last.set(insight.id, JSON.stringify(insight));
      versions += insights.length;
      left -= 1;
      if (left <= 0) break;
    }
    messages.stop();
  }
  if (process.env.BENCH_INSIGHTS_DUMP) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(process.env.BENCH_INSIGHTS_DUMP, [...last.keys()].sort().map((id) => last.get(id)).join('\n') + '\n');
  }
  const hash = createHash('sha256');
  for (const id of [...last.keys()].sort()) hash.update(`${id}\n${last.get(id)}\n`);
  return { versions, insights: last.size, digest: hash.digest('hex').slice(0, 16) };
}
