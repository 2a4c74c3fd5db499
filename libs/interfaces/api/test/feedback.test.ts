import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustedConfidence, type Insight, type Page } from '@tapio/domain';
import { FeedbackLedger } from '@tapio/correlation';
import { MemoryGraphStore } from '@tapio/embedded';
import { bearer, harness, WRITE_TOKEN, type Harness } from './support/api-harness.js';
import { replayedGraph } from './support/replayed-graph.js';

describe('POST /api/v1/feedback', () => {
  let dir: string;
  let snapshotFile: string;
  let graph: MemoryGraphStore;
  let api: Harness;
  let predictionId: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-api-feedback-'));
    snapshotFile = join(dir, 'graph.ndjson');
    graph = (await replayedGraph('configmap-cascade', { snapshotFile })).graph;
    api = await harness(graph);
    const insights = (await api.app.inject({ method: 'GET', url: '/api/v1/insights?pattern=config-cascade' })).json() as Page<Insight>;
    predictionId = insights.items[0]?.predictionId as string;
    expect(predictionId).toMatch(/^pred-/);
  });
  afterAll(async () => {
    await api.app.close();
    await rm(dir, { recursive: true, force: true });
  });

  const post = (payload: unknown, headers: Record<string, string> = bearer(WRITE_TOKEN)) =>
    api.app.inject({ method: 'POST', url: '/api/v1/feedback', headers, payload: payload as Record<string, unknown> });

  it('requires the write token', async () => {
    const body = { prediction_id: predictionId, accurate: true };
    const missing = await post(body, {});
    expect(missing.statusCode).toBe(401);
    expect(missing.json().field).toBe('authorization');
    expect((await post(body, bearer('not-the-token-0123456789'))).statusCode).toBe(401);
    expect((await post(body, { authorization: 'Bearer' })).statusCode).toBe(401);
  });

  it('refuses invalid bodies, naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ accurate: true }, 'body.prediction_id'],
      [{ prediction_id: '', accurate: true }, 'body.prediction_id'],
      [{ prediction_id: predictionId }, 'body.accurate'],
      [{ prediction_id: predictionId, accurate: 'yes' }, 'body.accurate'],
      [{ prediction_id: predictionId, accurate: true, rating: 2 }, 'body.rating'],
      [{ prediction_id: predictionId, accurate: true, comment: 'x'.repeat(4001) }, 'body.comment'],
      [{ prediction_id: predictionId, accurate: true, confidence: 1 }, 'body'],
    ];
    for (const [payload, field] of cases) {
      const response = await post(payload);
      expect(response.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(response.json().field, JSON.stringify(payload).slice(0, 80)).toBe(field);
    }
  });

  it('refuses malformed JSON, wrong content types and oversized bodies', async () => {
    const malformed = await api.app.inject({ method: 'POST', url: '/api/v1/feedback', headers: { ...bearer(WRITE_TOKEN), 'content-type': 'application/json' }, payload: '{"prediction_id": ' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().field).toBe('body');
    const text = await api.app.inject({ method: 'POST', url: '/api/v1/feedback', headers: { ...bearer(WRITE_TOKEN), 'content-type': 'text/plain' }, payload: 'accurate' });
    expect(text.statusCode).toBe(400);
    expect(text.json().field).toBe('body');
    const xml = await api.app.inject({ method: 'POST', url: '/api/v1/feedback', headers: { ...bearer(WRITE_TOKEN), 'content-type': 'application/xml' }, payload: '<accurate/>' });
    expect(xml.statusCode).toBe(415);
    const huge = await post({ prediction_id: predictionId, accurate: true, comment: 'x'.repeat(70 * 1024) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().statusCode).toBe(413);
  });

  it('404s an unknown prediction and stores nothing', async () => {
    const response = await post({ prediction_id: 'pred-does-not-exist', accurate: true });
    expect(response.statusCode).toBe(404);
    expect(response.json().message).toContain('pred-does-not-exist');
    expect(await graph.feedbackFor('config-cascade')).toEqual([]);
  });

  it('stores one verdict per prediction and user (a repeat replaces it) and moves the confidence, which can rise above the base', async () => {
    const base = 0.85;
    const first = await post({ prediction_id: predictionId, accurate: true, rating: 1, comment: 'exactly that ConfigMap', user: 'alice' });
    expect(first.statusCode).toBe(201);
    const body = first.json();
    expect(body.feedback).toMatchObject({ predictionId, patternId: 'config-cascade', accurate: true, rating: 1, comment: 'exactly that ConfigMap', user: 'alice', timestamp: '2026-03-02T11:00:00.000Z' });
    expect(body.replaced).toBe(false);
    expect(body.pattern).toMatchObject({ patternId: 'config-cascade', baseConfidence: base, feedbackCount: 1, accurateCount: 1, accuracy: 1, status: 'learning' });
    // The base weighs as 2.5 verdicts: one right verdict lifts 0.85 to (0.85 × 2.5 + 1) / 3.5.
    expect(body.pattern.confidence).toBeCloseTo((base * 2.5 + 1) / 3.5, 10);
    expect(body.pattern.confidence).toBeGreaterThan(base);

    const second = (await post({ prediction_id: predictionId, accurate: false, rating: -1, user: 'bob' })).json();
    expect(second.pattern.confidence).toBeCloseTo((base * 2.5 + 1) / 4.5, 10);
    const third = (await post({ prediction_id: predictionId, accurate: false })).json();
    expect(third.feedback).toMatchObject({ rating: 0, comment: '', user: 'anonymous' });
    expect(third.pattern).toMatchObject({ feedbackCount: 3, accurateCount: 1, status: 'active' });
    // Bob changes his mind: his verdict is replaced, not added.
    const repeat = await post({ prediction_id: predictionId, accurate: true, user: 'bob' });
    expect(repeat.statusCode).toBe(201);
    expect(repeat.json().replaced).toBe(true);
    expect(repeat.json().feedback.id).toBe(second.feedback.id);
    expect(repeat.json().pattern).toMatchObject({ feedbackCount: 3, accurateCount: 2 });
    expect(repeat.json().pattern.confidence).toBeCloseTo(adjustedConfidence(base, 2, 3), 10);

    const stored = await graph.feedbackFor('config-cascade');
    expect(stored.map((item) => item.user).sort()).toEqual(['alice', 'anonymous', 'bob']);
    const detail = (await api.app.inject({ method: 'GET', url: '/api/v1/patterns/config-cascade' })).json();
    expect(detail.status).toBe('active');
    expect(detail.history.map((step: { user: string }) => step.user).sort()).toEqual(['alice', 'anonymous', 'bob']);
    expect(detail.history.map((step: { statusAfter: string }) => step.statusAfter)).toEqual(['learning', 'learning', 'active']);
    expect(detail.history.at(-1).confidenceAfter).toBeCloseTo(adjustedConfidence(base, 2, 3), 10);
    const metrics = (await api.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('tapio_feedback_total{pattern="config-cascade",accurate="true"} 2');
    expect(metrics).toContain('tapio_feedback_total{pattern="config-cascade",accurate="false"} 2');
  });

  it('refuses a user name it cannot show safely', async () => {
    const response = await post({ prediction_id: predictionId, accurate: true, user: '<script>' });
    expect(response.statusCode).toBe(400);
    expect(response.json().field).toContain('user');
  });

  it('keeps the learned confidence across a restart (snapshot file)', async () => {
    const before = (await api.app.inject({ method: 'GET', url: '/api/v1/patterns/config-cascade' })).json();
    await api.app.close();
    await graph.stop();

    const restarted = new MemoryGraphStore({ snapshotFile });
    await restarted.start();
    api = await harness(restarted);
    const after = (await api.app.inject({ method: 'GET', url: '/api/v1/patterns/config-cascade' })).json();
    expect(after).toEqual(before);
    expect(after.feedbackCount).toBe(3);
    // The correlation stage's ledger, reloaded from the graph, agrees with the API.
    const ledger = new FeedbackLedger();
    await ledger.loadFrom(restarted, ['config-cascade']);
    expect(ledger.confidence('config-cascade', 0.85)).toBeCloseTo(after.confidence, 10);
    // A reload recomputes from the stored verdicts and changes nothing.
    await api.app.inject({ method: 'POST', url: '/api/v1/patterns/reload', headers: bearer(WRITE_TOKEN) });
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/patterns/config-cascade' })).json()).toEqual(before);
    // Feedback keeps accumulating on top of the restored verdicts.
    const fourth = (await post({ prediction_id: predictionId, accurate: true, user: 'dave' })).json();
    expect(fourth.pattern).toMatchObject({ feedbackCount: 4, accurateCount: 3 });
    expect(fourth.pattern.confidence).toBeCloseTo(adjustedConfidence(0.85, 3, 4), 10);
  });
});
