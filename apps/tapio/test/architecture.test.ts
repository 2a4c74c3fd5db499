import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** Every workspace project by package name, as the root package.json workspaces lay them out. */
async function workspaceProjects(): Promise<Map<string, string>> {
  const projects = new Map<string, string>();
  const candidates = ['libs/plugin-api', 'libs/domain'];
  for (const group of ['libs/collectors', 'libs/intelligence', 'libs/integrations', 'libs/interfaces', 'apps', 'examples', 'native']) {
    if (!existsSync(join(ROOT, group))) continue;
    for (const entry of await readdir(join(ROOT, group))) candidates.push(`${group}/${entry}`);
  }
  for (const dir of candidates) {
    if (!existsSync(join(ROOT, dir, 'package.json'))) continue;
    const { name } = JSON.parse(await readFile(join(ROOT, dir, 'package.json'), 'utf8')) as { name: string };
    projects.set(name, dir);
  }
  return projects;
}

/** What the check cruises, copied whole: the rules must hold for the real tree, not a sample. */
const CRUISED = ['libs', 'apps', 'examples'];
const SKIP = new Set(['node_modules', 'dist', '.cache', '.tapio']);

/**
 * node_modules for the copy: external packages link to the real ones; workspace
 * packages link to the copied projects (or, for folders not cruised, the originals),
 * so imports resolve inside the copy exactly as in the workspace.
 */
async function linkNodeModules(copy: string, projects: Map<string, string>): Promise<void> {
  const target = join(copy, 'node_modules');
  await mkdir(target);
  const place = (dir: string) => (CRUISED.some((top) => dir.startsWith(`${top}/`)) ? join(copy, dir) : join(ROOT, dir));
  for (const entry of await readdir(join(ROOT, 'node_modules'))) {
    if (entry === '.bin' || entry === '.package-lock.json') continue;
    if (!entry.startsWith('@')) {
      await symlink(projects.has(entry) ? place(projects.get(entry) as string) : join(ROOT, 'node_modules', entry), join(target, entry));
      continue;
    }
    await mkdir(join(target, entry));
    for (const scoped of await readdir(join(ROOT, 'node_modules', entry))) {
      const name = `${entry}/${scoped}`;
      const project = projects.get(name);
      if (project) await symlink(place(project), join(target, name));
      else if (existsSync(join(ROOT, 'node_modules', name))) await symlink(join(ROOT, 'node_modules', name), join(target, name));
    }
  }
}

