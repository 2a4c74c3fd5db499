import type { RawEvent } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { admitWhenOpen, type Admit } from './stages.js';

const raw: RawEvent = { timestamp: '2026-12-05T10:00:00.000Z', type: 'pod_added', source: 'kubeapi', data: {}, metadata: {} };

describe('admitWhenOpen: no new event accepted while the intake is closed', () => {
  it('hands over at once while open; while closed the hand-over waits, then goes through the write-ahead log as before', async () => {
    const intake = { open: true, get intakeOpen() { return this.open; }, whenIntakeOpen: () => new Promise<void>((resolve) => { release = resolve; }) };
    let release: () => void = () => undefined;
    const order: string[] = [];
    const wal: Admit = async (_raw, publish) => {
      order.push('wal');
      await publish();
    };
    const admit = admitWhenOpen(intake, wal) as Admit;
    await admit(raw, async () => void order.push('published 1'));
    expect(order).toEqual(['wal', 'published 1']);

    intake.open = false;
    let done = false;
    const waiting = admit(raw, async () => void order.push('published 2')).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    expect(order).toEqual(['wal', 'published 1']);
    intake.open = true;
    release();
    await waiting;
    expect(order).toEqual(['wal', 'published 1', 'wal', 'published 2']);
  });

  it('without a write-ahead log publishes directly; without an intake to ask, the admit given is used as it is', async () => {
    const published: number[] = [];
    const admit = admitWhenOpen({ intakeOpen: true, whenIntakeOpen: () => Promise.resolve() }) as Admit;
    await admit(raw, async () => void published.push(1));
    expect(published).toEqual([1]);
    const wal: Admit = (_raw, publish) => publish();
    expect(admitWhenOpen(undefined, wal)).toBe(wal);
    expect(admitWhenOpen(undefined)).toBeUndefined();
  });
});
