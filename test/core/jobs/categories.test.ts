import { describe, expect, it } from 'vitest';
import { Categories } from '../../../src/core/jobs/categories.js';
import { codeOf } from '../../support/errors.js';

const who = { src: 'c1', via: 'n1' };

describe('Categories', () => {
  it('starts as many jobs as the cap allows and queues the rest (the protocol example)', () => {
    const c = new Categories(100);
    expect(c.submit('heavy', 2, 3, who)).toEqual({ queued: 1, running: 2, waiting: 1, startedEarlier: [] });
  });

  it('accumulates across requests: totals are the category, queued is this request', () => {
    const c = new Categories(100);
    expect(c.submit('heavy', 2, 1, who)).toMatchObject({ queued: 0, running: 1, waiting: 0 });
    expect(c.submit('heavy', undefined, 1, who)).toMatchObject({ queued: 0, running: 2, waiting: 0 });
    expect(c.submit('heavy', undefined, 3, who)).toMatchObject({ queued: 3, running: 2, waiting: 3 });
    expect(c.submit('light', 5, 1, who)).toMatchObject({ queued: 0, running: 1, waiting: 0 });
    expect(c.status().get('heavy')).toEqual({ limit: 2, running: 2, waiting: 3 });
    expect(c.status().get('light')).toEqual({ limit: 5, running: 1, waiting: 0 });
  });

  it('a new category without a limit is code 12 and creates nothing', () => {
    const c = new Categories(100);
    expect(codeOf(() => c.submit('fresh', undefined, 1, who))).toBe(12);
    expect(c.status().has('fresh')).toBe(false);
  });

  it('lowering the limit stops no running job; new jobs wait', () => {
    const c = new Categories(100);
    c.submit('heavy', 3, 3, who);
    expect(c.submit('heavy', 1, 2, who)).toMatchObject({ queued: 2, running: 3, waiting: 2 });
    // Completions do not start anything until running drops below the new limit.
    expect(c.complete('heavy', undefined)).toMatchObject({ jobId: 'heavy#1', running: 2, waiting: 2, started: [] });
    expect(c.complete('heavy', undefined)).toMatchObject({ jobId: 'heavy#2', running: 1, waiting: 2, started: [] });
    const r = c.complete('heavy', undefined);
    expect(r).toMatchObject({ jobId: 'heavy#3', running: 1, waiting: 1 });
    expect(r.started.map((j) => j.id)).toEqual(['heavy#4']);
  });

  it('raising the limit starts earlier waiting jobs first, in submission order', () => {
    const c = new Categories(100);
    c.submit('heavy', 1, 3, { src: 'early', via: 'n1' });
    const r = c.submit('heavy', 4, 2, { src: 'late', via: 'n1' });
    // 1 running + 2 earlier waiting start (cap 4 leaves room for 1 of the new 2).
    expect(r.startedEarlier.map((j) => [j.id, j.src])).toEqual([
      ['heavy#2', 'early'],
      ['heavy#3', 'early'],
    ]);
    expect(r).toMatchObject({ queued: 1, running: 4, waiting: 1 });
    expect(c.status().get('heavy')?.limit).toBe(4);
  });

  it('names jobs <category>#<n>, numbered per category in submission order', () => {
    const c = new Categories(100);
    c.submit('a', 1, 3, who);
    c.submit('b', 1, 1, who);
    const done: string[] = [];
    const started: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = c.complete('a', undefined);
      done.push(r.jobId);
      started.push(...r.started.map((j) => j.id));
    }
    expect(done).toEqual(['a#1', 'a#2', 'a#3']);
    expect(started).toEqual(['a#2', 'a#3']);
    expect(c.complete('b', 'b#1').jobId).toBe('b#1');
  });

  it('keeps names such as __proto__ and constructor as plain categories', () => {
    const c = new Categories(100);
    expect(c.submit('__proto__', 1, 2, who)).toMatchObject({ queued: 1, running: 1, waiting: 1 });
    expect(c.submit('constructor', 2, 1, who)).toMatchObject({ queued: 0, running: 1, waiting: 0 });
    expect(codeOf(() => c.submit('toString', undefined, 1, who))).toBe(12);
    expect([...c.status().keys()]).toEqual(['__proto__', 'constructor']);
    expect(c.complete('__proto__', undefined).jobId).toBe('__proto__#1');
  });

  it('refuses with code 11 when waiting jobs would exceed the maximum, changing nothing', () => {
    const c = new Categories(3);
    expect(c.submit('a', 1, 3, who)).toMatchObject({ queued: 2, waiting: 2 });
    expect(c.submit('b', 1, 2, who)).toMatchObject({ queued: 1, waiting: 1 });
    // 3 waiting in all: one more waiting job is one too many, across categories.
    expect(codeOf(() => c.submit('a', undefined, 1, who))).toBe(11);
    expect(codeOf(() => c.submit('c', 1, 2, who))).toBe(11);
    expect(c.status().has('c')).toBe(false);
    expect(c.status().get('a')).toEqual({ limit: 1, running: 1, waiting: 2 });
    // A job that starts at once needs no waiting room.
    expect(c.submit('d', 1, 1, who)).toMatchObject({ queued: 0, running: 1 });
    // Raising a limit in the same request frees room before the new jobs are counted.
    expect(c.submit('a', 3, 1, who)).toMatchObject({ queued: 1, running: 3, waiting: 1 });
    // Completing a job frees waiting room again.
    c.complete('a', undefined);
    expect(c.submit('b', undefined, 1, who)).toMatchObject({ queued: 1, waiting: 2 });
  });

  it('completing unknown categories or jobs is code 20; a waiting or finished job is code 22', () => {
    const c = new Categories(100);
    c.submit('a', 1, 2, who);
    expect(codeOf(() => c.complete('nope', undefined))).toBe(20);
    expect(codeOf(() => c.complete('a', 'a#9'))).toBe(20);
    expect(codeOf(() => c.complete('a', 'b#1'))).toBe(20);
    expect(codeOf(() => c.complete('a', 'a#2'))).toBe(22);
    c.complete('a', 'a#1');
    expect(codeOf(() => c.complete('a', 'a#1'))).toBe(22);
  });
});
