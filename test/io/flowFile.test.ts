/**
 * Flow files: written row by row, read back exactly (h5py reads them as docs/flow-format.md
 * says: test/interop/flowFile.test.ts, npm run test:interop), resumed by truncation to the checkpoint, and refused when their spec, their rows or
 * their format are not what the reader or writer expects.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { describe, expect, it } from 'vitest';
import { EnsembleWriter } from '../../src/io/ensembleWriter.js';
import {
  FLOW_FORMAT,
  FlowWriter,
  hdf5Format,
  openFlowFile,
  type FlowFileSpec,
  type FlowRecord,
} from '../../src/io/flowFile.js';

const dir = mkdtempSync(join(tmpdir(), 'lgt-flowfile-'));
const spec: FlowFileSpec = {
  metadata: {
    N: 3,
    dims: [4, 4, 4, 8],
    action: 'wilson',
    integrator: { kind: 'fixed', epsilon: 0.01 },
  },
  times: [0, 0.5, 1],
  observables: ['energy_clover', 'topological_charge'],
};

function record(i: number): FlowRecord {
  return {
    index: 2 * i,
    beta: 6,
    sweep: 100 + 10 * i,
    steps: 100,
    rejected: i,
    observables: {
      energy_clover: [1 + i, 0.5 + i, 0.25 + i],
      topological_charge: [0.1 * i, -0.2 * i, 1 / 3],
    },
  };
}

describe('flow files', () => {
  it('read back what was written, exactly, row by row and per flow time', async () => {
    const path = join(dir, 'a.h5');
    const writer = await FlowWriter.create(path, spec);
    for (let i = 0; i < 3; i++) writer.append(record(i));
    writer.flush();
    await writer.finalize();
    expect(await hdf5Format(path)).toBe(FLOW_FORMAT);
    const f = await openFlowFile(path);
    expect(f.count).toBe(3);
    expect(Array.from(f.times)).toEqual([0, 0.5, 1]);
    expect(Array.from(f.index)).toEqual([0, 2, 4]);
    expect(Array.from(f.sweep)).toEqual([100, 110, 120]);
    expect(Array.from(f.rejected)).toEqual([0, 1, 2]);
    expect(f.metadata).toEqual(spec.metadata);
    expect(Array.from(f.column('energy_clover', 1))).toEqual([0.5, 1.5, 2.5]);
    expect(Array.from(f.column('topological_charge', 2, [1]))).toEqual([1 / 3]);
  });

  it('resumes by truncating to the checkpoint, and refuses another spec naming the entry', async () => {
    const path = join(dir, 'b.h5');
    const writer = await FlowWriter.create(path, spec);
    for (let i = 0; i < 3; i++) writer.append(record(i));
    writer.flush();
    writer.close(); // killed: the .partial file holds 3 rows, the checkpoint said 2
    await expect(FlowWriter.resume(path, { ...spec, times: [0, 0.5, 2] }, 2)).rejects.toThrow(
      /b.h5.partial: mismatch in times\[2\]: file has 1, run has 2/,
    );
    const resumed = await FlowWriter.resume(path, spec, 2);
    expect(resumed.count).toBe(2);
    resumed.append(record(5));
    await resumed.finalize();
    const f = await openFlowFile(path);
    expect(Array.from(f.index)).toEqual([0, 2, 10]);
    expect(Array.from(f.column('energy_clover', 0))).toEqual([1, 2, 6]);
  });

  it('resumes a file whose datasets a kill left at different lengths, to the checkpoint', async () => {
    const path = join(dir, 'uneven.h5');
    const writer = await FlowWriter.create(path, spec);
    for (let i = 0; i < 3; i++) writer.append(record(i));
    writer.flush();
    writer.close();
    // HDF5 writes a flush's metadata entry by entry, so a kill can leave some datasets extended
    // on disk and others not (seen with an ensemble file): /steps and one observable stay at 2
    await h5wasm.ready;
    const partial = `${path}.partial`;
    const file = new h5wasm.File(partial, 'a');
    (file.get('steps') as InstanceType<typeof h5wasm.Dataset>).resize([2]);
    (file.get('observables/energy_clover') as InstanceType<typeof h5wasm.Dataset>).resize([2, 3]);
    file.close();
    await expect(openFlowFile(partial)).rejects.toThrow(
      /invalid \/steps shape: expected \[3\] like \/index, got \[2\]/,
    );
    await expect(FlowWriter.resume(path, spec, 3)).rejects.toThrow(
      'holds 2 configurations in its shortest dataset, fewer than the 3 to resume from',
    );
    const resumed = await FlowWriter.resume(path, spec, 2);
    resumed.append(record(5));
    await resumed.finalize();
    const f = await openFlowFile(path);
    expect(Array.from(f.index)).toEqual([0, 2, 10]);
    expect(Array.from(f.steps)).toEqual([100, 100, 100]);
    expect(Array.from(f.column('energy_clover', 0))).toEqual([1, 2, 6]);
    expect(Array.from(f.column('topological_charge', 1))).toEqual([-0, -0.2, -1]);
  });

  it("keeps the first run's provenance on resume and appends the resume, never comparing it", async () => {
    const path = join(dir, 'p.h5');
    const writer = await FlowWriter.create(path, spec, {
      provenance: { command: 'lgt flow first', software: 'lattice-gauge 0.0.1' },
    });
    writer.append(record(0));
    writer.flush();
    writer.close();
    // another version and command resume it: describing entries are not compared
    const resumed = await FlowWriter.resume(path, spec, 1, {
      provenance: { command: 'lgt flow second', software: 'lattice-gauge 9.9.9' },
    });
    resumed.append(record(1));
    await resumed.finalize();
    const p = (await openFlowFile(path)).provenance!;
    expect(p.command).toBe('lgt flow first');
    expect(p.software).toBe('lattice-gauge 0.0.1');
    expect(p.resumed).toHaveLength(1);
    expect(p.resumed[0].command).toBe('lgt flow second');
    expect(p.resumed[0].software).toBe('lattice-gauge 9.9.9');
    expect(Date.parse(p.created)).toBeLessThanOrEqual(Date.parse(p.resumed[0].at));
    expect((await openFlowFile(path)).metadata).toEqual(spec.metadata);
  });

  it('refuses rows that do not fit the spec, and files that are not flow files', async () => {
    const path = join(dir, 'c.h5');
    const writer = await FlowWriter.create(path, spec);
    expect(() =>
      writer.append({ ...record(0), observables: { energy_clover: [1, 2, 3] } }),
    ).toThrow(
      /FlowWriter.append: invalid record.observables: expected the observables \[energy_clover, topological_charge\]/,
    );
    expect(() =>
      writer.append({
        ...record(0),
        observables: { ...record(0).observables, energy_clover: [1] },
      }),
    ).toThrow(/invalid record.observables.energy_clover: expected 3 values/);
    writer.close();
    await expect(FlowWriter.create(path, spec)).rejects.toThrow(/c.h5.partial already exists/);
    const ensemble = join(dir, 'e.h5');
    const e = await EnsembleWriter.create(ensemble, { N: 2, dims: [2, 2] });
    await e.finalize();
    await expect(openFlowFile(ensemble)).rejects.toThrow(
      /openFlowFile: .*e.h5: not a lattice-gauge flow file: invalid attribute format: expected "lattice-gauge-flow", got lattice-gauge-ensemble/,
    );
  });
});
