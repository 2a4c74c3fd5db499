import { describe, expect, it } from 'vitest';
import { describeTarget, Neo4jOptions } from './options.js';

describe('Neo4jOptions', () => {
  it('fills defaults so that an empty section works against a local Neo4j', () => {
    const options = Neo4jOptions.parse({});
    expect(options).toMatchObject({ uri: 'bolt://127.0.0.1:7687', user: 'neo4j', database: 'neo4j', batchSize: 5000, bufferLimit: 200_000 });
    expect(options.password).toBeUndefined();
    expect(options.retention).toEqual({ interval: '10m', chunk: 10_000, maxDeletedResources: 50_000, deletedInterval: '1m' });
    expect(describeTarget(options)).toBe('Neo4j at bolt://127.0.0.1:7687 (database "neo4j")');
  });

  it('accepts TLS settings for plain schemes and refuses them with +s schemes', () => {
    expect(Neo4jOptions.safeParse({ uri: 'bolt://db:7687', encrypted: true, trust: 'custom-ca', trustedCertificates: ['/etc/ca.pem'] }).success).toBe(true);
    expect(Neo4jOptions.safeParse({ uri: 'neo4j+s://db:7687' }).success).toBe(true);
    const secure = Neo4jOptions.safeParse({ uri: 'bolt+s://db:7687', trust: 'all' });
    expect(secure.success).toBe(false);
    expect(secure.error?.issues[0]?.message).toMatch(/already sets TLS/);
  });

  it('names the field that is wrong', () => {
    const cases: Array<[unknown, string]> = [
      [{ uri: 'http://db:7474' }, 'uri'],
      [{ batchSize: 0 }, 'batchSize'],
      [{ trust: 'custom-ca', encrypted: true }, 'trustedCertificates'],
      [{ reconnectBackoffMs: { min: 10, max: 5 } }, 'reconnectBackoffMs'],
      [{ pasword: 'typo' }, ''],
      [{ retention: { maxAge: 'a week' } }, 'retention.maxAge'],
      [{ retention: { maxage: '7d' } }, 'retention'],
    ];
    for (const [input, path] of cases) {
      const result = Neo4jOptions.safeParse(input);
      expect(result.success, JSON.stringify(input)).toBe(false);
      expect(result.error?.issues[0]?.path.join('.')).toBe(path);
    }
  });
});
