import type { ChangedLine, ChangeItem, ChangeLimits } from '@tapio/domain';
import { diffLines } from 'diff';
import { obj, type Json } from './k8s-object.js';

/**
 * What the transformer keeps of a ConfigMap's content between versions, so an edit can be
 * told as the lines it changed ("application.yaml: line 12: "timeout: 30s" -> "timeout:
 * 30""), not only as "data key edited". Never used for Secrets (their values are never
 * read). Bounded by `limits.maxConfigBytes` per ConfigMap: keys in name order are kept
 * while they fit; a key beyond is still known to have changed (its digest), without lines.
 */
export interface ConfigContent {
  /** Text of the `data` keys kept. */
  text: Record<string, string>;
  /** Size in bytes of every value: `data` as UTF-8, `binaryData` decoded. */
  sizes: Record<string, number>;
  /** Keys of `binaryData`. */
  binary: string[];
}

/** Bytes a base64 value decodes to. */
function base64Bytes(value: string): number {
  const trimmed = value.replace(/\s/g, '');
  const padding = trimmed.endsWith('==') ? 2 : trimmed.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((trimmed.length * 3) / 4) - padding);
}

export function configContent(object: Json, limits: ChangeLimits): ConfigContent {
  const content: ConfigContent = { text: {}, sizes: {}, binary: [] };
  const data = obj(object['data']);
  let budget = limits.maxConfigBytes;
  for (const key of Object.keys(data).sort()) {
    const value = data[key];
    const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
    const bytes = Buffer.byteLength(text, 'utf8');
    content.sizes[key] = bytes;
    if (bytes <= budget) {
      content.text[key] = text;
      budget -= bytes;
    }
  }
  for (const [key, value] of Object.entries(obj(object['binaryData']))) {
    content.sizes[key] = typeof value === 'string' ? base64Bytes(value) : 0;
    content.binary.push(key);
  }
  content.binary.sort();
  return content;
}

function cut(line: string, limits: ChangeLimits): string {
  return line.length > limits.maxLineChars ? `${line.slice(0, limits.maxLineChars - 1)}…` : line;
}

/** The lines of a diff part (its value ends with a newline except, maybe, at the end of the text). */
function partLines(value: string, count: number | undefined): string[] {
  const lines = value.split('\n');
  return lines.slice(0, count ?? (value.endsWith('\n') ? lines.length - 1 : lines.length));
}

/** More edits than this between two versions is a rewrite: no lines are listed (and the diff stays cheap). */
const MAX_EDIT_LENGTH = 2000;

/**
 * The lines that differ between two texts: an old line replaced by a new one is one edited
 * line (numbered in the new text); lines only removed are numbered in the old text.
 * Undefined when the texts differ too much to list.
 */
export function changedLines(before: string, after: string, limits: ChangeLimits): { lines: ChangedLine[]; more: number } | undefined {
  const parts = diffLines(before, after, { maxEditLength: MAX_EDIT_LENGTH });
  if (!parts) return undefined;
  const lines: ChangedLine[] = [];
  let total = 0;
  let oldLine = 1;
  let newLine = 1;
  const push = (line: ChangedLine) => {
    total += 1;
    if (lines.length < limits.maxChangedLines) lines.push(line);
  };
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index] as (typeof parts)[number];
    const text = partLines(part.value, part.count);
    if (!part.added && !part.removed) {
      oldLine += text.length;
      newLine += text.length;
      continue;
    }
    const next = parts[index + 1];
    if (part.removed && next?.added) {
      const added = partLines(next.value, next.count);
      const paired = Math.min(text.length, added.length);
      for (let line = 0; line < paired; line += 1) push({ line: newLine + line, before: cut(text[line] as string, limits), after: cut(added[line] as string, limits) });
      for (let line = paired; line < text.length; line += 1) push({ line: oldLine + line, before: cut(text[line] as string, limits) });
      for (let line = paired; line < added.length; line += 1) push({ line: newLine + line, after: cut(added[line] as string, limits) });
      oldLine += text.length;
      newLine += added.length;
      index += 1;
    } else if (part.removed) {
      text.forEach((line, offset) => push({ line: oldLine + offset, before: cut(line, limits) }));
      oldLine += text.length;
    } else {
      text.forEach((line, offset) => push({ line: newLine + offset, after: cut(line, limits) }));
      newLine += text.length;
    }
  }
  return { lines, more: total - lines.length };
}

