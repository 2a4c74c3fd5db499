import { describe, expect, it } from 'vitest';
import { entityKey, type IndexedEvent } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { recordingComposer } from '../../test/support/recording-composer.js';
import { compiled, indexAll, mustMatch } from '../../test/support/units.js';
import { IncidentBook } from './incident-book.js';
import type { IncidentRoot } from './incident-root.js';

const RESTART = [{ field: 'type', operator: 'equals', value: 'pod_restart' }];
/** A quiet reading of high priority (a scale to zero told as asked) and loud ones of lower priority. */
const parked = compiled('parked', { priority: 82, severity: 'low', conditions: RESTART });
const outage = compiled('outage', { priority: 75, severity: 'critical', conditions: RESTART });

const { compose } = recordingComposer();

function twoRestarts() {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1');
  const config = cluster.configMap('shop', 'cart-config');
  const cart = cluster.workload('shop', 'cart', { replicas: 2, configMaps: ['cart-config'], nodes: ['node-1'] });
  const edit = cluster.editConfig(config);
  cluster.advance(60);
  const first = cluster.restart(cart.pods[0]!, 1);
  cluster.advance(60);
  const second = cluster.restart(cart.pods[1]!, 1);
  const { state, indexed } = indexAll(cluster.events);
  const root = (event: IndexedEvent): IncidentRoot => ({ rootKey: entityKey(config), rootEvent: event, path: { events: [event], edges: [], confidence: 1 } });
  return { state, indexed, first, second, root: root(indexed(edit)) };
}

describe('IncidentBook: quiet and loud readings of one root', () => {
  it('of the same symptom, the higher priority names the incident, quiet or not', () => {
    const { state, indexed, first, root } = twoRestarts();
    const book = new IncidentBook();
    book.admit(mustMatch(outage, indexed(first), state), root, compose);
    book.admit(mustMatch(parked, indexed(first), state), root, compose);
    expect(book.insights().map((insight) => [insight.pattern, insight.severity])).toEqual([['parked', 'low']]);
  });

  it('of another symptom, a loud reading takes over a quiet one and a quiet one never a loud one, whatever their priorities', () => {
    const quietFirst = twoRestarts();
    const book = new IncidentBook();
    book.admit(mustMatch(parked, quietFirst.indexed(quietFirst.first), quietFirst.state), quietFirst.root, compose);
    book.admit(mustMatch(outage, quietFirst.indexed(quietFirst.second), quietFirst.state), quietFirst.root, compose);
    expect(book.insights().map((insight) => [insight.pattern, insight.severity])).toEqual([['outage', 'critical']]);

    const loudFirst = twoRestarts();
    const other = new IncidentBook();
    other.admit(mustMatch(outage, loudFirst.indexed(loudFirst.first), loudFirst.state), loudFirst.root, compose);
    other.admit(mustMatch(parked, loudFirst.indexed(loudFirst.second), loudFirst.state), loudFirst.root, compose);
    expect(other.insights().map((insight) => [insight.pattern, insight.severity])).toEqual([['outage', 'critical']]);
  });
});
