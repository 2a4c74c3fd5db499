import neo4j, { type Config, type Driver } from 'neo4j-driver';
import type { Neo4jOptions } from './options.js';

const TRUST = {
  'system-ca': 'TRUST_SYSTEM_CA_SIGNED_CERTIFICATES',
  'custom-ca': 'TRUST_CUSTOM_CA_SIGNED_CERTIFICATES',
  all: 'TRUST_ALL_CERTIFICATES',
} as const;

/** A neo4j-driver Driver for the options: auth, TLS and timeouts. Integers come back as JS numbers. */
export function createDriver(options: Neo4jOptions): Driver {
  const config: Config = {
    maxTransactionRetryTime: options.maxTransactionRetryMs,
    connectionTimeout: options.connectTimeoutMs,
    connectionAcquisitionTimeout: options.connectTimeoutMs,
    // Every integer Tapio stores (counts, exit codes, epoch ms) fits a double.
    disableLosslessIntegers: true,
    userAgent: 'tapio',
  };
  if (options.encrypted !== undefined) config.encrypted = options.encrypted ? 'ENCRYPTION_ON' : 'ENCRYPTION_OFF';
  if (options.trust) config.trust = TRUST[options.trust];
  if (options.trustedCertificates) config.trustedCertificates = options.trustedCertificates;
  // Without a password the driver sends the "none" scheme (a server with auth disabled).
  const auth = options.password === undefined ? undefined : neo4j.auth.basic(options.user, options.password);
  return neo4j.driver(options.uri, auth, config);
}
