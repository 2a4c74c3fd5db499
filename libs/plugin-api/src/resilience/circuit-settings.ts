import { z } from 'zod';

/**
 * The `circuit` section of a setting that runs an outward call behind a CircuitBreaker (a
 * sink, the NATS bus, a collector), with the defaults that call wants.
 */
export function circuitSettings(defaults: { failures: number; halfOpenAfterMs: number }) {
  return z
    .strictObject({
      /** Failed calls in a row that open the breaker: then none is made until halfOpenAfterMs passed. */
      failures: z.number().int().min(1).default(defaults.failures),
      /** How long the breaker stays open before one call tries again. */
      halfOpenAfterMs: z.number().int().min(1).default(defaults.halfOpenAfterMs),
    })
    .default(defaults);
}
