import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RecordingMetrics, silentLogger } from '@tapio/domain';
import { HttpReceiver } from '../test/support/http-receiver.js';
import { insightFixture } from '../test/support/insight-fixture.js';
import { SinkDelivery } from './delivery/sink-delivery.js';
import { SinkSettings } from './delivery/sink-settings.js';
import { SlackSink } from './slack/slack-sink.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookSink, webhookSignature } from './webhook/webhook-sink.js';

const fast = (overrides: Record<string, unknown> = {}) => SinkSettings.parse({ retry: { attempts: 3, initialDelayMs: 10, maxDelayMs: 20 }, ...overrides });

describe('sinks against a local HTTP receiver', () => {
  let receiver: HttpReceiver;
  beforeEach(async () => {
    receiver = await new HttpReceiver().start();
  });
  afterEach(async () => {
    await receiver.stop();
  });

  it('webhook: JSON with the change and the insight, signed with HMAC-SHA256 over timestamp and body', async () => {
    const sink = new WebhookSink({ url: `${receiver.url}/hook`, secret: 'a-secret-of-sixteen+', headers: { 'x-api-key': 'k' } }, () => 1_767_225_600_000);
    await sink.send({ insight: insightFixture(), change: 'new' });
    const [request] = receiver.received;
    expect(request?.path).toBe('/hook');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-api-key']).toBe('k');
    expect(request?.headers[TIMESTAMP_HEADER]).toBe('1767225600');
    expect(request?.headers[SIGNATURE_HEADER]).toBe(webhookSignature('a-secret-of-sixteen+', '1767225600', request?.body ?? ''));
    expect(webhookSignature('another-secret-16ch', '1767225600', request?.body ?? '')).not.toBe(request?.headers[SIGNATURE_HEADER]);
    expect(JSON.parse(request?.body ?? '')).toEqual({ change: 'new', insight: insightFixture() });
  });

  it('slack: a Block Kit message with header, fields, story and next checks, escaped', async () => {
    await new SlackSink({ webhookUrl: `${receiver.url}/services/T/B/x`, tapioUrl: 'https://tapio.example' }).send({ insight: insightFixture(), change: 'new' });
    const message = receiver.json<{ text: string; blocks: Array<{ type: string; text?: { text: string }; fields?: Array<{ text: string }>; elements?: Array<{ text: string }> }> }>()[0];
    expect(message?.text).toBe('New incident: [high] config-cascade: root cause ConfigMap shop/checkout-config');
    expect(message?.blocks.map((block) => block.type)).toEqual(['header', 'section', 'section', 'section', 'context']);
    expect(message?.blocks[1]?.fields?.[0]?.text).toBe('*Root cause*\nConfigMap shop/checkout-config: data key application.yaml edited');
    expect(message?.blocks[2]?.text?.text).toBe('```ConfigMap shop/checkout-config changed &lt;x&gt; &amp; restarted pods```');
    expect(message?.blocks[4]?.elements?.[0]?.text).toContain('<https://tapio.example/insights/ins-0123456789abcdef|open in Tapio>');
    await new SlackSink({ webhookUrl: receiver.url }).send({ insight: insightFixture(), change: 'resolved' });
    expect(receiver.json<{ text: string }>()[1]?.text).toBe('Incident resolved: [high] config-cascade: root cause ConfigMap shop/checkout-config');
  });

  it('delivery retries with back-off until the receiver answers, and counts it', async () => {
    const metrics = new RecordingMetrics();
    const delivery = new SinkDelivery(new WebhookSink({ url: receiver.url, headers: {} }), fast(), metrics, silentLogger);
    receiver.fail(2, 503);
    const started = Date.now();
    await delivery.deliver({ insight: insightFixture(), change: 'new' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(receiver.received).toHaveLength(1);
    expect(delivery.health()).toMatchObject({ status: 'ok', details: { sent: 1, failed: 0 } });
    expect(metrics.values.get('tapio_sink_retries_total{sink="webhook"}')).toBe(2);
    expect(metrics.values.get('tapio_sink_notifications_total{sink="webhook",outcome="sent"}')).toBe(1);
  });

  it('a delivery that keeps failing opens the breaker and is held, not given up: delivered once the receiver is back', async () => {
    const metrics = new RecordingMetrics();
    const delivery = new SinkDelivery(new WebhookSink({ url: receiver.url, headers: {} }), fast({ circuit: { failures: 3, halfOpenAfterMs: 100 } }), metrics, silentLogger);
    receiver.fail(5, 500);
    const first = delivery.deliver({ insight: insightFixture(), change: 'new' });
    const second = delivery.deliver({ insight: insightFixture(), change: 'changed' });
    await vi.waitFor(() => expect(delivery.circuit.state).not.toBe('closed'));
    expect(delivery.health()).toMatchObject({ status: 'degraded', details: { sent: 0, failed: 0, queued: 2 } });
    expect(delivery.health().reason).toMatch(/^circuit (open|half-open): 2 notifications held; last failure: http:\/\/127\.0\.0\.1:\d+ answered 500: failing on purpose \(500\)$/);
    expect(metrics.values.get('tapio_circuit_state{circuit="sink:webhook",state="open"}')).toBe(1);
    expect(metrics.values.get('tapio_sink_queued{sink="webhook"}')).toBe(2);
    await Promise.all([first, second]);
    // Both arrive, in order, after the fifth failure.
    expect(receiver.json<{ change: string }>().map((body) => body.change)).toEqual(['new', 'changed']);
    expect(delivery.health()).toMatchObject({ status: 'ok', details: { sent: 2, failed: 0, queued: 0, circuitState: 'closed' } });
    // Opened by the third failure, again by the failed trials after the fourth and fifth.
    expect(delivery.health().details?.['circuitOpened']).toBe(3);
    expect(metrics.values.get('tapio_circuit_state{circuit="sink:webhook",state="closed"}')).toBe(1);
    expect(metrics.values.get('tapio_sink_notifications_total{sink="webhook",outcome="sent"}')).toBe(2);
  });

  it('while the receiver is down the queue is bounded: beyond `buffer` notifications are dropped and counted', async () => {
    const metrics = new RecordingMetrics();
    const delivery = new SinkDelivery(new WebhookSink({ url: receiver.url, headers: {} }), fast({ circuit: { failures: 1, halfOpenAfterMs: 60_000 }, buffer: 3 }), metrics, silentLogger);
    receiver.fail(1_000, 503);
    const held = Array.from({ length: 3 }, (_, index) => delivery.deliver({ insight: insightFixture({ id: `ins-${index}` }), change: 'new' }));
    await vi.waitFor(() => expect(delivery.circuit.state).toBe('open'));
    await delivery.deliver({ insight: insightFixture({ id: 'ins-over' }), change: 'new' });
    expect(delivery.health().details).toMatchObject({ queued: 3, dropped: 1 });
    expect(metrics.values.get('tapio_sink_notifications_total{sink="webhook",outcome="dropped"}')).toBe(1);
    expect(await delivery.stop(50)).toBe(3);
    await Promise.all(held);
  });

  it('a refusal retrying cannot fix (4xx) is not retried: that notification is given up, the next one goes', async () => {
    const delivery = new SinkDelivery(new WebhookSink({ url: receiver.url, headers: {} }), fast(), new RecordingMetrics(), silentLogger);
    receiver.fail(1, 400);
    await delivery.deliver({ insight: insightFixture(), change: 'new' });
    expect(delivery.health()).toMatchObject({ status: 'degraded', details: { failed: 1 } });
    expect(delivery.circuit.state).toBe('closed');
    expect(receiver.received).toHaveLength(0);
    await delivery.deliver({ insight: insightFixture(), change: 'changed' });
    expect(receiver.received).toHaveLength(1);
  });

  it('the route sends only what matches severity, namespace and pattern', async () => {
    const metrics = new RecordingMetrics();
    const delivery = new SinkDelivery(new WebhookSink({ url: receiver.url, headers: {} }), fast({ route: { minSeverity: 'high', namespaces: ['shop'], patterns: ['config-cascade'] } }), metrics, silentLogger);
    await delivery.deliver({ insight: insightFixture({ severity: 'medium' }), change: 'new' });
    await delivery.deliver({ insight: insightFixture({ pattern: 'bad-rollout' }), change: 'new' });
    await delivery.deliver({ insight: insightFixture({ rootCause: { entity: { kind: 'Node', namespace: null, name: 'n1' }, what: 'down' }, symptoms: [], affected: [{ kind: 'Pod', namespace: 'other', name: 'p' }] }), change: 'new' });
    await delivery.deliver({ insight: insightFixture({ severity: 'critical' }), change: 'new' });
    expect(receiver.received).toHaveLength(1);
    expect(metrics.values.get('tapio_sink_notifications_total{sink="webhook",outcome="filtered"}')).toBe(3);
  });
});
