import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One file the bundle was built from: its path from the repository root, size and mtime then. */
export type BundleInput = readonly [path: string, size: number, mtimeMs: number];

/**
 * The first input of the bundle (tools/build-cli-bundle.mjs writes its manifest) that is no
 * longer the file it was built from (another size or mtime, or gone); undefined when every
 * one is unchanged. A `tsc -b` without the bundle step, an edited library, an `npm install`
 * all leave such a file, and the command then runs from its modules instead.
 */
export function staleInput(inputs: readonly BundleInput[], root: URL): string | undefined {
  // Plain path strings: a URL object per file cost more than its stat.
  const base = fileURLToPath(root);
  for (const [path, size, mtimeMs] of inputs) {
    const now = statSync(base + path, { throwIfNoEntry: false });
    if (!now || now.size !== size || now.mtimeMs !== mtimeMs) return path;
  }
  return undefined;
}

/** A bundle that may be run: its entry file and the build id its manifest gives. */
export interface FreshBundle {
  readonly entry: string;
  readonly buildId: string;
}

/** The bundle when its manifest is there and none of its inputs changed since it was built; undefined otherwise. */
export function freshBundle(bundleDir: URL, root: URL): FreshBundle | undefined {
  let manifest: { buildId?: unknown; inputs?: BundleInput[] };
  try {
    manifest = JSON.parse(readFileSync(new URL('manifest.json', bundleDir), 'utf8')) as { buildId?: unknown; inputs?: BundleInput[] };
  } catch {
    return undefined;
  }
  // A manifest without a build id is from an ES module bundle of an earlier build.
  if (typeof manifest.buildId !== 'string' || !Array.isArray(manifest.inputs) || manifest.inputs.length === 0) return undefined;
  if (staleInput(manifest.inputs, root) !== undefined) return undefined;
  return { entry: fileURLToPath(new URL('main.cjs', bundleDir)), buildId: manifest.buildId };
}
