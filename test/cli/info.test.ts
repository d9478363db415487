import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureEachTest, cli } from '../cliOutput.js';
import { main } from '../../src/cli/program.js';
import { EnsembleWriter } from '../../src/io/ensembleWriter.js';
import { writeIldg } from '../../src/io/ildg.js';
import { encodeNersc, writeNersc } from '../../src/io/nersc.js';
import { averagePlaquette } from '../../src/lattice/observables/plaquette.js';
import { roughField } from '../helpers.js';

let dir: string;

captureEachTest();
beforeEach(() => {
  dir = fs.mkdtempSync(join(os.tmpdir(), 'lgt-info-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const field = roughField([4, 4, 2, 4], 3, 17);

describe('lgt info', () => {
  it('prints a NERSC header and its checks, exit 0 when they pass', async () => {
    const path = join(dir, 'cfg.nersc');
    await writeNersc(path, field, { header: { ENSEMBLE_LABEL: 'test run' } });
    expect(await main(['info', path])).toBe(0);
    expect(cli.stdout).toContain(
      `${path}: NERSC, DATATYPE 4D_SU3_GAUGE_3x3, FLOATING_POINT IEEE64BIG`,
    );
    expect(cli.stdout).toContain('lattice 4x4x2x4, SU(3)');
    expect(cli.stdout).toContain('  ENSEMBLE_LABEL = test run');
    expect(cli.stdout).toMatch(
      /ok {4}CHECKSUM agrees: header says [0-9a-f]+, payload sums to [0-9a-f]+/,
    );
    expect(cli.stdout).toMatch(/ok {4}PLAQUETTE agrees/);
    expect(cli.stdout).toContain('all 6 checks passed');
    expect(cli.stderr).toBe('');
  });

  it('--json has stable keys for every format', async () => {
    const nersc = join(dir, 'cfg.nersc');
    const lime = join(dir, 'cfg.lime');
    const h5 = join(dir, 'e.h5');
    await writeNersc(nersc, field, { precision: 32 });
    await writeIldg(lime, field);
    const writer = await EnsembleWriter.create(h5, { N: 3, dims: [4, 4, 2, 4] });
    writer.append({
      links: field.links,
      beta: 6,
      sweep: 10,
      observables: { plaquette: averagePlaquette(field) },
    });
    await writer.finalize();
    const common = ['file', 'format', 'ok', 'N', 'dims', 'precision', 'plaquette', 'linkTrace'];
    for (const [path, format] of [
      [nersc, 'nersc'],
      [lime, 'ildg'],
      [h5, 'hdf5'],
    ] as const) {
      cli.stdout = '';
      expect(await main(['info', path, '--json']), cli.stderr).toBe(0);
      const report = JSON.parse(cli.stdout);
      expect(Object.keys(report)).toEqual([...common, format, 'checks']);
      expect(report.ok).toBe(true);
      expect(report.dims).toEqual([4, 4, 2, 4]);
      expect(Object.keys(report.checks[0])).toEqual(
        expect.arrayContaining(['name', 'ok', 'expected', 'found', 'message']),
      );
      expect(Math.abs(report.plaquette - averagePlaquette(field))).toBeLessThan(1e-6);
    }
  });

  it('exit 1 and a plain message naming the field and both values when a check fails', async () => {
    const path = join(dir, 'bad.nersc');
    const { bytes } = encodeNersc(field);
    const text = Buffer.from(bytes)
      .toString('latin1')
      .replace(/PLAQUETTE = .*/, 'PLAQUETTE = 0.59367');
    fs.writeFileSync(path, Buffer.from(text, 'latin1'));
    expect(await main(['info', path])).toBe(1);
    const computed = Number(averagePlaquette(field).toPrecision(10));
    expect(cli.stderr).toBe(
      `lgt: ${path}: PLAQUETTE mismatch: header 0.59367, computed ${computed} (tolerance 1e-5)\n`,
    );
    expect(cli.stdout).toMatch(/FAIL {2}PLAQUETTE mismatch/);
    expect(cli.stdout).toContain('1 of 6 checks failed');
  });

  it('exit 1 for an ensemble whose recorded plaquette disagrees; --index checks one', async () => {
    const h5 = join(dir, 'e.h5');
    const writer = await EnsembleWriter.create(h5, { N: 3, dims: [4, 4, 2, 4] });
    for (const p of [averagePlaquette(field), 0.5]) {
      writer.append({ links: field.links, beta: 6, sweep: 1, observables: { plaquette: p } });
    }
    await writer.finalize();
    expect(await main(['info', h5, '--index', '0'])).toBe(0);
    expect(cli.stdout).toContain('all 2 checks passed');
    cli.stdout = '';
    expect(await main(['info', h5])).toBe(1);
    expect(cli.stderr).toMatch(
      /configuration 1: \/observables\/plaquette mismatch: recorded 0\.5, computed [\d.]+ \(tolerance 1e-10\)/,
    );
    expect(await main(['info', h5, '--index', '2'])).toBe(2);
    expect(cli.stderr).toMatch(/invalid --index 2: expected an integer in \[0, 1\]/);
  });

  it('exit 2 for unusable input: missing, unknown format, truncated, wrong DATATYPE', async () => {
    expect(await main(['info', join(dir, 'none')])).toBe(2);
    expect(cli.stderr).toMatch(/none: no such file/);
    cli.stderr = '';
    fs.writeFileSync(join(dir, 'junk'), 'just some text');
    expect(await main(['info', join(dir, 'junk')])).toBe(2);
    expect(cli.stderr).toMatch(
      /junk: unknown format: neither an HDF5 ensemble, an ILDG\/LIME file nor a NERSC file/,
    );
    cli.stderr = '';
    const { bytes } = encodeNersc(field);
    fs.writeFileSync(join(dir, 'short.nersc'), bytes.subarray(0, bytes.byteLength - 100));
    expect(await main(['info', join(dir, 'short.nersc')])).toBe(2);
    expect(cli.stderr).toMatch(
      /short\.nersc: truncated: expected 73728 payload bytes .*, found 73628/,
    );
    cli.stderr = '';
    const wrong = Buffer.from(bytes)
      .toString('latin1')
      .replace('4D_SU3_GAUGE_3x3', '4D_SU3_GAUGE_2x2');
    fs.writeFileSync(join(dir, 'wrong.nersc'), Buffer.from(wrong, 'latin1'));
    expect(await main(['info', join(dir, 'wrong.nersc')])).toBe(2);
    expect(cli.stderr).toMatch(
      /invalid DATATYPE: expected 4D_SU3_GAUGE_3x3 or 4D_SU3_GAUGE .*got "4D_SU3_GAUGE_2x2"/,
    );
    expect(cli.stderr).not.toMatch(/\n\s+at /);
  });
});
