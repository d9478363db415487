import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnsembleWriter } from '../../src/io/ensembleWriter.js';
import { openEnsemble } from '../../src/io/ensembleReader.js';
import { roughField } from '../helpers.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(join(os.tmpdir(), 'lgt-chains-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const metadata = { N: 2, dims: [2, 2], seed: 1 };
const record = (k: number, chain?: number) => ({
  links: roughField([2, 2], 2, k + 1).links,
  beta: 2,
  sweep: k,
  observables: { plaquette: k / 10 },
  ...(chain !== undefined ? { chain } : {}),
});

describe('ensembles of several chains', () => {
  it('keep each configuration’s chain in /chain, through a resume', async () => {
    const path = join(dir, 'merged.h5');
    let writer = await EnsembleWriter.create(path, metadata, { chains: true });
    writer.append(record(0, 0));
    writer.append(record(1, 0));
    writer.flush();
    writer.append(record(2, 7)); // dropped by the resume below (not flushed into the count)
    writer.close();
    writer = await EnsembleWriter.resume(path, metadata, 2);
    writer.append(record(2, 1));
    await writer.finalize();
    const e = await openEnsemble(path);
    try {
      expect(e.count).toBe(3);
      expect(Array.from(e.chain ?? [])).toEqual([0, 0, 1]);
      expect(Array.from(e.sweep)).toEqual([0, 1, 2]);
    } finally {
      e.close();
    }
  });

  it('have no /chain when made without chains, and refuse a record that does not fit', async () => {
    const plain = await EnsembleWriter.create(join(dir, 'plain.h5'), metadata);
    expect(() => plain.append(record(0, 0))).toThrow(
      'EnsembleWriter.append: invalid record.chain: expected no chain (the writer was created without { chains: true }), got 0',
    );
    plain.append(record(0));
    await plain.finalize();
    const e = await openEnsemble(join(dir, 'plain.h5'));
    expect(e.chain).toBeUndefined();
    e.close();

    const merged = await EnsembleWriter.create(join(dir, 'm.h5'), metadata, { chains: true });
    expect(() => merged.append(record(0))).toThrow(
      'EnsembleWriter.append: invalid record.chain: expected a number, got undefined',
    );
    expect(() => merged.append(record(0, -1))).toThrow(
      'EnsembleWriter.append: invalid record.chain: expected an integer >= 0, got -1',
    );
    merged.close();
  });
});
