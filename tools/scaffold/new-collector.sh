#!/usr/bin/env bash
# tools/new-project.sh --collector <id> [--root DIR]: see tools/new-project.sh.
set -euo pipefail
id=${1:?usage: tools/new-project.sh --collector <id> [--root DIR]}
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
into=$root
while [ $# -gt 0 ]; do
  case $1 in
    --root) into=$(cd "$2" && pwd); shift 2 ;;
    *) echo "new-collector: unknown argument $1" >&2; exit 2 ;;
  esac
done
if ! [[ $id =~ ^[a-z][a-z0-9-]*$ ]]; then echo "new-collector: id \"$id\" must be lower case letters, digits and dashes, starting with a letter" >&2; exit 2; fi
dir=libs/collectors/$id
target=$into/$dir
if [ -e "$target" ]; then echo "new-collector: $target already exists" >&2; exit 1; fi
# Names: "disk-usage" -> DiskUsage (classes) and diskUsage (the plugin constant).
class=$(echo "$id" | sed -E 's/(^|-)([a-z0-9])/\U\2/g')
camel=$(echo "$class" | sed -E 's/^(.)/\L\1/')
package=@tapio/collector-$id
mkdir -p "$target/src"

cat > "$target/package.json" <<JSON
{
  "name": "$package",
  "version": "0.1.0",
  "private": true,
  "type": "module",
  "exports": {
    ".": { "@tapio/source": "./src/index.ts", "types": "./dist/index.d.ts", "default": "./dist/index.js" },
    "./plugin": { "@tapio/source": "./src/plugin.ts", "types": "./dist/plugin.d.ts", "default": "./dist/plugin.js" }
  },
  "dependencies": {
    "@tapio/plugin-api": "*"
  }
}
JSON
cat > "$target/project.json" <<JSON
{
  "name": "$id",
  "\$schema": "../../../node_modules/nx/schemas/project-schema.json",
  "projectType": "library",
  "sourceRoot": "$dir/src",
  "tags": ["level:collectors"],
  "targets": {
    "build": { "executor": "nx:run-commands", "options": { "command": "tsc -b $dir" } },
    "test": { "executor": "nx:run-commands", "options": { "command": "vitest run --project $id" } }
  }
}
JSON
cat > "$target/tsconfig.json" <<JSON
{
  "extends": "../../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist", "tsBuildInfoFile": "dist/.tsbuildinfo" },
  "include": ["src/**/*.ts"],
  "exclude": ["src/**/*.test.ts"],
  "references": [{ "path": "../../plugin-api" }]
}
JSON

cat > "$target/src/$id-config.ts" <<TS
import { Duration, z } from '@tapio/plugin-api';

/** The plugin's section of tapio.yaml (\`collectors.$id\`). */
export const ${class}Config = z
  .object({
    /** What the samples are about: a Node of this name. */
    node: z.string().min(1).default('local'),
    /** How often to take a sample, e.g. 30s. */
    interval: Duration.default('30s'),
  })
  .strict();
export type ${class}Config = z.infer<typeof ${class}Config>;
TS

cat > "$target/src/$id-collector.ts" <<TS
import { parseDuration, type Collector, type ComponentHealth, type Logger, type RawEventSink } from '@tapio/plugin-api';
import type { ${class}Config } from './$id-config.js';

export const ${class^^}_SOURCE = '$id';

/**
 * Takes a sample at start and every interval and hands it to Tapio as a RawEvent. A
 * sample is awaited before the next is taken (backpressure); one Tapio refuses is logged
 * and the next one still goes. Replace \`sample\` with what your collector observes.
 */
export class ${class}Collector implements Collector {
  readonly id = '$id';
  readonly source = ${class^^}_SOURCE;
  private timer: NodeJS.Timeout | undefined;
  private samples = 0;
  private running = false;
  private busy = false;

  constructor(
    private readonly config: ${class}Config,
    private readonly logger: Logger,
  ) {}

  async start(sink: RawEventSink): Promise<void> {
    this.running = true;
    await this.sample(sink);
    this.timer = setInterval(() => {
      if (this.busy || !this.running) return;
      this.busy = true;
      void this.sample(sink).finally(() => (this.busy = false));
    }, parseDuration(this.config.interval));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  health(): ComponentHealth {
    return this.running ? { status: 'ok', details: { samples: this.samples } } : { status: 'stopped', details: { samples: this.samples } };
  }

  private async sample(sink: RawEventSink): Promise<void> {
    const sequence = this.samples + 1;
    try {
      await sink.emit({ timestamp: new Date().toISOString(), type: '${class}Sample', source: ${class^^}_SOURCE, data: { node: this.config.node, sequence }, metadata: { node: this.config.node } });
      this.samples = sequence;
    } catch (error) {
      this.logger.warn({ err: error }, '$id sample refused');
    }
  }
}
TS

cat > "$target/src/$id-transformer.ts" <<TS
import { makeUnifiedEvent, z, type RawEvent, type RawEventTransformer, type TransformContext, type UnifiedEvent } from '@tapio/plugin-api';
import { ${class^^}_SOURCE } from './$id-collector.js';

const SampleData = z.object({ node: z.string().min(1), sequence: z.number().int().min(1) });

/** ${class}Sample RawEvents → one \`custom\` UnifiedEvent about the Node; refuses anything else with the reason. */
export class ${class}Transformer implements RawEventTransformer {
  readonly sources = [${class^^}_SOURCE] as const;

