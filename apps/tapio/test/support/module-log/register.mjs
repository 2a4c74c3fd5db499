import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('./hooks.mjs', import.meta.url);

// With TAPIO_MODULE_LOG_REQUIRE=1, files loaded by require() too (Node 20's resolution hooks
// see ES modules only): what the bundled command (CommonJS) loads from outside itself.
if (process.env.TAPIO_MODULE_LOG && process.env.TAPIO_MODULE_LOG_REQUIRE === '1') {
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function logged(...args) {
    const file = resolveFilename.apply(this, args);
    if (file.startsWith('/')) appendFileSync(process.env.TAPIO_MODULE_LOG, `${pathToFileURL(file).href}\n`);
    return file;
  };
}
