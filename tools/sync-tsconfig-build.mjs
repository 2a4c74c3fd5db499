// Regenerates tsconfig.build.json (references to every workspace project) so `npm run build`
// builds everything in dependency order. Run after adding a project.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const groups = ['libs/collectors', 'libs/intelligence', 'libs/integrations', 'libs/interfaces', 'apps', 'examples'];
const dirs = ['libs/plugin-api', 'libs/domain', ...groups.flatMap((group) => (existsSync(join(root, group)) ? readdirSync(join(root, group)).map((name) => `${group}/${name}`) : []))]
  .filter((dir) => existsSync(join(root, dir, 'tsconfig.json')));
const config = { files: [], references: dirs.map((path) => ({ path })) };
writeFileSync(join(root, 'tsconfig.build.json'), `${JSON.stringify(config, null, 2)}\n`);
console.log(`tsconfig.build.json: ${dirs.length} projects`);
