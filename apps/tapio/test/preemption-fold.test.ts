import { describe, expect, it } from 'vitest';
import { benignRecording } from './corpus/corpus-variants.js';
import { analyzeRecording } from './support/analyze-recording.js';
import { preemption } from './support/batch-and-scheduling-incidents.js';
import { normalise, readRecording } from './support/recording-variants.js';

const REAL = new URL('../../../examples/recordings/real/', import.meta.url);
const rootsOf = (lines: Parameters<typeof analyzeRecording>[0]) => analyzeRecording(lines).engine.insights().filter((insight) => !insight.explainedBy);

/**
 * Issue #15: the victims of a preemption are replaced, and the replacements cannot be
 * scheduled (the preemptor took the room). Their FailedScheduling belongs to the preemption's
 * incident (a causal edge pod_preempted -> the victim family's pod_unschedulable), not to an
 * incident of its own rooted at the victim workload.
 */
describe('preempted pods whose replacements cannot be placed: one incident, rooted at the preemptor', () => {
  it('real recording: the victims\' scheduler-thrash joins the preemption (before: a second incident rooted at Deployment reindex)', () => {
    const insights = rootsOf(readRecording(new URL('preemption.ndjson', REAL)));
    expect(insights.map((insight) => `${insight.rootCause.entity.kind}/${insight.rootCause.entity.name}`)).toEqual(['Deployment/ingest']);
    const [incident] = insights;
    expect(incident?.story).toContain('its replacements cannot be placed');
    expect(incident?.symptoms.map((symptom) => symptom.name)).toEqual(expect.arrayContaining(['reindex-5f48d96b7c-ghdf9', 'reindex-5f48d96b7c-pfztd']));
  });

  it('generated, the scheduler retrying the replacements for minutes: still one incident, the replacements among its symptoms', () => {
    const { lines, accept } = preemption(benignRecording(), 'shop', 'checkout', 'node-2', 'preempt-retry', { schedulerRetries: 5 });
    const insights = rootsOf(normalise(lines));
    const loud = insights.filter((insight) => insight.severity !== 'info' && insight.severity !== 'low');
    expect(loud.map((insight) => `${insight.rootCause.entity.kind}/${insight.rootCause.entity.name}`)).toEqual([`${accept[0]?.kind}/${accept[0]?.name}`]);
    const victim = loud[0]?.story.match(/preempted Pod shop\/(checkout-\S+) at .*; its replacements cannot be placed/)?.[1];
    expect(victim, loud[0]?.story).toBeDefined();
    // The victim (the root step's pod: preemption-starves names its root elsewhere) and its replacement.
    const symptoms = loud[0]?.symptoms.map((symptom) => symptom.name) ?? [];
    expect(symptoms).toContain(victim);
    expect(symptoms.filter((name) => name.startsWith('checkout-') && name !== victim).length, symptoms.join(', ')).toBeGreaterThanOrEqual(1);
  });
});
