import { describe, expect, it } from 'vitest';
import { entityKey, type IndexedEvent } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { recordingComposer } from '../../test/support/recording-composer.js';
import { compiled, indexAll, mustMatch } from '../../test/support/units.js';
import type { ComposeInsight } from './incident.js';
import { IncidentBook } from './incident-book.js';
import type { IncidentRoot } from './incident-root.js';

const restarts = compiled('restarts', { priority: 50, severity: 'medium' });
const crashes = compiled('crashes', { priority: 80, severity: 'high', conditions: [{ field: 'type', operator: 'equals', value: 'pod_restart' }] });
const MINUTE = 60_000;

/** A ConfigMap edit and its pods restarting, minutes apart. */
function cascade() {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1');
  const config = cluster.configMap('shop', 'checkout-config');
  const checkout = cluster.workload('shop', 'checkout', { replicas: 3, configMaps: ['checkout-config'], nodes: ['node-1'] });
  const edit = cluster.editConfig(config);
  const rootKey = entityKey(config);
  const restartAfter = (minutes: number, pod: number) => {
    cluster.advance(minutes * 60);
    return cluster.restart(checkout.pods[pod]!, 1);
  };
  return { cluster, edit, rootKey, restartAfter, pods: checkout.pods };
}

function rootOf(rootKey: string, rootEvent: IndexedEvent): IncidentRoot {
  return { rootKey, rootEvent, path: { events: [rootEvent], edges: [], confidence: 1 } };
}