async function depcruise(cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [DEPCRUISE, ...CRUISED, '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('architecture rules (.dependency-cruiser.cjs)', () => {
  let copy: string;
  const planted: string[] = [];

  async function plant(file: string, text: string): Promise<void> {
    await mkdir(dirname(join(copy, file)), { recursive: true });
    await writeFile(join(copy, file), text);
    planted.push(file);
  }

  beforeAll(async () => {
    copy = await mkdtemp(join(tmpdir(), 'tapio-architecture-'));
    for (const file of ['.dependency-cruiser.cjs', 'tsconfig.base.json', 'package.json']) await cp(join(ROOT, file), join(copy, file));
    const projects = await workspaceProjects();
    for (const top of CRUISED) await cp(join(ROOT, top), join(copy, top), { recursive: true, filter: (source) => !SKIP.has(basename(source)) });
    // A project's own node_modules (versions pinned apart from the root's) resolve as in the workspace.
    for (const dir of projects.values()) {
      if (CRUISED.some((top) => dir.startsWith(`${top}/`)) && existsSync(join(ROOT, dir, 'node_modules'))) {
        await symlink(join(ROOT, dir, 'node_modules'), join(copy, dir, 'node_modules'));
      }
    }
    await linkNodeModules(copy, projects);
    // Test helpers under tools/ (server launchers) are imported by integration tests.
    await symlink(join(ROOT, 'tools'), join(copy, 'tools'));
  });

  afterAll(async () => {
    await rm(copy, { recursive: true, force: true });
  });

  it('passes on the unmodified copy', async () => {
    const { code, output } = await depcruise(copy);
    expect(output).toContain('no dependency violations found');
    expect(code).toBe(0);
  }, 120_000);

  // One cruise with every kind of violation planted (a cruise takes seconds on a shared
  // machine); each must be reported as an error, and the check must fail.
  const VIOLATIONS: Array<{ rule: string; files: Record<string, string>; from: string; to: string }> = [
    {
      rule: 'level-1-collectors-imports-upward',
      files: { 'libs/collectors/pipeline/src/planted-upward.ts': "import { MemoryGraphStore } from '@tapio/embedded';\nexport const store = new MemoryGraphStore();\n" },
      from: 'libs/collectors/pipeline/src/planted-upward.ts',
      to: 'libs/integrations/embedded/src/index.ts',
    },
    {
      rule: 'level-0-domain-imports-upward',
      files: { 'libs/domain/src/planted-upward.ts': "export { Pipeline } from '@tapio/pipeline';\n" },
      from: 'libs/domain/src/planted-upward.ts',
      to: 'libs/collectors/pipeline/src/index.ts',
    },
    {
      rule: 'no-deep-imports',
      files: { 'libs/integrations/embedded/src/planted-deep.ts': "export { canonicalJson } from '../../../collectors/pipeline/src/event-id.js';\n" },
      from: 'libs/integrations/embedded/src/planted-deep.ts',
      to: 'libs/collectors/pipeline/src/event-id.ts',
    },
    {
      rule: 'no-circular',
      files: {
        'libs/domain/src/planted-a.ts': "import { b } from './planted-b.js';\nexport const a = (): number => b() + 1;\n",
        'libs/domain/src/planted-b.ts': "import { a } from './planted-a.js';\nexport const b = (): number => a() - 1;\n",
      },
      from: 'libs/domain/src/planted-a.ts',
      to: 'libs/domain/src/planted-b.ts',
    },
    {
      rule: 'same-level-cross-project',
      files: { 'libs/collectors/replay/src/planted-sibling.ts': "export { Pipeline } from '@tapio/pipeline';\n" },
      from: 'libs/collectors/replay/src/planted-sibling.ts',
      to: 'libs/collectors/pipeline/src/index.ts',
    },
    {
      rule: 'testing-entry-for-tests-only',
      files: { 'libs/intelligence/correlation/src/planted-testing.ts': "export { seededRandom } from '@tapio/domain/testing';\n" },
      from: 'libs/intelligence/correlation/src/planted-testing.ts',
      to: 'libs/domain/src/testing.ts',
    },
    {
      rule: 'examples-use-plugin-api-only',
      files: { 'examples/tapio-collector-heartbeat/src/planted.ts': "export { GraphStore } from '@tapio/domain';\n" },
      from: 'examples/tapio-collector-heartbeat/src/planted.ts',
      to: 'libs/domain/src/index.ts',
    },
  ];

  it('fails on an upward import, a deep import, a cycle, a same-level import, product code on a testing entry and an example reaching past the plugin API', async () => {
    for (const violation of VIOLATIONS) for (const [file, text] of Object.entries(violation.files)) await plant(file, text);
    const { code, output } = await depcruise(copy);
    for (const file of planted.splice(0)) await unlink(join(copy, file));
    expect(code, output).not.toBe(0);
    for (const violation of VIOLATIONS) {
      const line = output.split('\n').find((text) => text.includes(`error ${violation.rule}: ${violation.from}`));
      expect(line, `${violation.rule} not reported:\n${output}`).toBeDefined();
      expect(output.slice(output.indexOf(line as string), output.indexOf(line as string) + 400)).toContain(violation.to);
    }
    expect(output).toContain(`x ${VIOLATIONS.length} dependency violations (${VIOLATIONS.length} errors, 0 warnings)`);
  }, 120_000);
});
