#!/usr/bin/env node
// Bundles the built tapio command (apps/tapio/dist/main.js and everything it imports) into
// one CommonJS file, apps/tapio/dist/bundle/main.cjs, so that a short command loads one file
// instead of ~400 modules (module resolution and loading were half of a one-line analyze's
// CPU; docs/benchmarks.md). Part of `npm run build`, after tsc.
//
// CommonJS, not an ES module, so that V8's code cache can be used on every Node version:
// the launcher (apps/tapio/src/cli-bundle/launch.ts) compiles the file with vm.Script and
// cached data (compile-cache.ts); Node 20 has no way to cache an ES module's code. One file
// holds the command: parts imported lazily (the Kubernetes collector, the NATS and Neo4j
// integrations, the API server, sinks' delivery) are wrapped by esbuild and run only when
// imported, as from the modules, and with the code cache the text of what never runs is not
// compiled. The large libraries of `tapio run` alone stay outside (RUN_ONLY_LIBRARIES).
//
// Each module's `import.meta.url` is rewritten to the URL of the file it was bundled from
// (relative to the bundle, so the tree can move), so files found beside the code (built-in
// patterns, the pattern bundle, the package's version) are found as before.
// `manifest.json` lists every input with its size and mtime, and the bundle's build id: the
// launcher runs the bundle only while all of them are unchanged, and the modules otherwise (a
// `tsc -b` without this step leaves a stale bundle unused); the build id keys the code cache.
import { createHash } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = resolve(root, 'apps/tapio/dist/bundle');

/** Libraries left out of the bundle (see `external` below); each is CommonJS, or has a CommonJS entry. */
const RUN_ONLY_LIBRARIES = [
  'neo4j-driver',
  'neo4j-driver-core',
  'neo4j-driver-bolt-connection',
  'rxjs',
  '@nats-io/*',
  '@grpc/*',
  'protobufjs',
  'fastify',
  '@fastify/*',
  'mercurius',
  'graphql',
  'graphql-jit',
  'ajv',
  'ajv-formats',
  '@opentelemetry/*',
  'prom-client',
  'undici',
];

/** `import.meta.url` of the original file, as the URL of that path relative to the bundle's folder. */
const originalUrls = {
  name: 'original-import-meta-url',
  setup(builder) {
    builder.onLoad({ filter: /\.(m?js)$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = relative(outdir, args.path).split('\\').join('/');
      const contents = text.replaceAll('import.meta.url', `__tapioOriginalUrl(${JSON.stringify(rel)})`);
      return { contents, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

await rm(outdir, { recursive: true, force: true });
let build;
try {
  ({ build } = await import('esbuild'));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  // A tree whose node_modules predate the dependency still builds; the command runs from its modules.
  process.stderr.write('build-cli-bundle: esbuild is not installed (run npm install): tapio analyze runs from its modules, unbundled\n');
  process.exit(0);
}
const result = await build({
  // The transformer worker of `tapio analyze` (apps/tapio/src/runtime/transform-worker) is an
  // entry of its own: a worker thread starts from a file.
  entryPoints: { main: resolve(root, 'apps/tapio/dist/main.js'), 'transform-worker': resolve(root, 'apps/tapio/dist/runtime/transform-worker/worker-entry.js') },
  // Tells the bundled code it is bundled (transform-worker.ts starts the bundled worker entry).
  define: { __TAPIO_BUNDLE__: 'true' },
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Native addons are loaded from their packages as before, and so are the large libraries
  // of `tapio run` alone (Neo4j, NATS, gRPC, the API server, OpenTelemetry, Prometheus):
  // the commands run through the bundle do not use them, and a file a third of the size is
  // read and started faster (one-line analyze from the code cache, median of 15: all in,
  // 9.0 MB, 0.229 s; without them, 3.4 MB, 0.207 s). Should a bundled command need one
  // after all (tapio.yaml naming a sink that delivers by OpenTelemetry), it is loaded from
  // node_modules as the modules load it. Only CommonJS libraries are left out: the bundle's code loads them by require().
  external: ['*.node', ...RUN_ONLY_LIBRARIES],
  // The original file's URL for a rewritten `import.meta.url` (originalUrls above); strict
  // mode first, as the ES modules were (a directive after the helper would be no directive).
  banner: { js: "'use strict'; function __tapioOriginalUrl(rel) { return require('node:url').pathToFileURL(require('node:path').join(__dirname, rel)).href; }" },
  // Any other use of import.meta (dirname, filename, resolve) would be empty in CommonJS:
  // the build fails instead, and this file must learn to rewrite it.
  logOverride: { 'empty-import-meta': 'error' },
  // Stack traces name the TypeScript sources: the launcher maps the bundle's frames through
  // this map when a stack is shown (bundle-stack-traces.ts), reading it only then.
  sourcemap: 'linked',
  // A map without the sources' text: a trace still names the TypeScript file, line and column.
  sourcesContent: false,
  // Less text to read and to compile the first time; names are kept.
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [originalUrls],
});

// The workspace's own files one by one; the libraries from node_modules by npm's record of
// what it installed (node_modules/.package-lock.json, rewritten by every install), so the
// launcher stats a few hundred files, not the ~3,000 the bundle holds.
const inputs = [];
const stamped = Object.keys(result.metafile.inputs).map((path) => resolve(root, path)).filter((file) => !file.includes('/node_modules/'));
for (const file of [...stamped, resolve(root, 'node_modules/.package-lock.json')]) {
  const { size, mtimeMs } = await stat(file);
  inputs.push([relative(root, file).split('\\').join('/'), size, mtimeMs]);
}
// The build id keys V8's code cache of the bundle (compile-cache.ts): the bundle's own digest.
const buildId = createHash('sha256').update(await readFile(resolve(outdir, 'main.cjs'))).digest('hex').slice(0, 32);
await writeFile(resolve(outdir, 'manifest.json'), `${JSON.stringify({ buildId, inputs })}\n`);