describe('IncidentBook', () => {
  it('opens an incident for a new root cause, with the match symptoms that are not the root', () => {
    const { cluster, edit, rootKey, restartAfter, pods } = cascade();
    const restart = restartAfter(1, 0);
    const { state, indexed } = indexAll(cluster.events);
    const book = new IncidentBook();
    const { drafts, compose } = recordingComposer();
    const composed = book.admit(mustMatch(restarts, indexed(restart), state), rootOf(rootKey, indexed(edit)), compose);
    expect(composed?.insight.pattern).toBe('restarts');
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ rootKey, firstSeen: undefined, lastSeen: undefined, previous: { times: [], count: 0 }, symptomKeys: [entityKey(pods[0]!)] });
    expect(book.stats().incidents).toBe(1);
    expect(book.insights()).toEqual([composed?.insight]);
    expect(book.predictions()).toEqual([composed?.prediction]);
  });

  it('a repeat within the merge window changes nothing worth telling, only the last-seen time', () => {
    const { cluster, edit, rootKey, restartAfter } = cascade();
    const first = restartAfter(1, 0);
    const again = restartAfter(4, 0);
    const { state, indexed } = indexAll(cluster.events);
    const book = new IncidentBook();
    const { drafts, compose } = recordingComposer();
    book.admit(mustMatch(restarts, indexed(first), state), rootOf(rootKey, indexed(edit)), compose);
    expect(book.admit(mustMatch(restarts, indexed(again), state), rootOf(rootKey, indexed(edit)), compose)).toBeUndefined();
    expect(drafts).toHaveLength(1);
    expect(book.insights()[0]?.lastSeen).toBe(again.timestamp);
  });

  it('repeats that move the last-seen time a step past the last version return the insight as it stands, with its time', () => {
    const { cluster, edit, rootKey, restartAfter } = cascade();
    const first = restartAfter(1, 0);
    // Minutes 4, 7, 9, 12 and 14 (each restart comes the given minutes after the one before).
    const repeats = [3, 3, 2, 3, 2].map((minutes) => restartAfter(minutes, 0));
    const { state, indexed } = indexAll(cluster.events);
    const book = new IncidentBook();
    const { drafts, compose } = recordingComposer();
    const opened = book.admit(mustMatch(restarts, indexed(first), state), rootOf(rootKey, indexed(edit)), compose);
    const returned = repeats.map((repeat) => book.admit(mustMatch(restarts, indexed(repeat), state), rootOf(rootKey, indexed(edit)), compose));
    // 1 → 4 → 7 (6 minutes past the version of minute 1: told) → 9 → 12 (5 past 7: told) → 14.
    expect(returned.map((item) => item?.insight.lastSeen)).toEqual([undefined, repeats[1]!.timestamp, undefined, repeats[3]!.timestamp, undefined]);
    expect(returned.map((item) => item?.lastSeenOnly)).toEqual([undefined, true, undefined, true, undefined]);
    // Nothing composed again: the same insight with a later time, the same prediction.
    expect(drafts).toHaveLength(1);
    expect({ ...returned[3]!.insight, lastSeen: opened!.insight.lastSeen }).toEqual(opened!.insight);
    expect(returned[3]!.prediction).toBe(opened!.prediction);
    expect(book.insights()[0]?.lastSeen).toBe(repeats[4]!.timestamp);
  });

  it('a new symptom recomposes the same incident, keeping when it started', () => {
    const { cluster, edit, rootKey, restartAfter, pods } = cascade();
    const first = restartAfter(1, 0);
    const second = restartAfter(5, 1);
    const { state, indexed } = indexAll(cluster.events);
    const book = new IncidentBook();
    const { drafts, compose } = recordingComposer();
    const opened = book.admit(mustMatch(restarts, indexed(first), state), rootOf(rootKey, indexed(edit)), compose);
    const grown = book.admit(mustMatch(restarts, indexed(second), state), rootOf(rootKey, indexed(edit)), compose);
    expect(grown?.insight.id).toBe(opened?.insight.id);
    expect(drafts[1]).toMatchObject({ firstSeen: opened?.insight.firstSeen, symptomKeys: [entityKey(pods[0]!), entityKey(pods[1]!)] });
    expect(book.stats().incidents).toBe(1);
  });

  it('a pattern of higher priority takes the incident over', () => {
    const { cluster, edit, rootKey, restartAfter } = cascade();
    const first = restartAfter(1, 0);
    const second = restartAfter(1, 0);
    const { state, indexed } = indexAll(cluster.events);
    const book = new IncidentBook();
    const { compose } = recordingComposer();
    book.admit(mustMatch(restarts, indexed(first), state), rootOf(rootKey, indexed(edit)), compose);
    const upgraded = book.admit(mustMatch(crashes, indexed(second), state), rootOf(rootKey, indexed(edit)), compose);
    expect(upgraded?.insight.pattern).toBe('crashes');
    // and a lower one does not take it back
    expect(book.admit(mustMatch(restarts, indexed(second), state), rootOf(rootKey, indexed(edit)), compose)).toBeUndefined();
    expect(book.insights().map((insight) => insight.pattern)).toEqual(['crashes']);
  });

  it('after the merge window the same root opens a new incident that remembers the earlier ones', () => {
    const { cluster, edit, rootKey, restartAfter } = cascade();
    const first = restartAfter(1, 0);
    const second = restartAfter(90, 0);
    const secondGrows = restartAfter(1, 1);
    const third = restartAfter(90, 0);
    const { state, indexed } = indexAll(cluster.events, { windowMs: 24 * 60 * MINUTE });
    const book = new IncidentBook({ mergeWindowMs: 60 * MINUTE });
    const { drafts, compose } = recordingComposer();
    // Each incident has its own root event (the root's latest trouble), so its own id.
    const one = book.admit(mustMatch(restarts, indexed(first), state), rootOf(rootKey, indexed(edit)), compose);
    const two = book.admit(mustMatch(restarts, indexed(second), state), rootOf(rootKey, indexed(second)), compose);
    const twoGrown = book.admit(mustMatch(restarts, indexed(secondGrows), state), rootOf(rootKey, indexed(second)), compose);
    expect(twoGrown?.insight.id).toBe(two?.insight.id);
    const three = book.admit(mustMatch(restarts, indexed(third), state), rootOf(rootKey, indexed(third)), compose);
    expect(two?.insight.previousOccurrences).toEqual([one?.insight.firstSeen]);
    expect(three?.insight.previousOccurrences).toEqual([one?.insight.firstSeen, two?.insight.firstSeen]);
    expect(book.stats().incidents).toBe(3);
    // An insight already told does not change afterwards (not even the one a recomposition made).
    expect(twoGrown?.insight.previousOccurrences).toEqual([one?.insight.firstSeen]);
    expect(drafts.map((draft) => draft.previous.times)).toEqual([[], [one?.insight.firstSeen], [one?.insight.firstSeen], [one?.insight.firstSeen, two?.insight.firstSeen]]);
    expect(book.insights().find((insight) => insight.id === two?.insight.id)?.previousOccurrences).toEqual([one?.insight.firstSeen]);
  });

  /** A book holding one incident of `restarts`: a pod restarting after a ConfigMap edit. */
  function bookWithOneIncident(): IncidentBook {
    const { cluster, edit, rootKey, restartAfter } = cascade();
    const first = restartAfter(1, 0);
    const { state, indexed } = indexAll(cluster.events);
    const book = new IncidentBook();
    book.admit(mustMatch(restarts, indexed(first), state), rootOf(rootKey, indexed(edit)), recordingComposer().compose);
    return book;
  }

  it('re-rates the incidents of one pattern and returns their insights and predictions, each with its own confidence', () => {
    const book = bookWithOneIncident();
    expect(book.reRate('crashes', () => ({ insight: 0.1, prediction: 0.1 }))).toEqual([]);
    const updated = book.reRate('restarts', (incident) => (incident.symptoms.size === 1 ? { insight: 0.9, prediction: 0.45 } : { insight: 0, prediction: 0 }));
    expect(updated.map((item) => [item.insight.confidence, item.prediction.confidence])).toEqual([[0.9, 0.45]]);
    expect(book.insights()[0]?.confidence).toBe(0.9);
    expect(book.predictions()[0]?.confidence).toBe(0.45);
  });

  it('returns no new version of an incident whose re-rating came out as before', () => {
    const book = bookWithOneIncident();
    expect(book.reRate('restarts', () => ({ insight: 0.9, prediction: 0.45 }))).toHaveLength(1);
    const before = book.insights()[0];
    expect(book.reRate('restarts', () => ({ insight: 0.9, prediction: 0.45 }))).toEqual([]);
    expect(book.insights()[0]).toBe(before);
    // Either confidence moving is a new version of both.
    const moved = book.reRate('restarts', () => ({ insight: 0.9, prediction: 0.4 }));
    expect(moved.map((item) => [item.insight.confidence, item.prediction.confidence])).toEqual([[0.9, 0.4]]);
  });

  describe('bounds', () => {
    /** One restart on each of `count` pods, a minute apart, each its own incident (the pod is its root). */
    function manyIncidents(count: number) {
      const cluster = new ClusterFixture();
      const events = Array.from({ length: count }, (_, index) => {
        cluster.advance(60);
        return cluster.restart(cluster.ref('Pod', `p-${index}`, 'shop'), 1);
      });
      const { state, indexed } = indexAll(cluster.events, { windowMs: 24 * 60 * MINUTE });
      const admit = (book: IncidentBook, compose: ComposeInsight, index: number) => {
        const event = indexed(events[index]!);
        return book.admit(mustMatch(restarts, event, state), rootOf(event.entityKey ?? '', event), compose);
      };
      return { events, indexed, admit };
    }

    it('an incident leaves once last seen longer ago than the retention, and joins the history', () => {
      const { events, indexed, admit } = manyIncidents(3);
      const book = new IncidentBook({ mergeWindowMs: 10 * MINUTE, retainMs: 30 * MINUTE });
      const { compose } = recordingComposer();
      const first = admit(book, compose, 0);
      admit(book, compose, 1);
      const t0 = indexed(events[0]!).at;
      book.expire(t0 + 29 * MINUTE);
      expect(book.stats()).toMatchObject({ incidents: 2, roots: 2 });
      // Looked at once per twentieth of the retention (1.5 minutes): not yet at 30.25.
      book.expire(t0 + 30.25 * MINUTE);
      expect(book.stats()).toMatchObject({ incidents: 2, roots: 2 });
      book.expire(t0 + 30.5 * MINUTE);
      expect(book.stats()).toEqual({ incidents: 1, roots: 1, historyKeys: 1 });
      expect(book.insights().map((insight) => insight.id)).not.toContain(first?.insight.id);
    });

    it('the next incident of a root whose incident left still knows it happened before', () => {
      const cluster = new ClusterFixture();
      const pod = cluster.ref('Pod', 'p', 'shop');
      const early = cluster.restart(pod, 1);
      cluster.advance(3 * 60 * 60);
      const late = cluster.restart(pod, 2);
      const { state, indexed } = indexAll(cluster.events, { windowMs: 24 * 60 * MINUTE });
      const book = new IncidentBook({ mergeWindowMs: 10 * MINUTE, retainMs: 30 * MINUTE });
      const { compose } = recordingComposer();
      const first = book.admit(mustMatch(restarts, indexed(early), state), rootOf(indexed(early).entityKey ?? '', indexed(early)), compose);
      book.expire(indexed(late).at);
      expect(book.stats().incidents).toBe(0);
      const second = book.admit(mustMatch(restarts, indexed(late), state), rootOf(indexed(late).entityKey ?? '', indexed(late)), compose);
      expect(second?.insight.previousOccurrences).toEqual([first?.insight.firstSeen]);
    });

    it('beyond maxIncidents, those last seen longest ago leave first, a tenth at a time', () => {
      const { admit } = manyIncidents(25);
      const book = new IncidentBook({ maxIncidents: 20 });
      const { compose } = recordingComposer();
      const ids = Array.from({ length: 25 }, (_, index) => admit(book, compose, index)?.insight.id);
      expect(book.stats().incidents).toBeLessThanOrEqual(20);
      const kept = new Set(book.insights().map((insight) => insight.id));
      expect(kept.has(ids[24] ?? '')).toBe(true);
      expect(kept.has(ids[0] ?? '')).toBe(false);
      expect(book.stats().roots).toBe(book.stats().incidents);
    });
  });
});
