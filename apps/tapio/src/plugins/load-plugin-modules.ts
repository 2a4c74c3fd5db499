import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isPluginDescriptor, type PluginDescriptor } from '@tapio/domain';

export interface PluginLoadFailure {
  spec: string;
  message: string;
}

export interface LoadedPlugins {
  descriptors: Array<{ descriptor: PluginDescriptor; origin: string }>;
  failures: PluginLoadFailure[];
}

function isPath(spec: string): boolean {
  return spec.startsWith('.') || isAbsolute(spec);
}

/**
 * Imports one module. The bundled command runs as a CommonJS script that its launcher
 * compiles with node:vm (for V8's code cache: cli-bundle/compile-cache.ts), where Node 20
 * allows no `import()` without an experimental flag; the launcher gives it its own `import()`
 * under this symbol. From the modules, this file's own `import()`.
 */
function importModule(specifier: string): Promise<Record<string, unknown>> {
  const provided = (globalThis as Record<symbol, unknown>)[Symbol.for('tapio.importModule')] as ((specifier: string) => Promise<unknown>) | undefined;
  return (provided ? provided(specifier) : import(specifier)) as Promise<Record<string, unknown>>;
}

async function importSpec(spec: string, baseDir: string): Promise<Record<string, unknown>> {
  if (isPath(spec)) return importModule(pathToFileURL(resolve(baseDir, spec)).href);
  // A package: resolved from the config file's folder first (where the user installed
  // it), then from Tapio's own dependencies.
  try {
    const resolved = createRequire(join(baseDir, 'tapio.yaml')).resolve(spec);
    return await importModule(pathToFileURL(resolved).href);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' && (error as NodeJS.ErrnoException).code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
    return importModule(spec);
  }
}

/**
 * Imports third-party plugin modules named in tapio.yaml. A module's default export
 * and named exports that are plugin descriptors are taken. A module that cannot be
 * loaded, or exports no descriptor, is reported by name; the others still load.
 */
export async function loadPluginModules(specs: readonly string[], baseDir: string): Promise<LoadedPlugins> {
  const result: LoadedPlugins = { descriptors: [], failures: [] };
  for (const spec of specs) {
    let module: Record<string, unknown>;
    try {
      module = await importSpec(spec, baseDir);
    } catch (error) {
      result.failures.push({ spec, message: `cannot load plugin module "${spec}": ${(error as Error).message}` });
      continue;
    }
    const found = [...new Set(Object.values(module).filter(isPluginDescriptor))];
    if (found.length === 0) {
      result.failures.push({ spec, message: `plugin module "${spec}" exports no plugin descriptor (an object with id, kind, needs and register; see docs/plugins.md)` });
      continue;
    }
    for (const descriptor of found) result.descriptors.push({ descriptor, origin: spec });
  }
  return result;
}
