/**
 * Reproducibility (DESIGN.md 3): a sweep gives bit-for-bit the same links in this thread and
 * on 1 or 2 worker threads, because every site draws from its own counter-based stream.
 * The workers run the compiled module from dist/ (npm test builds first).
 */
import { describe, expect, it } from 'vitest';
import { GaugeField } from '../../src/lattice/gaugeField.js';
import { Lattice } from '../../src/lattice/lattice.js';
import { SerialSweeper, WorkerSweeper, type SweepSpec } from '../../src/montecarlo/sweeper.js';

const specs: SweepSpec[] = [
  { kind: 'heatbath', beta: 5.7, seed: 3, sweep: 0, stream: 0 },
  { kind: 'overrelaxation', beta: 5.7, seed: 3, sweep: 0, stream: 0 },
  {
    kind: 'metropolis',
    beta: 5.7,
    seed: 3,
    sweep: 1,
    stream: 0,
    metropolis: { hits: 3, step: 0.4 },
  },
  { kind: 'heatbath', beta: 5.7, seed: 3, sweep: 2, stream: 1 },
];

async function evolve(field: GaugeField, sweeper: SerialSweeper | WorkerSweeper): Promise<number> {
  let accepted = 0;
  for (const spec of specs) accepted += await sweeper.sweep(field, spec);
  await sweeper.close();
  return accepted;
}

describe('checkerboard sweeps', () => {
  it('give identical links serially and on 1 and 2 worker threads (SU(3), 4^4)', async () => {
    const lattice = new Lattice([4, 4, 4, 4]);
    const serial = GaugeField.cold(lattice, 3);
    const one = serial.toShared();
    const two = serial.toShared();
    const acceptedSerial = await evolve(serial, new SerialSweeper());
    const acceptedOne = await evolve(one, new WorkerSweeper(1));
    const acceptedTwo = await evolve(two, new WorkerSweeper(2));
    expect(serial.equals(GaugeField.cold(lattice, 3), 1e-3)).toBe(false); // it moved
    expect(one.equals(serial, 0)).toBe(true);
    expect(two.equals(serial, 0)).toBe(true);
    expect(acceptedOne).toBe(acceptedSerial);
    expect(acceptedTwo).toBe(acceptedSerial);
  });

  it('give different links for a different seed', async () => {
    const lattice = new Lattice([4, 4]);
    const a = GaugeField.cold(lattice, 2);
    const b = GaugeField.cold(lattice, 2);
    const s = new SerialSweeper();
    await s.sweep(a, specs[0]);
    await new SerialSweeper().sweep(b, { ...specs[0], seed: 4 });
    expect(a.equals(b, 1e-6)).toBe(false);
  });

  it('reject odd extents, which break the checkerboard, naming the extents', async () => {
    const field = GaugeField.cold(new Lattice([4, 5]), 2);
    await expect(new SerialSweeper().sweep(field, specs[0])).rejects.toThrow(
      /invalid dims: expected even extents for the checkerboard decomposition, got \[4, 5\]/,
    );
  });

  it('on workers reject links that are not in a SharedArrayBuffer', async () => {
    const sweeper = new WorkerSweeper(1);
    try {
      await expect(
        sweeper.sweep(GaugeField.cold(new Lattice([4, 4]), 2), specs[0]),
      ).rejects.toThrow(/links in a SharedArrayBuffer/);
    } finally {
      await sweeper.close();
    }
  });
});
