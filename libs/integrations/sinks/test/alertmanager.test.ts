import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertmanagerSink } from '../src/alertmanager/alertmanager-sink.js';
import { startAlertmanager } from './support/alertmanager.js';
import { HttpReceiver } from './support/http-receiver.js';
import { insightFixture } from './support/insight-fixture.js';

interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: string };
  endsAt: string;
}
interface Notification {
  status: 'firing' | 'resolved';
  alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string> }>;
}

/** The Alertmanager sink against a real Alertmanager, which forwards what it fires and resolves to a local receiver. */
describe('AlertmanagerSink on a real Alertmanager', () => {
  let receiver: HttpReceiver;
  let alertmanager: Awaited<ReturnType<typeof startAlertmanager>>;

  beforeAll(async () => {
    receiver = await new HttpReceiver().start();
    alertmanager = await startAlertmanager(receiver.url);
  }, 60_000);
  afterAll(async () => {
    await alertmanager?.stop();
    await receiver?.stop();
  });

  const alerts = async () => (await (await fetch(`${alertmanager.url}/api/v2/alerts`)).json()) as ApiAlert[];
  async function notifications(predicate: (all: Notification[]) => boolean, what: string): Promise<Notification[]> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const all = receiver.json<Notification>();
      if (predicate(all)) return all;
      if (Date.now() > deadline) throw new Error(`Alertmanager did not notify ${what}; got ${JSON.stringify(all)}\n${alertmanager.log().slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('fires one alert per incident, updates it in place, and resolves it when the incident ends', async () => {
    const sink = new AlertmanagerSink({ url: alertmanager.url, activeFor: '2h', labels: { team: 'shop' }, tapioUrl: 'https://tapio.example' });
    await sink.send({ insight: insightFixture(), change: 'new' });
    const [fired] = await alerts();
    expect(fired?.status.state).toBe('active');
    expect(fired?.labels).toEqual({
      alertname: 'TapioIncident',
      insight: 'ins-0123456789abcdef',
      severity: 'high',
      pattern: 'config-cascade',
      root_cause: 'ConfigMap shop/checkout-config',
      root_cause_kind: 'ConfigMap',
      namespace: 'shop',
      cluster: 'prod-west',
      team: 'shop',
    });
    expect(fired?.annotations['summary']).toBe('[high] config-cascade: root cause ConfigMap shop/checkout-config');
    await notifications((all) => all.some((item) => item.status === 'firing'), 'the firing alert');

    // An update with the same labels changes the one alert; it does not add another.
    await sink.send({ insight: insightFixture({ confidence: 0.9, story: 'updated story' }), change: 'changed' });
    const updated = await alerts();
    expect(updated).toHaveLength(1);
    expect(updated[0]?.annotations['description']).toBe('updated story');

    await sink.send({ insight: insightFixture({ confidence: 0.9, story: 'updated story' }), change: 'resolved' });
    const all = await notifications((items) => items.some((item) => item.status === 'resolved'), 'the resolution');
    const resolved = all.find((item) => item.status === 'resolved');
    expect(resolved?.alerts.map((alert) => [alert.status, alert.labels['insight']])).toEqual([['resolved', 'ins-0123456789abcdef']]);
    expect(all.filter((item) => item.status === 'firing').every((item) => item.alerts.length === 1)).toBe(true);
  }, 60_000);

  it('a refused alert is a failed delivery naming the status', async () => {
    const sink = new AlertmanagerSink({ url: `${alertmanager.url}/nowhere`, activeFor: '2h', labels: {} });
    await expect(sink.send({ insight: insightFixture(), change: 'new' })).rejects.toThrow(/answered 404/);
  });
});
