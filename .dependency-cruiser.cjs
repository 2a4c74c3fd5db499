/**
 * Tapio's architecture rules, enforced in CI as errors:
 *  - levels: plugin API (0) < domain (0) < collectors (1) < intelligence (2) < integrations (3) <
 *    interfaces (4) < apps; a project imports only from lower levels (never its own level's other
 *    projects, never higher). Level 0 has two rings: the plugin API imports nothing of Tapio, the
 *    domain builds on it;
 *  - third-party plugins (examples/) import the plugin API only;
 *  - no cycles;
 *  - no deep imports: another project is reached only through its package entry (src/index.ts).
 */
const LEVELS = [
  { name: 'domain', path: '^libs/domain/' },
  { name: 'collectors', path: '^libs/collectors/' },
  { name: 'intelligence', path: '^libs/intelligence/' },
  { name: 'integrations', path: '^libs/integrations/' },
  { name: 'interfaces', path: '^libs/interfaces/' },
  { name: 'apps', path: '^apps/' },
];
const PROJECT = '^(libs/domain|libs/plugin-api|libs/[^/]+/[^/]+|apps/[^/]+|examples/[^/]+)/';

const levelRules = LEVELS.slice(0, -1).map((level, index) => ({
  name: `level-${index}-${level.name}-imports-upward`,
  comment: `${level.name} (level ${index}) may import only from lower levels`,
  severity: 'error',
  from: { path: level.path },
  to: { path: LEVELS.slice(index + 1).map((higher) => higher.path) },
}));

module.exports = {
  forbidden: [
    ...levelRules,
    {
      name: 'same-level-cross-project',
      comment: 'projects of one level do not import each other; share through a lower level or a port',
      severity: 'error',
      from: { path: '^libs/(collectors|intelligence|integrations|interfaces)/([^/]+)/' },
      to: { path: '^libs/$1/', pathNot: '^libs/$1/$2/' },
    },
    {
      name: 'no-deep-imports',
      comment: "reach another project only through its entry files (src/index.ts; src/plugin.ts: the light plugin entry; src/config.ts: the light config entry; src/testing.ts: helpers for tests), never its internals",
      severity: 'error',
      from: { path: PROJECT },
      to: { path: '^(libs|apps|examples)/.+/src/', pathNot: ['^$1/', '^(libs/domain|libs/plugin-api|libs/[^/]+/[^/]+|apps/[^/]+|examples/[^/]+)/src/(index|plugin|config|testing)\\.ts$'] },
    },
    {
      name: 'testing-entry-for-tests-only',
      comment: "a project's src/testing.ts (seeded generators and the like) serves tests and benchmarks; product code never depends on it",
      severity: 'error',
      from: { pathNot: ['\\.test\\.ts$', '/test/', '^tools/', '/src/testing(\\.ts|/)'] },
      // (plugin-api's src/testing/ is different: helpers it publishes to plugin authors through its index.)
      to: { path: ['^(libs|apps)/.+/src/testing\\.ts$', '^libs/domain/src/testing/'] },
    },
    {
      name: 'plugin-api-imports-nothing-of-tapio',
      comment: 'the plugin API is the innermost ring of level 0: zod (and cockatiel, loaded by the circuit breaker on first use) only, so third-party plugins depend on a surface that can stay stable',
      severity: 'error',
      from: { path: '^libs/plugin-api/' },
      to: { path: '^(libs/(domain|collectors|intelligence|integrations|interfaces)|apps|examples)/' },
    },
    {
      name: 'examples-use-plugin-api-only',
      comment: 'third-party plugin examples depend on the plugin API package only',
      severity: 'error',
      from: { path: '^examples/' },
      to: { path: '^(libs/(domain|collectors|intelligence|integrations|interfaces)|apps)/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    { name: 'not-to-unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist/', '(^|/)node_modules/', '\\.d\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@tapio/source', 'import', 'types', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.node'],
    },
  },
};
