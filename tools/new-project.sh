#!/usr/bin/env bash
# Scaffolds a workspace project:
#   tools/new-project.sh <dir> <package-name> <level-tag> [deps...]
#     package.json (source-condition exports), project.json (Nx tags/targets) and tsconfig.json
#     (composite, referencing its workspace dependencies);
#   tools/new-project.sh --collector <id> [--root DIR]
#     a collector plugin in libs/collectors/<id> (package @tapio/collector-<id>) that runs as it
#     is: a collector emitting a sample every interval, its transformer, its light plugin entry
#     and a unit test. It wires the package into the workspace's build; registering it is the one
#     line the script prints, in apps/tapio/src/plugins/collector-plugins.ts. --root scaffolds into
#     another copy of the workspace (the scaffolding test uses a temp folder).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" = "--collector" ]; then
  exec bash "$(dirname "$0")/scaffold/new-collector.sh" "${@:2}"
fi
dir=$1; name=$2; level=$3; shift 3
mkdir -p "$root/$dir/src"
rel=$(realpath --relative-to="$root/$dir" "$root")
deps_json=""; refs_json=""
for dep in "$@"; do
  dep_dir=$( (grep -l "\"name\": \"$dep\"" "$root"/libs/domain/package.json "$root"/libs/*/*/package.json 2>/dev/null || true) | head -1 | xargs dirname)
  deps_json+="    \"$dep\": \"*\",\n"
  refs_json+="{ \"path\": \"$(realpath --relative-to="$root/$dir" "$dep_dir")\" }, "
done
deps_json=$(printf "$deps_json" | sed '$ s/,$//')
cat > "$root/$dir/package.json" <<JSON
{
  "name": "$name",
  "version": "0.1.0",
  "private": true,
  "type": "module",
  "exports": {
    ".": {
      "@tapio/source": "./src/index.ts",
      "types": "./dist/index.d.ts",
      "default": "./dist/index.js"
    }
  },
  "dependencies": {
$deps_json
  }
}
JSON
short=$(basename "$dir")
cat > "$root/$dir/project.json" <<JSON
{
  "name": "$short",
  "\$schema": "$rel/node_modules/nx/schemas/project-schema.json",
  "projectType": "library",
  "sourceRoot": "$dir/src",
  "tags": ["$level"],
  "targets": {
    "build": { "executor": "nx:run-commands", "options": { "command": "tsc -b $dir" } },
    "test": { "executor": "nx:run-commands", "options": { "command": "vitest run --project $short" } }
  }
}
JSON
cat > "$root/$dir/tsconfig.json" <<JSON
{
  "extends": "$rel/tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist", "tsBuildInfoFile": "dist/.tsbuildinfo" },
  "include": ["src/**/*.ts"],
  "exclude": ["src/**/*.test.ts"],
  "references": [${refs_json%, }]
}
JSON
echo "created $dir ($name, $level)"
