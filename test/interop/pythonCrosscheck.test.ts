/**
 * Cross-checks against readers and writers written independently of ours, with the tools our
 * users have: test/interop/crosscheck.py (numpy, zlib, xml.etree, and h5py) writes NERSC and
 * ILDG files from the formats' descriptions and reads ours back, HDF5 ensembles through h5py
 * with their root attributes. Not part of `npm test` (numpy and h5py come from Debian's
 * packages here, with root): `npm run test:interop` runs it, after `apt-get install
 * python3-numpy python3-h5py`, as `.ci/run` does; a Python without them fails it (never
 * skipped).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureEachTest, cli } from '../cliOutput.js';
import { main } from '../../src/cli/program.js';
import { readIldg, writeIldg } from '../../src/io/ildg.js';
import { readNersc, writeNersc } from '../../src/io/nersc.js';
import { averagePlaquette } from '../../src/lattice/observables/plaquette.js';
import { linkTrace } from '../../src/io/configurationChecks.js';
import { maxAbsDifference, roughField } from '../helpers.js';

const SCRIPT = join(import.meta.dirname, 'crosscheck.py');
const INSTALL =
  'apt-get install python3-numpy python3-h5py (as .ci/run does before npm run test:interop)';

/** A python3 with numpy and h5py: Debian's /usr/bin/python3 first, then python3 on PATH. */
function findPython(): string {
  const found: string[] = [];
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const has = (module: string): boolean =>
      spawnSync(candidate, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
    if (spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status !== 0) continue;
    if (!has('numpy')) {
      found.push(`${candidate} has no numpy`);
      continue;
    }
    if (!has('h5py')) {
      found.push(`${candidate} has numpy but no h5py`);
      continue;
    }
    return candidate;
  }
  throw new Error(
    `the Python cross-check needs python3 with numpy and h5py (${found.join('; ') || 'no python3 found'}): ${INSTALL}`,
  );
}

function runPython(python: string, command: 'write' | 'read', dir: string): unknown {
  const result = spawnSync(python, [SCRIPT, command, dir], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `${python} ${SCRIPT} ${command} exited with ${result.status}:\n${result.stderr}${result.error ?? ''}`,
    );
  }
  return JSON.parse(result.stdout);
}

let dir: string;
/** Found once, inside the tests: a missing numpy fails them (a throw in beforeAll would skip them). */
let python: string | undefined;
function pythonOrFail(): string {
  python ??= findPython();
  return python;
}

