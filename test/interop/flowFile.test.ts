/**
 * Flow files in h5py, as docs/flow-format.md shows: the format attribute, the flow times, the
 * observables per configuration and time, the metadata JSON and its mirrored attributes. Not
 * part of `npm test` (h5py comes from Debian's packages): `npm run test:interop`; a Python
 * without h5py fails it (never skipped).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlowWriter, type FlowFileSpec } from '../../src/io/flowFile.js';

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

describe('flow files in h5py', () => {
  it('open as docs/flow-format.md shows', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lgt-flowfile-h5py-')), 'a.h5');
    const writer = await FlowWriter.create(path, spec);
    for (let i = 0; i < 3; i++) {
      writer.append({
        index: 2 * i,
        beta: 6,
        sweep: 100 + 10 * i,
        steps: 100,
        rejected: i,
        observables: {
          energy_clover: [1 + i, 0.5 + i, 0.25 + i],
          topological_charge: [0.1 * i, -0.2 * i, 1 / 3],
        },
      });
    }
    await writer.finalize();
    const script = [
      'import json, sys, h5py',
      `f = h5py.File(${JSON.stringify(path)}, "r")`,
      'assert f.attrs["format"] == "lattice-gauge-flow"',
      'out = {"t": f["flow_time"][:].tolist(), "E": f["observables/energy_clover"][:].tolist(),',
      '       "index": f["index"][:].tolist(),',
      '       "action": json.loads(f.attrs["metadata"])["action"], "mirror": f.attrs["action"]}',
      'print(json.dumps(out))',
    ].join('\n');
    const python =
      spawnSync('/usr/bin/python3', ['--version']).status === 0 ? '/usr/bin/python3' : 'python3';
    const r = spawnSync(python, ['-c', script], { encoding: 'utf8' });
    if (r.status !== 0) {
      throw new Error(
        `h5py could not read the flow file (needs python3 with h5py: apt-get install python3-h5py): ${r.stderr}`,
      );
    }
    const out = JSON.parse(r.stdout);
    expect(out.t).toEqual([0, 0.5, 1]);
    expect(out.index).toEqual([0, 2, 4]);
    expect(out.E).toEqual([
      [1, 0.5, 0.25],
      [2, 1.5, 1.25],
      [3, 2.5, 2.25],
    ]);
    expect(out.action).toBe('wilson');
    expect(out.mirror).toBe('wilson');
  });
});
