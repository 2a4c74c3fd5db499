#!/usr/bin/env node
// Bundles the built tapio command (apps/tapio/dist/main.js and everything it imports) into a
// few files under apps/tapio/dist/bundle/, so that `tapio analyze` loads a handful of files
// instead of ~400 modules (module resolution and loading were half of a one-line analyze's
// CPU; docs/benchmarks.md). Part of `npm run build`, after tsc. Lazily imported parts (the
// Kubernetes client, NATS, Neo4j, the API server, sinks' delivery) stay separate chunks,
// loaded only by what uses them, as they are without the bundle.
//
// Each module's `import.meta.url` is rewritten to the URL of the file it was bundled from
// (relative to the bundle, so the tree can move), so files found beside the code (built-in
// patterns, the pattern bundle, the package's version) are found as before.
// `manifest.json` lists every input with its size and mtime: the launcher
// (apps/tapio/src/cli-bundle/launch.ts) runs the bundle only while all of them are unchanged,
// and the modules otherwise (a `tsc -b` without this step leaves a stale bundle unused).
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = resolve(root, 'apps/tapio/dist/bundle');

/** `import.meta.url` of the original file, as a URL relative to the bundle's folder. */
const originalUrls = {
  name: 'original-import-meta-url',
  setup(builder) {
    builder.onLoad({ filter: /\.(m?js)$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.')) return undefined;
      const rel = relative(outdir, args.path).split('\\').join('/');
      const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
      if (/import\.meta\.(dirname|filename)/.test(text)) throw new Error(`${args.path} uses import.meta.dirname/filename: teach tools/build-cli-bundle.mjs to rewrite it`);
      const contents = text.replaceAll('import.meta.url', url);
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
  // entry of its own: a worker thread starts from a file, and shares the command's chunks.
  entryPoints: { main: resolve(root, 'apps/tapio/dist/main.js'), 'transform-worker': resolve(root, 'apps/tapio/dist/runtime/transform-worker/worker-entry.js') },
  // Tells the bundled code it is bundled (transform-worker.ts starts the bundled worker entry).
  define: { __TAPIO_BUNDLE__: 'true' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native addons are loaded from their packages as before.
  external: ['*.node'],
  // CommonJS libraries inside an ES module bundle still call require() for Node's own modules.
  banner: { js: "import { createRequire as __tapioCreateRequire } from 'node:module'; const require = __tapioCreateRequire(import.meta.url);" },
  // Stack traces name the TypeScript sources (bin/tapio runs with --enable-source-maps).
  sourcemap: 'linked',
  // Without the sources' text: Node reads and parses the map of every chunk it loads
  // (--enable-source-maps), and the text was half of each map (a one-line analyze: 0.269 ->
  // 0.255 s CPU); a trace still names the TypeScript file, line and column.
  sourcesContent: false,
  // Less text to compile at start (0.38 -> 0.35 s CPU of a one-line analyze); names are kept.
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [originalUrls],
});

// The workspace's own files one by one; the libraries from node_modules by npm's record of
// what it installed (node_modules/.package-lock.json, rewritten by every install), so the
// launcher stats a few hundred files, not the ~3,000 the chunks hold.
const inputs = [];
const stamped = Object.keys(result.metafile.inputs).map((path) => resolve(root, path)).filter((file) => !file.includes('/node_modules/'));
for (const file of [...stamped, resolve(root, 'node_modules/.package-lock.json')]) {
  const { size, mtimeMs } = await stat(file);
  inputs.push([relative(root, file).split('\\').join('/'), size, mtimeMs]);
}
/** Which inputs each chunk holds (light-plugins tests read it to tell what a command loaded). */
const chunks = {};
for (const [path, output] of Object.entries(result.metafile.outputs)) {
  if (!path.endsWith('.js')) continue;
  chunks[relative(outdir, resolve(root, path))] = Object.keys(output.inputs).map((input) => relative(root, resolve(root, input)).split('\\').join('/'));
}
await writeFile(resolve(outdir, 'manifest.json'), `${JSON.stringify({ inputs })}\n`);
await writeFile(resolve(outdir, 'chunks.json'), `${JSON.stringify(chunks)}\n`);
