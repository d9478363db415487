import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureEachTest, cli } from '../cliOutput.js';
import { main } from '../../src/cli/program.js';
import { EnsembleWriter } from '../../src/io/ensembleWriter.js';
import { openEnsemble } from '../../src/io/ensembleReader.js';
import { readIldg, writeIldg } from '../../src/io/ildg.js';
import { readNersc, writeNersc } from '../../src/io/nersc.js';
import { averagePlaquette } from '../../src/lattice/observables/plaquette.js';
import { roughField } from '../helpers.js';

let dir: string;

captureEachTest();
beforeEach(() => {
  dir = fs.mkdtempSync(join(os.tmpdir(), 'lgt-convert-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const dims = [4, 2, 2, 4];
const fields = [1, 2, 3].map((seed) => roughField(dims, 3, seed));

async function ensemble(path: string): Promise<void> {
  const writer = await EnsembleWriter.create(path, { N: 3, dims, seed: 7 });
  fields.forEach((f, i) =>
    writer.append({
      links: f.links,
      beta: [5.8, 5.9, 6][i],
      sweep: 100 * (i + 1),
      observables: { plaquette: averagePlaquette(f) },
    }),
  );
  await writer.finalize();
}

describe('lgt convert', () => {
  it('extracts one configuration of an ensemble into NERSC, two-row NERSC and ILDG', async () => {
    const h5 = join(dir, 'e.h5');
    await ensemble(h5);
    const nersc = join(dir, 'c1.nersc');
    expect(await main(['convert', h5, nersc, '--index', '1', '--json']), cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual({
      output: nersc,
      format: 'nersc',
      precision: 64,
      configurations: 1,
      inputs: [h5],
    });
    const read = await readNersc(nersc);
    expect(read.field.equals(fields[1], 0)).toBe(true);
    expect(read.header.SEQUENCE_NUMBER).toBe('200');
    expect(read.header.BETA).toBe('5.9');
    expect(read.header.ENSEMBLE_LABEL).toBe('e.h5[1]');

    const twoRow = join(dir, 'c2.cfg');
    expect(
      await main(['convert', h5, twoRow, '--index', '2', '--format', 'nersc-2row', '-p', '32']),
    ).toBe(0);
    const small = await readNersc(twoRow);
    expect(small.dataType).toBe('4D_SU3_GAUGE');
    expect(small.floatingPoint).toBe('IEEE32BIG');
    expect(small.field.equals(fields[2], 1e-6)).toBe(true);
    expect(cli.stderr).toContain(`wrote 1 configuration to ${twoRow} (nersc-2row)`);

    const lime = join(dir, 'c0.lime');
    expect(await main(['convert', h5, lime])).toBe(0); // index 0, ILDG from the extension
    const ildg = await readIldg(lime);
    expect(ildg.field.equals(fields[0], 0)).toBe(true);
    expect(JSON.parse(ildg.info ?? '')).toEqual({
      ensemble: 'e.h5',
      index: 0,
      beta: 5.8,
      sweep: 100,
    });
  });

  it('collects NERSC and ILDG files into one ensemble that keeps every field exactly', async () => {
    const a = join(dir, 'a.nersc');
    const b = join(dir, 'b.lime');
    const c = join(dir, 'c.nersc');
    await writeNersc(a, fields[0], { header: { SEQUENCE_NUMBER: 40, BETA: 6.1 } });
    await writeIldg(b, fields[1]);
    await writeNersc(c, fields[2], { header: { SEQUENCE_NUMBER: 50 } });
    const h5 = join(dir, 'all.h5');
    expect(await main(['convert', a, b, c, h5, '--beta', '6.0'])).toBe(0);
    const e = await openEnsemble(h5);
    try {
      expect(e.count).toBe(3);
      expect([...e.beta]).toEqual([6, 6, 6]);
      expect([...e.sweep]).toEqual([40, 1, 50]);
      fields.forEach((f, i) => {
        expect(e.configuration(i).equals(f, 0)).toBe(true);
        expect(e.observables.plaquette[i]).toBe(averagePlaquette(f));
      });
      expect(Object.keys(e.observables)).toEqual(['link_trace', 'plaquette']);
      expect(e.metadata.inputs).toEqual([a, b, c]);
    } finally {
      e.close();
    }
    // without --beta the coupling must come from the files
    expect(await main(['convert', a, join(dir, 'one.h5')])).toBe(0);
    const one = await openEnsemble(join(dir, 'one.h5'));
    expect([...one.beta]).toEqual([6.1]);
    one.close();
    expect(await main(['convert', a, b, join(dir, 'two.h5')])).toBe(2);
    expect(cli.stderr).toContain(
      `the coupling beta of ${b} is unknown (its header has no BETA): pass --beta`,
    );
  });

  it('converts NERSC to ILDG and back, keeping the field and the NERSC header keys', async () => {
    const a = join(dir, 'a.nersc');
    await writeNersc(a, fields[0], { header: { ENSEMBLE_ID: 'ukqcd', ENSEMBLE_LABEL: 'b5.8' } });
    const lime = join(dir, 'a.ildg');
    expect(await main(['convert', a, lime])).toBe(0);
    expect((await readIldg(lime)).info).toBe('b5.8');
    const back = join(dir, 'back.nersc');
    expect(await main(['convert', lime, back])).toBe(0);
    expect((await readNersc(back)).field.equals(fields[0], 0)).toBe(true);
    const copy = join(dir, 'copy.nersc');
    expect(await main(['convert', a, copy, '--precision', '32'])).toBe(0);
    const read = await readNersc(copy);
    expect(read.header.ENSEMBLE_ID).toBe('ukqcd');
    expect(read.precision).toBe(32);
  });

  it('never replaces an existing output without --force', async () => {
    const a = join(dir, 'a.nersc');
    await writeNersc(a, fields[0]);
    const out = join(dir, 'out.lime');
    fs.writeFileSync(out, 'keep me');
    expect(await main(['convert', a, out])).toBe(2);
    expect(cli.stderr).toContain(`${out} already exists; pass --force to replace it`);
    expect(fs.readFileSync(out, 'utf8')).toBe('keep me');
    expect(await main(['convert', a, out, '--force'])).toBe(0);
    expect((await readIldg(out)).field.equals(fields[0], 0)).toBe(true);
    const h5 = join(dir, 'x.h5');
    fs.writeFileSync(h5, 'keep me too');
    expect(await main(['convert', a, h5, '--beta', '6'])).toBe(2);
    expect(fs.readFileSync(h5, 'utf8')).toBe('keep me too');
    expect(await main(['convert', a, h5, '--beta', '6', '--force'])).toBe(0);
  });

  it.each([
    [['--precision', '16'], /invalid --precision "16": expected 64 or 32/],
    [
      ['--format', 'milc'],
      /invalid --format "milc": expected one of nersc, nersc-2row, ildg, hdf5/,
    ],
    [['--index', '-1'], /invalid --index "-1": expected an integer >= 0/],
  ])('rejects %j with exit code 2', async (args, message) => {
    const a = join(dir, 'a.nersc');
    await writeNersc(a, fields[0]);
    expect(await main(['convert', a, join(dir, 'o.nersc'), ...args])).toBe(2);
    expect(cli.stderr).toMatch(message);
  });

  it('says plainly what is wrong with the inputs', async () => {
    const a = join(dir, 'a.nersc');
    const b = join(dir, 'b.nersc');
    await writeNersc(a, fields[0]);
    await writeNersc(b, roughField([4, 2, 2, 6], 3, 9));
    expect(await main(['convert', a, b, join(dir, 'o.nersc')])).toBe(2);
    expect(cli.stderr).toMatch(/2 inputs need an HDF5 output/);
    cli.stderr = '';
    expect(await main(['convert', a, b, join(dir, 'o.h5'), '--beta', '6'])).toBe(2);
    expect(cli.stderr).toContain(`readNersc: ${b}: invalid DIMENSION_4: expected 4, got 6`);
    cli.stderr = '';
    expect(await main(['convert', a])).toBe(2);
    expect(cli.stderr).toMatch(/needs an input file and an output file/);
    cli.stderr = '';
    const h5 = join(dir, 'e.h5');
    await ensemble(h5);
    expect(await main(['convert', h5, join(dir, 'o.nersc'), '--index', '3'])).toBe(2);
    expect(cli.stderr).toMatch(/invalid --index 3: expected an integer in \[0, 2\]/);
    cli.stderr = '';
    expect(await main(['convert', a, join(dir, 'o.nersc'), '--index', '0'])).toBe(2);
    expect(cli.stderr).toMatch(/invalid --index 0: .* is a nersc file with one configuration/);
    cli.stderr = '';
    const damaged = fs.readFileSync(a);
    damaged[damaged.length - 5] ^= 1;
    fs.writeFileSync(a, damaged);
    expect(await main(['convert', a, join(dir, 'o.lime')])).toBe(2);
    expect(cli.stderr).toMatch(
      /readNersc: .*a\.nersc: CHECKSUM mismatch: header says [0-9a-f]+, payload sums to/,
    );
    expect(fs.existsSync(join(dir, 'o.lime'))).toBe(false);
  });
});
