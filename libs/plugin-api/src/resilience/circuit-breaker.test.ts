import { describe, expect, it } from 'vitest';
import { RecordingMetrics } from '../plugins/in-memory-ports.js';
import { CircuitBreaker, CircuitOpenError, CircuitTimeoutError } from './circuit-breaker.js';

const down = () => new Error('connection refused');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const state = (metrics: RecordingMetrics, circuit: string, position: string) => metrics.values.get(`tapio_circuit_state{circuit="${circuit}",state="${position}"}`);

describe('CircuitBreaker (cockatiel breaker, optional timeout, state in health and metrics)', () => {
  it('opens after `failures` counted failures in a row, then refuses at once without calling; metrics and details follow', async () => {
    const metrics = new RecordingMetrics();
    const breaker = new CircuitBreaker('far-side', { failures: 3, halfOpenAfterMs: 60_000 }, { target: 'the far side at x', metrics });
    expect(state(metrics, 'far-side', 'closed')).toBe(1);
    for (let attempt = 0; attempt < 3; attempt += 1) await expect(breaker.run(() => Promise.reject(down()))).rejects.toThrow('connection refused');
    expect(breaker.state).toBe('open');
    expect(state(metrics, 'far-side', 'open')).toBe(1);
    expect(state(metrics, 'far-side', 'closed')).toBe(0);
    expect(breaker.retryInMs()).toBeGreaterThan(59_000);
    let called = false;
    const refusal = breaker.run(async () => {
      called = true;
    });
    await expect(refusal).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(refusal).rejects.toThrow(/^the far side at x: circuit far-side open since .* \(connection refused\)/);
    expect(called).toBe(false);
    expect(breaker.report.details()).toMatchObject({ state: 'open', opened: 1, refused: 1, lastFailure: 'connection refused' });
    expect(metrics.values.get('tapio_circuit_opened_total{circuit="far-side"}')).toBe(1);
    expect(metrics.values.get('tapio_circuit_refused_total{circuit="far-side"}')).toBe(1);
  });

  it('a success in between starts the count again; failures `counts` rejects do not count', async () => {
    const breaker = new CircuitBreaker('far-side', { failures: 2, halfOpenAfterMs: 60_000 }, { target: 'x', counts: (error) => (error as Error).message !== 'your mistake' });
    await expect(breaker.run(() => Promise.reject(down()))).rejects.toThrow();
    await breaker.run(() => Promise.resolve());
    await expect(breaker.run(() => Promise.reject(down()))).rejects.toThrow();
    for (let attempt = 0; attempt < 5; attempt += 1) await expect(breaker.run(() => Promise.reject(new Error('your mistake')))).rejects.toThrow('your mistake');
    expect(breaker.state).toBe('closed');
  });

  it('gives up on a call that hangs past timeoutMs, aborts its signal, and counts it', async () => {
    const breaker = new CircuitBreaker('far-side', { failures: 2, halfOpenAfterMs: 60_000, timeoutMs: 50 }, { target: 'the far side at x' });
    const signals: AbortSignal[] = [];
    const hang = (signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<never>(() => undefined);
    };
    await expect(breaker.run(hang)).rejects.toBeInstanceOf(CircuitTimeoutError);
    expect(signals[0]?.aborted).toBe(true);
    await expect(breaker.run(hang)).rejects.toThrow('the far side at x did not answer within 50 ms');
    expect(breaker.state).toBe('open');
  });

  it('half-opens after halfOpenAfterMs: one failure opens it again, one success closes it; listeners hear each change', async () => {
    const breaker = new CircuitBreaker('far-side', { failures: 1, halfOpenAfterMs: 30 }, { target: 'x' });
    const heard: string[] = [];
    breaker.onStateChange((position) => heard.push(position));
    await expect(breaker.run(() => Promise.reject(down()))).rejects.toThrow();
    expect(breaker.state).toBe('open');
    await pause(40);
    expect(breaker.retryInMs()).toBe(0);
    await expect(breaker.run(() => Promise.reject(down()))).rejects.toThrow('connection refused');
    expect(breaker.report.details().opened).toBe(2);
    await pause(40);
    await expect(breaker.run(() => Promise.resolve('written'))).resolves.toBe('written');
    expect(breaker.state).toBe('closed');
    expect(heard).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('once loaded, starts the work in the same turn (a caller batching in one turn keeps its batch)', async () => {
    const breaker = new CircuitBreaker('far-side', { failures: 1, halfOpenAfterMs: 30 }, { target: 'x' });
    await breaker.ready();
    let started = false;
    const call = breaker.run(async () => {
      started = true;
    });
    expect(started).toBe(true);
    await call;
  });
});