beforeAll(() => {
  dir = fs.mkdtempSync(join(os.tmpdir(), 'lgt-python-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});
captureEachTest();

interface PythonFile {
  format: 'nersc' | 'ildg';
  dims: number[];
  N: number;
  precision: 32 | 64;
  plaquette: number;
  link_trace: number;
}

describe('cross-check with an independent numpy implementation', () => {
  it('we read the NERSC and ILDG files numpy writes, and lgt info accepts them', async () => {
    const out = join(dir, 'from-python');
    const manifest = runPython(pythonOrFail(), 'write', out) as Record<string, PythonFile>;
    expect(Object.keys(manifest).length).toBeGreaterThanOrEqual(8);
    for (const [name, entry] of Object.entries(manifest)) {
      const path = join(out, name);
      const read = entry.format === 'nersc' ? await readNersc(path) : await readIldg(path);
      const field = read.field;
      expect([...field.lattice.dims], name).toEqual(entry.dims);
      expect(field.N, name).toBe(entry.N);
      const raw = fs.readFileSync(`${path}.f64`);
      const expected = new Float64Array(raw.buffer, raw.byteOffset, raw.byteLength / 8);
      // the numbers as stored: bit for bit; a rebuilt last row: to rounding
      const rebuilt = 'storedRows' in read && read.storedRows < entry.N;
      expect(maxAbsDifference(field.links, expected), name).toBeLessThanOrEqual(
        rebuilt ? 1e-14 : 0,
      );
      expect(Math.abs(averagePlaquette(field) - entry.plaquette), name).toBeLessThan(1e-12);
      expect(Math.abs(linkTrace(field) - entry.link_trace), name).toBeLessThan(1e-12);
      cli.stdout = '';
      expect(await main(['info', path, '--json']), `${name}: ${cli.stderr}`).toBe(0);
      const report = JSON.parse(cli.stdout);
      expect(report.ok, name).toBe(true);
      expect(report.format, name).toBe(entry.format);
    }
  });

  it('numpy reads our NERSC, ILDG and HDF5 files and agrees on checksums and plaquettes', async () => {
    const python = pythonOrFail();
    const out = join(dir, 'from-us');
    fs.mkdirSync(out);
    const su3 = roughField([4, 4, 2, 6], 3, 31);
    const su3b = roughField([4, 4, 2, 6], 3, 32);
    const su2 = roughField([6, 4], 2, 33);
    const headers: Record<string, Record<string, string>> = {};
    const write = async (name: string, promise: Promise<Record<string, string> | void>) => {
      const header = await promise;
      if (header) headers[name] = header;
    };
    await write('our_3x3_64.nersc', writeNersc(join(out, 'our_3x3_64.nersc'), su3));
    await write(
      'our_2row_32.nersc',
      writeNersc(join(out, 'our_2row_32.nersc'), su3b, { twoRow: true, precision: 32 }),
    );
    await write('our_su2_2d.nersc', writeNersc(join(out, 'our_su2_2d.nersc'), su2));
    await write('our_64.lime', writeIldg(join(out, 'our_64.lime'), su3, { lfn: 'lfn://x/64' }));
    await write('our_32.lime', writeIldg(join(out, 'our_32.lime'), su3b, { precision: 32 }));
    const inputs = ['our_3x3_64.nersc', 'our_2row_32.nersc', 'our_64.lime'].map((n) =>
      join(out, n),
    );
    expect(
      await main(['convert', ...inputs, join(out, 'ours.h5'), '--beta', '5.9']),
      cli.stderr,
    ).toBe(0);
    expect(
      await main(['convert', join(out, 'ours.h5'), join(out, 'extracted.nersc'), '--index', '1']),
      cli.stderr,
    ).toBe(0);
    const manifest = {
      'our_3x3_64.nersc': { format: 'nersc' },
      'our_2row_32.nersc': { format: 'nersc' },
      'our_su2_2d.nersc': { format: 'nersc' },
      'extracted.nersc': { format: 'nersc' },
      'our_64.lime': { format: 'ildg' },
      'our_32.lime': { format: 'ildg' },
      'ours.h5': { format: 'hdf5' },
    };
    fs.writeFileSync(join(out, 'ours.json'), JSON.stringify(manifest));
    const results = runPython(python, 'read', out) as Record<string, Record<string, unknown>>;

    const ours = async (name: string) =>
      name.endsWith('.lime')
        ? (await readIldg(join(out, name))).field
        : (await readNersc(join(out, name))).field;
    for (const name of Object.keys(manifest).filter((n) => !n.endsWith('.h5'))) {
      const field = await ours(name);
      const r = results[name];
      expect(Math.abs((r.plaquette as number) - averagePlaquette(field)), name).toBeLessThan(1e-12);
      expect(Math.abs((r.link_trace as number) - linkTrace(field)), name).toBeLessThan(1e-12);
      if (r.format === 'nersc') {
        const header = headers[name] ?? (await readNersc(join(out, name))).header;
        expect(r.checksum, name).toBe(header.CHECKSUM);
        expect(r.scidac, name).toEqual([header.SCIDAC_CHECKSUMA, header.SCIDAC_CHECKSUMB]);
      }
    }
    expect(results['our_64.lime'].lfn).toBe('lfn://x/64');
    // same bytes, same SciDAC checksum: NERSC 3x3 IEEE64BIG payload = ildg-binary-data
    expect(results['our_64.lime'].scidac).toEqual(results['our_3x3_64.nersc'].scidac);

    const h5 = results['ours.h5'];
    expect(h5.count).toBe(3);
    expect(h5.dims).toEqual([4, 4, 2, 6]);
    expect(h5.N).toBe(3);
    expect(h5.beta).toEqual([5.9, 5.9, 5.9]);
    const fields = [su3, (await readNersc(join(out, 'our_2row_32.nersc'))).field, su3];
    (h5.plaquettes as number[]).forEach((p, i) => {
      expect(Math.abs(p - averagePlaquette(fields[i]))).toBeLessThan(1e-12);
    });
    const metadata = h5.metadata as Record<string, unknown>;
    expect(metadata.source).toBe('lgt convert');
    // The root attributes, which light readers such as jsfive do not see (more than 8: HDF5
    // stores them densely; docs/ensemble-format.md), as h5py users get them.
    const attributes = h5.attributes as Record<string, unknown>;
    expect(Object.keys(attributes).length).toBeGreaterThan(8);
    expect(attributes).toMatchObject({
      format: 'lattice-gauge-ensemble',
      format_version: 1,
      group: 'SU(3)',
      N: 3,
      D: 4,
      dims: [4, 4, 2, 6],
    });
    expect(JSON.parse(attributes.metadata as string)).toEqual(metadata);
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value === 'string' || typeof value === 'number') {
        expect(attributes[key], `mirror of metadata.${key}`).toBe(value);
      }
    }
  });
});
