// Module resolution hooks (node:module register) that append every resolved URL to the
// file named by TAPIO_MODULE_LOG: which libraries a command really loads.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (process.env.TAPIO_MODULE_LOG) appendFileSync(process.env.TAPIO_MODULE_LOG, `${result.url}\n`);
  return result;
}
