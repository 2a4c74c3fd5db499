import { BehaviorPattern, EVENT_TYPES, SEED_EVENT_TYPE_ALIASES, type PatternLoadError } from '@tapio/domain';
import { RE2JS } from 're2js';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import { duplicateKeys, firstAlias, MAX_ALIAS_COUNT } from './yaml-safety.js';

// Seed 002's names (OOMKilled) are accepted: the engine reads them as the event type they stand for.
const KNOWN_TYPES: ReadonlySet<string> = new Set([...EVENT_TYPES, ...Object.keys(SEED_EVENT_TYPE_ALIASES)]);

function lineOf(document: Document, lines: LineCounter, path: readonly PropertyKey[], atKey = false): { line: number; column: number } | undefined {
  if (atKey && path.length > 0) {
    // An unknown key is reported where the key is written, not at its value.
    const parent = (path.length === 1 ? document.contents : document.getIn(path.slice(0, -1) as unknown[], true)) as YamlNode | undefined;
    const name = path[path.length - 1];
    const pair = isMap(parent) ? parent.items.find((item) => isScalar(item.key) && item.key.value === name) : undefined;
    const offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
    if (offset !== undefined) {
      const { line, col } = lines.linePos(offset);
      return { line, column: col };
    }
  }
  for (let length = path.length; length >= 0; length -= 1) {
    const node = (length === 0 ? document.contents : document.getIn(path.slice(0, length) as unknown[], true)) as YamlNode | undefined;
    const offset = node?.range?.[0];
    if (offset !== undefined) {
      const { line, col } = lines.linePos(offset);
      return { line, column: col };
    }
  }
  return undefined;
}

function format(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
}

/** Conditions on `type` must name real event types; a typo would silently never match. */
function unknownTypes(pattern: BehaviorPattern): Array<{ path: PropertyKey[]; value: string }> {
  const problems: Array<{ path: PropertyKey[]; value: string }> = [];
  const check = (conditions: BehaviorPattern['spec']['conditions'], prefix: PropertyKey[]) => {
    conditions?.forEach((condition, index) => {
      if (condition.field !== 'type') return;
      const values = Array.isArray(condition.value) ? condition.value : [condition.value];
      values.forEach((value, valueIndex) => {
        if (typeof value === 'string' && !KNOWN_TYPES.has(value)) {
          problems.push({ path: [...prefix, index, 'value', ...(Array.isArray(condition.value) ? [valueIndex] : [])], value });
        }
      });
    });
  };
  check(pattern.spec.conditions, ['spec', 'conditions']);
  pattern.spec.sequence?.forEach((step, index) => check(step.conditions, ['spec', 'sequence', index, 'conditions']));
  check(pattern.spec.clearedBy, ['spec', 'clearedBy']);
  return problems;
}

/**
 * `matches` runs on RE2 (linear time in the input, whatever the expression), which has no
 * backreferences or lookaround: refuse what it cannot compile, where it is written.
 */
function unsupportedRegexes(pattern: BehaviorPattern): Array<{ path: PropertyKey[]; reason: string }> {
  const problems: Array<{ path: PropertyKey[]; reason: string }> = [];
  const check = (conditions: BehaviorPattern['spec']['conditions'], prefix: PropertyKey[]) => {
    conditions?.forEach((condition, index) => {
      if (condition.operator !== 'matches') return;
      try {
        RE2JS.compile(String(condition.value));
      } catch (error) {
        problems.push({ path: [...prefix, index, 'value'], reason: `"${String(condition.value)}" is not a regular expression RE2 accepts (no backreferences or lookaround): ${(error as Error).message}` });
      }
    });
  };
  check(pattern.spec.conditions, ['spec', 'conditions']);
  pattern.spec.sequence?.forEach((step, index) => check(step.conditions, ['spec', 'sequence', index, 'conditions']));
  check(pattern.spec.clearedBy, ['spec', 'clearedBy']);
  return problems;
}

/** The document as plain data, or why not: an alias bomb (aliases of aliases) makes toJS throw. */
function documentValue(document: Document, lines: LineCounter, file: string): { value: unknown } | { error: PatternLoadError } {
  try {
    return { value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    return { error: { file, ...firstAlias(document, lines), reason: `cannot read the document: ${(error as Error).message}` } };
  }
}

export interface ParsedPatternFile {
  patterns: BehaviorPattern[];
  errors: PatternLoadError[];
}

/**
 * Parses one YAML file of BehaviorPatterns (several documents allowed). Every problem
 * names the file, line and reason; a file with any error contributes no pattern, so
 * a half-valid edit never goes live.
 */
export function parsePatternFile(text: string, file: string): ParsedPatternFile {
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false });
  const errors: PatternLoadError[] = [];
  const patterns: BehaviorPattern[] = [];
  if (!Array.isArray(documents)) {
    return { patterns, errors: [{ file, reason: 'not a YAML stream' }] };
  }
  for (const document of documents) {
    for (const error of document.errors) {
      errors.push({ file, line: error.linePos?.[0]?.line, column: error.linePos?.[0]?.col, reason: error.message.split('\n')[0] ?? error.message });
    }
    if (document.errors.length) continue;
    const repeated = duplicateKeys(document, lines);
    for (const problem of repeated) errors.push({ file, line: problem.line, column: problem.column, reason: problem.message });
    if (repeated.length) continue;
    if (document.contents === null) continue;
    if (!isMap(document.contents) && !isSeq(document.contents)) {
      errors.push({ file, ...lineOf(document, lines, []), reason: 'a pattern document must be a mapping (apiVersion, kind, metadata, spec)' });
      continue;
    }
    const value = documentValue(document, lines, file);
    if ('error' in value) {
      errors.push(value.error);
      continue;
    }
    const result = BehaviorPattern.safeParse(value.value);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] as string] : issue.path;
        const reason = issue.code === 'unrecognized_keys' ? `unknown key "${issue.keys.join('", "')}"` : issue.message;
        errors.push({ file, ...lineOf(document, lines, path, issue.code === 'unrecognized_keys'), reason: `${format(path) || '(document)'}: ${reason}` });
      }
      continue;
    }
    const typos = unknownTypes(result.data);
    if (typos.length) {
      for (const typo of typos) errors.push({ file, ...lineOf(document, lines, typo.path), reason: `${format(typo.path)}: "${typo.value}" is not an event type` });
      continue;
    }
    const regexes = unsupportedRegexes(result.data);
    if (regexes.length) {
      for (const regex of regexes) errors.push({ file, ...lineOf(document, lines, regex.path), reason: `${format(regex.path)}: ${regex.reason}` });
      continue;
    }
    patterns.push(result.data);
  }
  return errors.length ? { patterns: [], errors } : { patterns, errors };
}