/**
 * The change items of a ConfigMap edit, from the per-key digests (which keys changed) and
 * the kept content (which lines): `data.<key>` with its changed lines when both versions'
 * text is known, `binaryData.<key>` with the new size.
 */
export function configMapChanges(
  beforeDigest: Record<string, string>,
  afterDigest: Record<string, string>,
  before: ConfigContent | undefined,
  after: ConfigContent,
  limits: ChangeLimits,
): ChangeItem[] {
  const changes: ChangeItem[] = [];
  const binary = new Set([...(before?.binary ?? []), ...after.binary]);
  const path = (key: string) => `${binary.has(key) ? 'binaryData' : 'data'}.${key}`;
  for (const key of Object.keys(afterDigest).sort()) {
    const bytes = after.sizes[key];
    const size = bytes !== undefined ? { bytes } : {};
    if (!(key in beforeDigest)) {
      changes.push({ path: path(key), op: 'added', ...size });
      continue;
    }
    if (beforeDigest[key] === afterDigest[key]) continue;
    const was = before?.text[key];
    const now = after.text[key];
    const diff = was !== undefined && now !== undefined ? changedLines(was, now, limits) : undefined;
    if (diff && diff.lines.length) changes.push({ path: path(key), op: 'changed', lines: diff.lines, ...(diff.more > 0 ? { moreLines: diff.more } : {}) });
    else changes.push({ path: path(key), op: 'changed', ...size });
  }
  for (const key of Object.keys(beforeDigest).sort()) {
    if (key in afterDigest) continue;
    const bytes = before?.sizes[key];
    changes.push({ path: path(key), op: 'removed', ...(bytes !== undefined ? { bytes } : {}) });
  }
  return changes;
}

function quoted(line: string | undefined): string {
  return JSON.stringify(line ?? '');
}

/** "line 12: "timeout: 30s" -> "timeout: 30"", "line 13 added: "x"", "line 7 removed: "y"". */
export function describeLine(line: ChangedLine): string {
  if (line.before !== undefined && line.after !== undefined) return `line ${line.line}: ${quoted(line.before)} -> ${quoted(line.after)}`;
  if (line.after !== undefined) return `line ${line.line} added: ${quoted(line.after)}`;
  return `line ${line.line} removed: ${quoted(line.before)}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * A ConfigMap change in words, at most `maxLines` changed lines in all:
 * `application.yaml: line 12: "timeout: 30s" -> "timeout: 30"`, `binary key logo.png
 * changed (2048 bytes)`, `data key extra.yaml added`, `data key old.yaml edited`.
 */
export function describeConfigChanges(changes: readonly ChangeItem[], maxLines = 3): string {
  let budget = maxLines;
  return changes
    .map((change) => {
      if (change.path === 'data') return `data ${change.op === 'changed' ? 'edited' : change.op}`;
      const [section, ...rest] = change.path.split('.');
      const key = rest.join('.') || change.path;
      if (section === 'binaryData') return `binary key ${key} ${change.op === 'changed' ? 'changed' : change.op}${change.bytes !== undefined ? ` (${plural(change.bytes, 'byte')})` : ''}`;
      if (change.lines?.length) {
        const shown = change.lines.slice(0, Math.max(1, budget));
        budget -= shown.length;
        const left = change.lines.length - shown.length + (change.moreLines ?? 0);
        return `${key}: ${shown.map(describeLine).join('; ')}${left > 0 ? ` and ${plural(left, 'more changed line')}` : ''}`;
      }
      if (section !== 'data') return `${change.path} ${change.op}`;
      return `data key ${key} ${change.op === 'changed' ? 'edited' : change.op}`;
    })
    .join(', ');
}
