import { describe, expect, it } from 'vitest';
import { ChangeLimits, DEFAULT_CHANGE_LIMITS, UnifiedEvent, type TransformContext } from '@tapio/domain';
import { changedLines, configContent, describeConfigChanges } from './config-content.js';
import { KubeApiTransformer } from './kubeapi-transformer.js';

const limits = DEFAULT_CHANGE_LIMITS;

function configMap(resourceVersion: string, data: Record<string, string>, binaryData?: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'app-config', namespace: 'shop', uid: 'cm-1', resourceVersion },
    data,
    ...(binaryData ? { binaryData } : {}),
  };
}

const context = (second: number): TransformContext => ({ eventId: (_raw, discriminator) => `s${second}#${discriminator}`, processedAt: '2026-03-02T12:00:00.000Z', cluster: 'prod' });
const watch = (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: unknown, second: number) => ({
  timestamp: `2026-03-02T10:00:${String(second).padStart(2, '0')}Z`,
  source: 'kubeapi',
  type,
  metadata: {},
  data: { type, object },
});

function changeOf(transformer: KubeApiTransformer, type: 'MODIFIED' | 'DELETED', object: unknown, second: number): UnifiedEvent | undefined {
  const events = transformer.transform(watch(type, object, second) as never, context(second));
  for (const event of events) expect(UnifiedEvent.safeParse(event).success).toBe(true);
  return events.find((event) => event.type === 'config_changed');
}

describe('changedLines', () => {
  it('pairs a replaced line into one edited line numbered in the new text', () => {
    const before = 'server:\n  port: 8080\n  timeout: 30s\n';
    const after = 'server:\n  port: 8080\n  timeout: 30\n';
    expect(changedLines(before, after, limits)).toEqual({ lines: [{ line: 3, before: '  timeout: 30s', after: '  timeout: 30' }], more: 0 });
  });

  it('numbers removed lines in the old text and added ones in the new text', () => {
    expect(changedLines('a\nb\nc\n', 'a\nc\nd\n', limits)?.lines).toEqual([
      { line: 2, before: 'b' },
      { line: 3, after: 'd' },
    ]);
  });

  it('keeps at most maxChangedLines lines and counts the rest; cuts long lines', () => {
    const small = ChangeLimits.parse({ maxChangedLines: 2, maxLineChars: 16 });
    const result = changedLines('1\n2\n3\n4\n', `one\ntwo\nthree\n${'x'.repeat(40)}\n`, small);
    expect(result?.lines).toHaveLength(2);
    expect(result?.more).toBe(2);
    expect(changedLines('a\n', `${'y'.repeat(40)}\n`, small)?.lines[0]?.after).toBe(`${'y'.repeat(15)}…`);
  });
});

describe('configContent', () => {
  it('keeps text within maxConfigBytes, keys in name order, and sizes every value', () => {
    const content = configContent(configMap('1', { a: 'x'.repeat(10), b: 'y'.repeat(10) }, { 'logo.png': 'AAAA' }), ChangeLimits.parse({ maxConfigBytes: 15 }));
    expect(Object.keys(content.text)).toEqual(['a']);
    expect(content.sizes).toEqual({ a: 10, b: 10, 'logo.png': 3 });
    expect(content.binary).toEqual(['logo.png']);
  });
});

describe('ConfigMap changes through the transformer', () => {
  it('tells an edit by its changed lines, in the message and in the change item', () => {
    const transformer = new KubeApiTransformer();
    transformer.transform(watch('ADDED', configMap('1', { 'application.yaml': 'server:\n  timeout: 30s\n' }), 0) as never, context(0));
    const event = changeOf(transformer, 'MODIFIED', configMap('2', { 'application.yaml': 'server:\n  timeout: 30\n' }), 1);
    expect(event?.message).toBe('ConfigMap shop/app-config changed: application.yaml: line 2: "  timeout: 30s" -> "  timeout: 30"');
    expect(event?.kubernetes?.changes).toEqual([{ path: 'data.application.yaml', op: 'changed', lines: [{ line: 2, before: '  timeout: 30s', after: '  timeout: 30' }] }]);
  });

  it('says a binary key changed with its size, and a key too large to keep only that it was edited', () => {
    const transformer = new KubeApiTransformer({ limits: ChangeLimits.parse({ maxConfigBytes: 8 }) });
    transformer.transform(watch('ADDED', configMap('1', { big: 'x'.repeat(20) }, { 'logo.png': 'AAAA' }), 0) as never, context(0));
    const event = changeOf(transformer, 'MODIFIED', configMap('2', { big: 'y'.repeat(20) }, { 'logo.png': 'AAAAAAAA' }), 1);
    expect(event?.kubernetes?.changes).toEqual([
      { path: 'data.big', op: 'changed', bytes: 20 },
      { path: 'binaryData.logo.png', op: 'changed', bytes: 6 },
    ]);
    expect(event?.message).toBe('ConfigMap shop/app-config changed: data key big edited, binary key logo.png changed (6 bytes)');
  });

  it('reports a deletion as a change removing every key, binary keys named as such', () => {
    const transformer = new KubeApiTransformer();
    transformer.transform(watch('ADDED', configMap('1', { 'application.yaml': 'a: 1\n' }, { 'logo.png': 'AAAA' }), 0) as never, context(0));
    const event = changeOf(transformer, 'DELETED', configMap('2', { 'application.yaml': 'a: 1\n' }, { 'logo.png': 'AAAA' }), 1);
    expect(event?.kubernetes?.changes).toEqual([
      { path: 'data.application.yaml', op: 'removed', bytes: 5 },
      { path: 'binaryData.logo.png', op: 'removed', bytes: 3 },
    ]);
  });

  it('never carries a Secret value: a Secret edit names keys only', () => {
    const transformer = new KubeApiTransformer();
    const secret = (resourceVersion: string, password: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop', uid: 's-1', resourceVersion }, data: { password } });
    transformer.transform(watch('ADDED', secret('1', 'aHVudGVyMg=='), 0) as never, context(0));
    const events = transformer.transform(watch('MODIFIED', secret('2', 'c2VjcmV0Mw=='), 1) as never, context(1));
    expect(JSON.stringify(events)).not.toMatch(/aHVudGVyMg|c2VjcmV0Mw|lines/);
  });
});

describe('describeConfigChanges', () => {
  it('shows at most three lines in all and counts the others', () => {
    const text = describeConfigChanges([
      { path: 'data.a', op: 'changed', lines: [1, 2, 3, 4].map((line) => ({ line, before: 'x', after: 'y' })), moreLines: 2 },
    ]);
    expect(text).toBe('a: line 1: "x" -> "y"; line 2: "x" -> "y"; line 3: "x" -> "y" and 3 more changed lines');
  });
});
