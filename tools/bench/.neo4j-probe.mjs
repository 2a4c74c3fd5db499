import { BatchWriter } from '../../libs/integrations/neo4j/dist/write/batch-writer.js';
const stats = new Map();
const orig = BatchWriter.prototype.write;
BatchWriter.prototype.write = async function (batch, meanwhile) {
  const session = this.driver.session({ database: this.options.database, defaultAccessMode: 'WRITE' });
  const tx = await session.beginTransaction();
  for (const st of batch.statements) {
    const t0 = performance.now();
    const s = await tx.run(st.text, st.params).summary();
    const key = st.text.slice(0, 90).replace(/\n/g, ' ');
    const e = stats.get(key) ?? { ms: 0, n: 0, rows: 0 }; e.ms += performance.now() - t0; e.n++; e.rows += st.params.rows?.length ?? 0; stats.set(key, e);
  }
  meanwhile?.();
  const t0 = performance.now();
  await tx.commit();
  const e = stats.get('COMMIT') ?? { ms: 0, n: 0, rows: 0 }; e.ms += performance.now() - t0; e.n++; stats.set('COMMIT', e);
  await session.close();
};
process.on('exit', () => { for (const [k, v] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) console.log(v.ms.toFixed(0).padStart(7), 'ms', String(v.n).padStart(4), 'x', String(v.rows).padStart(7), 'rows', k); });
process.argv.push('--events', '60000', '--queries', '20');
await import('./neo4j.mjs');
