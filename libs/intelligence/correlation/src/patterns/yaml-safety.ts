import { isMap, isScalar, visit, type Document, type LineCounter } from 'yaml';

export interface YamlProblem {
  line?: number;
  column?: number;
  message: string;
}

/**
 * Repeated keys in any mapping of the document, each reported where it is written. The
 * yaml library's own `uniqueKeys` compares every key with every other (200,000 keys took
 * minutes); one Set per mapping does it in linear time. Parse with `uniqueKeys: false`.
 */
export function duplicateKeys(document: Document, lines: LineCounter): YamlProblem[] {
  const problems: YamlProblem[] = [];
  visit(document, {
    Map(_key, map) {
      if (!isMap(map)) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const name = pair.key.value;
        if (!seen.has(name)) {
          seen.add(name);
          continue;
        }
        const offset = pair.key.range?.[0];
        const where = offset === undefined ? {} : (({ line, col }) => ({ line, column: col }))(lines.linePos(offset));
        problems.push({ ...where, message: `Map keys must be unique: "${String(name)}" is repeated` });
      }
    },
  });
  return problems;
}

/** Where the document's first alias is: the place to point at when aliases expand too much. */
export function firstAlias(document: Document, lines: LineCounter): { line: number; column: number } | undefined {
  let offset: number | undefined;
  visit(document, {
    Alias(_key, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  if (offset === undefined) return undefined;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

/** Aliases may expand to at most this many nodes each (the yaml library's default is 100). */
export const MAX_ALIAS_COUNT = 100;
