import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Every workspace project with a src/index.ts is a test project; tests import other
// projects through their package name, aliased here to the sources (no build needed).
const root = import.meta.dirname;
const projectDirs = ['libs/plugin-api', 'libs/domain', ...['libs/collectors', 'libs/intelligence', 'libs/integrations', 'libs/interfaces', 'apps', 'examples'].flatMap((group) =>
  existsSync(join(root, group)) ? readdirSync(join(root, group)).map((name) => `${group}/${name}`) : [],
)].filter((dir) => existsSync(join(root, dir, 'package.json')));

// Subpath entries (a package's light `./plugin` entry) first: an alias also matches what
// starts with its name and a slash, so the package's own name must come after them.
const alias: Record<string, string> = {};
const packages = projectDirs.map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, Record<string, string>> } }));
for (const { dir, pkg } of packages) {
  for (const [subpath, conditions] of Object.entries(pkg.exports ?? {})) {
    const source = conditions['@tapio/source'];
    if (subpath !== '.' && source) alias[`${pkg.name}/${subpath.slice(2)}`] = resolve(root, dir, source);
  }
}
for (const { dir, pkg } of packages) {
  if (existsSync(join(root, dir, 'src/index.ts'))) alias[pkg.name] = resolve(root, dir, 'src/index.ts');
}

export default defineConfig({
  resolve: { alias },
  test: {
    // Runs once for the whole run (projects do not inherit it).
    globalSetup: [resolve(root, 'tools/vitest/build-once.ts'), resolve(root, 'tools/vitest/k8s-cluster.ts')],
    projects: projectDirs.map((dir) => ({
      resolve: { alias },
      test: {
        name: dir.split('/').pop() as string,
        root: join(root, dir),
        include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'ui/src/**/*.test.ts'],
        testTimeout: 60_000,
        hookTimeout: 180_000,
      },
    })),
  },
});
