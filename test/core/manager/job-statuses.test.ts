import { describe, expect, it } from 'vitest';
import { JOB_STATUSES_COUNTED, OTHER_JOB_STATUS } from '../../../src/core/ledger/job-statuses.js';
import { ResourceManager } from '../../../src/core/manager.js';

describe('job_status counts', () => {
  it('count each status by name, and statuses first seen past the limit together', () => {
    let n = 0;
    const m = new ResourceManager({ capacity: [['cpu', 1]], clock: () => 0, newId: () => `a${++n}` });
    const releaseWith = (status: string): void => {
      const out = m.allocate({ src: 'c1', msgId: n + 1, via: 'n1' }, [{ type: 'cpu', amount: 1 }]);
      if (out.kind !== 'granted') throw new Error('expected a grant');
      m.release(out.allocation.id, status);
    };
    releaseWith('completed');
    releaseWith('completed');
    for (let i = 1; i < JOB_STATUSES_COUNTED; i++) releaseWith(`status-${i}`);
    releaseWith('one-too-many');
    releaseWith('another');
    releaseWith('completed');
    const counts = m.jobStatusCounts();
    expect(counts.size).toBe(JOB_STATUSES_COUNTED + 1);
    expect(counts.get('completed')).toBe(3);
    expect(counts.get('status-1')).toBe(1);
    expect(counts.has('one-too-many')).toBe(false);
    expect(counts.get(OTHER_JOB_STATUS)).toBe(2);
  });
});
