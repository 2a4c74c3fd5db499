import { describe, expect, it } from 'vitest';
import { parsePatternFile } from './parse-pattern-file.js';

const FILE = '/etc/tapio/patterns/example.yaml';

/** A valid pattern; tests break one line of it at a time. */
const VALID = `apiVersion: behavior.tapio.io/v1
kind: BehaviorPattern
metadata:
  name: restarts
spec:
  severity: high
  conditions:
    - field: type
      operator: equals
      value: pod_restart
  count:
    gt: 3
    window: 10m
    by: entity
  predictions:
    - type: service_degradation
      confidence_base: 0.8
      message: "keeps restarting"
`;

describe('parsePatternFile', () => {
  it('accepts a valid pattern and fills defaults', () => {
    const parsed = parsePatternFile(VALID, FILE);
    expect(parsed.errors).toEqual([]);
    expect(parsed.patterns).toHaveLength(1);
    expect(parsed.patterns[0]?.spec).toMatchObject({ enabled: true, priority: 50, severity: 'high', count: { gt: 3, window: '10m', by: 'entity', distinct: false } });
  });

  it('checks what a prediction expects: real event types, a step it names, and a way to tell the deadline', () => {
    const expecting = (lines: string) => parsePatternFile(`${VALID}      expect:\n${lines}`, FILE);
    expect(expecting('        events: [oom_killed]\n        deadline_metric: memory.minutes_to_limit\n').errors).toEqual([]);
    expect(expecting('        events: [oom_killed]\n        on: match\n        deadline_metric: memory.minutes_to_limit\n').errors).toEqual([]);
    expect(expecting('        events: [oom_killed]\n').errors[0]?.reason).toContain('expect needs time_horizon or expect.deadline_metric');
    expect(expecting('        events: [oom_killed]\n        on: growth\n        deadline_metric: m\n').errors[0]?.reason).toContain('"growth" is not a step id');
    expect(expecting('        events: [oom_kiled]\n        deadline_metric: m\n').errors.length).toBeGreaterThan(0);
  });

  it('rejects invalid YAML with file, line and reason', () => {
    const text = VALID.replace('    gt: 3', '    gt: [3');
    const parsed = parsePatternFile(text, FILE);
    expect(parsed.patterns).toEqual([]);
    expect(parsed.errors.length).toBeGreaterThan(0);
    expect(parsed.errors[0]).toMatchObject({ file: FILE });
    expect(parsed.errors[0]?.line).toBeGreaterThanOrEqual(12);
    expect(parsed.errors[0]?.reason.length).toBeGreaterThan(5);
  });

  it('rejects an unknown key naming it and its line', () => {
    const text = VALID.replace('  severity: high', '  severity: high\n  sevrity: low');
    const parsed = parsePatternFile(text, FILE);
    expect(parsed.patterns).toEqual([]);
    expect(parsed.errors).toEqual([{ file: FILE, line: 7, column: 3, reason: 'spec.sevrity: unknown key "sevrity"' }]);
  });

  it('rejects a root cause resource it does not know at its line, listing the ones it does', () => {
    const text = VALID.replace('  severity: high', '  severity: high\n  rootCauseResource: volume');
    const [error] = parsePatternFile(text, FILE).errors;
    expect(error).toMatchObject({ file: FILE, line: 7 });
    expect(error?.reason).toMatch(/^spec\.rootCauseResource: /);
    expect(error?.reason).toContain('claimed_volume');
  });

  it('rejects a bad operator at its line', () => {
    const text = VALID.replace('operator: equals', 'operator: equal');
    const [error] = parsePatternFile(text, FILE).errors;
    expect(error).toMatchObject({ file: FILE, line: 9 });
    expect(error?.reason).toMatch(/^spec\.conditions\[0\]\.operator: /);
    expect(error?.reason).toContain('equals');
  });

  it('rejects an unknown event type at the line of the value', () => {
    const text = VALID.replace('value: pod_restart', 'value: pod_restarted');
    expect(parsePatternFile(text, FILE).errors).toEqual([{ file: FILE, line: 10, column: 14, reason: 'spec.conditions[0].value: "pod_restarted" is not an event type' }]);
  });

  it('rejects an operator whose value has the wrong shape, a bad duration and an unknown step reference', () => {
    expect(parsePatternFile(VALID.replace('operator: equals', 'operator: in'), FILE).errors[0]?.reason).toContain('needs a list value');
    expect(parsePatternFile(VALID.replace('window: 10m', 'window: ten minutes'), FILE).errors[0]).toMatchObject({ line: 13, reason: expect.stringContaining('invalid duration') });
    expect(parsePatternFile(`${VALID}  rootCause: nowhere\n`, FILE).errors[0]?.reason).toContain('"nowhere" is not a step id');
  });

  it('accepts a hold with what clears it, and rejects clearedBy without holdFor or naming an unknown type', () => {
    const held = `${VALID}  holdFor: 2m\n  clearedBy:\n    - field: type\n      operator: equals\n      value: service_restored\n`;
    const parsed = parsePatternFile(held, FILE);
    expect(parsed.errors).toEqual([]);
    expect(parsed.patterns[0]?.spec).toMatchObject({ holdFor: '2m', clearedBy: [{ field: 'type', operator: 'equals', value: 'service_restored' }] });
    expect(parsePatternFile(held.replace('  holdFor: 2m\n', ''), FILE).errors[0]?.reason).toContain('clearedBy needs holdFor');
    expect(parsePatternFile(held.replace('value: service_restored', 'value: service_back'), FILE).errors[0]).toMatchObject({ line: 23, reason: 'spec.clearedBy[0].value: "service_back" is not an event type' });
    expect(parsePatternFile(held.replace('holdFor: 2m', 'holdFor: soon'), FILE).errors[0]).toMatchObject({ line: 19, reason: expect.stringContaining('invalid duration') });
  });

  it('a file with one bad document contributes nothing, so half an edit never goes live', () => {
    const second = VALID.replace('name: restarts', 'name: restarts-two').replace('value: pod_restart', 'value: nonsense');
    const parsed = parsePatternFile(`${VALID}---\n${second}`, FILE);
    expect(parsed.patterns).toEqual([]);
    expect(parsed.errors[0]?.line).toBe(29);
  });
});

describe('docs/patterns.md', () => {
  it('every complete pattern example in the reference is valid', async () => {
    const { readFileSync } = await import('node:fs');
    const file = new URL('../../../../../docs/patterns.md', import.meta.url);
    const blocks = [...readFileSync(file, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] as string).filter((block) => block.startsWith('apiVersion:') && !block.includes('...'));
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    for (const block of blocks) {
      const parsed = parsePatternFile(block.replace(/ {2,}# .*$/gm, ''), 'docs/patterns.md');
      expect(parsed.errors, block.slice(0, 200)).toEqual([]);
    }
  });
});
