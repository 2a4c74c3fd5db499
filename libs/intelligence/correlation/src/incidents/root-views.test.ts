import { insightWith, type EntityRef, type Insight } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { absorb } from './incident-folding.js';
import { foldLink, RootViews, type FoldedIncident } from './root-views.js';

const pod = (name: string): EntityRef => ({ cluster: 'c', kind: 'Pod', namespace: 'shop', name });

function insight(id: string, symptoms: EntityRef[], severity: Insight['severity'] = 'high'): Insight {
  return insightWith({
    id,
    title: `incident ${id}`,
    severity,
    pattern: `pattern-${id}`,
    rootCause: { entity: { cluster: 'c', kind: 'Deployment', namespace: 'shop', name: id }, what: 'its pods fail', eventId: `evt-${id}`, eventType: 'pod_failed', timestamp: '2026-03-02T10:00:00Z' },
    symptoms,
    affected: symptoms.slice(0, 1),
    story: `line one\n  ├─ detail\n  ├─ Confidence: 60%\n  └─ Next: check`,
    firstSeen: '2026-03-02T10:00:00Z',
    lastSeen: '2026-03-02T10:01:00Z',
    createdAt: '2026-03-02T10:01:00Z',
  });
}

/** The view as built from scratch, which every answer of RootViews must equal. */
const fresh = (cause: Insight, folded: readonly FoldedIncident[]): Insight => ({
  ...absorb(
    cause,
    folded.map(({ other }) => other),
  ),
  alsoExplains: folded.map(({ other, reason }) => foldLink(other, reason)),
});

describe('RootViews', () => {
  const cause = insight('root', [pod('a'), pod('b')]);
  const x: FoldedIncident = { other: insight('x', [pod('b'), pod('c')], 'critical'), reason: 'uses it' };
  const y: FoldedIncident = { other: insight('y', [pod('d')]), reason: 'its pods are the ones that fail' };
  const folded = [x, y];

  it('builds the view a root has with the incidents folded into it', () => {
    const view = new RootViews().view(cause, folded);
    expect(view).toEqual(fresh(cause, folded));
    expect(view.severity).toBe('critical');
    expect(view.symptoms.map((ref) => ref.name)).toEqual(['a', 'b', 'x', 'c', 'y', 'd']);
  });

  it('answers a re-rated root and re-rated folded incidents from the view built before, key for key as a fresh one', () => {
    const views = new RootViews();
    const first = views.view(cause, folded);
    const rerated = { ...cause, confidence: 0.31 };
    const foldedRerated = folded.map(({ other, reason }) => ({ other: { ...other, confidence: 0.2 }, reason }));
    const again = views.view(rerated, foldedRerated);
    expect(JSON.stringify(again)).toBe(JSON.stringify(fresh(rerated, foldedRerated)));
    expect(again.confidence).toBe(0.31);
    // The merged lists were not built again.
    expect(again.symptoms).toBe(first.symptoms);
    expect(again.alsoExplains).toBe(first.alsoExplains);
  });

  it('builds the view again when anything it reads changed', () => {
    const changes: Array<[string, Insight, FoldedIncident[]]> = [
      ['a symptom of the root', { ...cause, symptoms: [...cause.symptoms, pod('e')] }, folded],
      ['the root story', { ...cause, story: `${cause.story}\n  └─ more` }, folded],
      ['the root severity', { ...cause, severity: 'critical' }, folded],
      ['a folded title', cause, [{ ...x, other: { ...x.other, title: 'renamed' } }, y]],
      ['a folded severity', cause, [x, { ...y, other: { ...y.other, severity: 'critical' } }]],
      ['a folded affected list', cause, [x, { ...y, other: { ...y.other, affected: [pod('z')] } }]],
      ['a reason', cause, [x, { ...y, reason: 'another reason' }]],
      ['one more folded', cause, [...folded, { other: insight('w', [pod('w')]), reason: 'uses it' }]],
      ['one fewer folded', cause, folded.slice(1)],
    ];
    for (const [what, root, others] of changes) {
      const views = new RootViews();
      const before = views.view(cause, folded);
      const after = views.view(root, others);
      expect(after, what).toEqual(fresh(root, others));
      expect(after.alsoExplains === before.alsoExplains && after.symptoms === before.symptoms && after.story === before.story, what).toBe(false);
    }
  });

  it('forgets roots that have nothing folded any more or that the folds no longer name', () => {
    const views = new RootViews();
    views.view(cause, folded);
    views.view(insight('other', [pod('q')]), folded);
    expect(views.size).toBe(2);
    views.forget('root');
    expect(views.size).toBe(1);
    views.keepOnly(new Set(['root']));
    expect(views.size).toBe(0);
  });
});