  transform(raw: RawEvent, context: TransformContext): UnifiedEvent[] {
    if (raw.type !== '${class}Sample') throw new Error(\`$id: unknown raw type "\${raw.type}" (expected ${class}Sample)\`);
    const parsed = SampleData.safeParse(raw.data);
    if (!parsed.success) throw new Error(\`$id: data.\${parsed.error.issues[0]?.path.join('.') ?? ''} \${parsed.error.issues[0]?.message ?? 'invalid'}\`);
    const entity = { kind: 'Node', name: parsed.data.node, cluster: context.cluster };
    return [
      makeUnifiedEvent(raw, context, 'custom', 'sample', {
        entity,
        k8sContext: { ...entity, nodeName: parsed.data.node },
        message: \`Node \${parsed.data.node}: $id sample \${parsed.data.sequence}\`,
        annotations: { collector: '$id' },
      }),
    ];
  }
}
TS

cat > "$target/src/plugin.ts" <<TS
// The $id collector's plugin entry ($package/plugin). Keep it light: import heavy
// libraries inside register / transformers, so commands that do not run it do not load them.
import { definePlugin, Logger } from '@tapio/plugin-api';
import { ${class}Config } from './$id-config.js';

export const ${camel}Plugin = definePlugin({
  id: '$id',
  kind: 'collector',
  description: '$id samples, one custom event per interval',
  needs: { logger: Logger },
  configSchema: ${class}Config,
  transformers: async () => {
    const { ${class}Transformer } = await import('./$id-transformer.js');
    return [new ${class}Transformer()];
  },
  register: async ({ deps, config }) => {
    const { ${class}Collector } = await import('./$id-collector.js');
    return { collectors: [new ${class}Collector(config, deps.logger)] };
  },
});
TS

cat > "$target/src/index.ts" <<TS
export { ${camel}Plugin } from './plugin.js';
export { ${class}Collector, ${class^^}_SOURCE } from './$id-collector.js';
export { ${class}Transformer } from './$id-transformer.js';
export { ${class}Config } from './$id-config.js';
TS

cat > "$target/src/plugin.test.ts" <<TS
import { describe, expect, it } from 'vitest';
import { isPluginDescriptor, silentLogger, type RawEvent } from '@tapio/plugin-api';
import { ${camel}Plugin } from './plugin.js';

const context = { eventId: (raw: RawEvent, discriminator: string) => \`\${raw.type}-\${discriminator}\`, processedAt: '2026-03-02T10:00:00Z', cluster: 'lab' };

describe('${camel}Plugin', () => {
  it('is a collector plugin whose collector emits samples its transformer turns into events', async () => {
    expect(isPluginDescriptor(${camel}Plugin)).toBe(true);
    const config = ${camel}Plugin.configSchema?.parse({ node: 'n1' }) as never;
    const [collector] = (await ${camel}Plugin.register({ deps: { logger: silentLogger }, config, logger: silentLogger, baseDir: '.' })).collectors ?? [];
    const emitted: RawEvent[] = [];
    await collector?.start({ emit: async (event) => void emitted.push(event) });
    await collector?.stop();
    const [transformer] = (await ${camel}Plugin.transformers?.()) ?? [];
    const events = transformer?.transform(emitted[0] as RawEvent, context) ?? [];
    expect(events.map((event) => [event.type, event.entity?.name])).toEqual([['custom', 'n1']]);
  });

  it('refuses unknown settings and raw types', async () => {
    expect(${camel}Plugin.configSchema?.safeParse({ intervall: '1s' }).success).toBe(false);
    const [transformer] = (await ${camel}Plugin.transformers?.()) ?? [];
    expect(() => transformer?.transform({ timestamp: '2026-03-02T10:00:00Z', type: 'Other', source: '$id', data: {} }, context)).toThrow(/unknown raw type "Other"/);
  });
});
TS

# Wiring into the workspace's build (mechanical, so a person edits one line only): the build
# and the app's project references, and the app's dependency on the package.
node - "$into" "$dir" "$package" <<'JS'
const { readFileSync, writeFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const [root, dir, name] = process.argv.slice(2);
const edit = (file, change) => {
  const path = join(root, file);
  if (!existsSync(path)) return;
  const json = JSON.parse(readFileSync(path, 'utf8'));
  change(json);
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
};
edit('tsconfig.build.json', (json) => json.references.some((ref) => ref.path === dir) || json.references.push({ path: dir }));
edit('apps/tapio/tsconfig.json', (json) => (json.references ??= []).some((ref) => ref.path === `../../${dir}`) || json.references.push({ path: `../../${dir}` }));
edit('apps/tapio/package.json', (json) => ((json.dependencies ??= {})[name] = '*'));
JS

cat <<MSG
created $dir ($package): collector, transformer, plugin entry, unit test
register it with one line in apps/tapio/src/plugins/builtin-plugins.ts:
  import { ${camel}Plugin } from '$package/plugin';   ...   ${camel}Plugin as PluginDescriptor,
then run npm install (links the package) and configure it in tapio.yaml:  collectors: { $id: { interval: 30s } }
MSG
