import { describe, expect, it } from 'vitest';
import type { JobRow, ScanRow } from '../../src/queue/jobTable.js';
import { scanStatus } from '../../src/queue/status.js';

const scans: ScanRow[] = [
  {
    id: 'a',
    name: 'A',
    spec: {},
    jobs: 5,
    steps: 500,
    submitted: new Date('2026-01-01T00:00:00Z'),
  },
  { id: 'b', name: 'B', spec: {}, jobs: 1, steps: 10, submitted: new Date('2026-01-02T00:00:00Z') },
];

function job(scan: string, point: number, state: string, output: JobRow['output'] = null): JobRow {
  return {
    id: `${scan}${point}`,
    state,
    scan,
    point,
    chain: 0,
    steps: 100,
    output,
    retries: 0,
    started: null,
  };
}

describe('scanStatus', () => {
  it('counts jobs by state per scan, with the steps done, the rate and the time left', () => {
    const running = (done: number, rate: number) => ({ progress: { done, rate }, worker: 'h:1' });
    const [a, b] = scanStatus(scans, [
      job('a', 0, 'completed', { output: 'x', configurations: 10 }),
      job('a', 1, 'active', running(40, 10)),
      job('a', 2, 'active', running(20, 5)),
      job('a', 3, 'retry', running(30, 4)), // handed back at a checkpoint: its progress counts
      job('a', 4, 'failed', { message: 'boom' }),
      job('b', 0, 'created'),
      job('x', 0, 'created'), // not a recorded scan
    ]);
    expect(a).toMatchObject({ jobs: 5, queued: 1, active: 2, done: 1, failed: 1, steps: 500 });
    expect(a.stepsDone).toBe(100 + 40 + 20 + 30);
    expect(a.rate).toBe(15);
    // left: (100 - 40) + (100 - 20) + (100 - 30) steps of running and queued chains, at 15 steps/s
    expect(a.eta).toBeCloseTo(210 / 15, 12);
    expect(a.running.map((r) => [r.point, r.done, r.worker])).toEqual([
      [1, 40, 'h:1'],
      [2, 20, 'h:1'],
    ]);
    expect(a.failures).toEqual([{ point: 4, chain: 0, message: 'boom' }]);
    expect(b).toMatchObject({ jobs: 1, queued: 1, stepsDone: 0, rate: 0, eta: null });
  });

  it('reads the message of a job that pg-boss failed itself', () => {
    const [a] = scanStatus(scans.slice(0, 1), [
      job('a', 0, 'failed', { value: { message: 'job failed by timeout in active state' } }),
    ]);
    expect(a.failures[0].message).toBe('job failed by timeout in active state');
  });
});
