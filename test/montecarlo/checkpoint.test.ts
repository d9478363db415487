import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  readCheckpoint,
  writeCheckpoint,
  type Checkpoint,
} from '../../src/montecarlo/checkpoint.js';
import { roughField } from '../helpers.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = fs.mkdtempSync(join(os.tmpdir(), 'lgt-checkpoint-'));
  path = join(dir, 'run.h5.checkpoint');
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A checkpoint of an SU(3) 2x2x2x2 run, with awkward float values among the links. */
function sample(sweep = 120): Checkpoint {
  const links = roughField([2, 2, 2, 2], 3, 7).links;
  links[0] = -0;
  links[1] = 5e-324;
  links[2] = 0.1 + 0.2;
  return {
    metadata: {
      N: 3,
      dims: [2, 2, 2, 2],
      beta: 2.3,
      betas: [2.3, 2.5],
      algorithm: { kind: 'heatbath', overrelaxation: 3 },
      seed: 42,
      note: 'β scan',
    },
    sweep,
    configsWritten: 5,
    betaIndex: 1,
    links,
  };
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  return x.every((v, k) => v === y[k]);
}

describe('a checkpoint written and read back', () => {
  it('gives back the links bit for bit and the sweep, counts, beta index and metadata', async () => {
    const checkpoint = sample();
    await writeCheckpoint(path, checkpoint);
    const back = await readCheckpoint(path, checkpoint.metadata);
    expect(sameBits(back.links, checkpoint.links)).toBe(true);
    expect(Object.is(back.links[0], -0)).toBe(true);
    expect(back.sweep).toBe(120);
    expect(back.configsWritten).toBe(5);
    expect(back.betaIndex).toBe(1);
    expect(back.metadata).toEqual(checkpoint.metadata);
  });

  it('leaves no temporary file behind, and replaces an existing checkpoint with the new one', async () => {
    await writeCheckpoint(path, sample(100));
    await writeCheckpoint(path, sample(200));
    expect(fs.readdirSync(dir)).toEqual(['run.h5.checkpoint']);
    expect((await readCheckpoint(path)).sweep).toBe(200);
  });

  it('keeps the old checkpoint byte-identical, and no temporary file, when the write fails before the rename', async () => {
    await writeCheckpoint(path, sample(100));
    const before = fs.readFileSync(path);
    vi.spyOn(fs.promises, 'rename').mockRejectedValueOnce(new Error('simulated crash'));
    await expect(writeCheckpoint(path, sample(200))).rejects.toThrow('simulated crash');
    expect(fs.readFileSync(path).equals(before)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['run.h5.checkpoint']);
  });

  it('rejects an invalid checkpoint, naming the field', async () => {
    await expect(writeCheckpoint(path, { ...sample(), sweep: -1 })).rejects.toThrow(
      'writeCheckpoint: invalid checkpoint.sweep: expected an integer >= 0, got -1',
    );
    await expect(
      writeCheckpoint(path, { ...sample(), metadata: { seed: 10n } as Record<string, unknown> }),
    ).rejects.toThrow(TypeError);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('readCheckpoint on a damaged or foreign checkpoint', () => {
  it('fails on a flipped byte in the links, naming the file and the links checksum', async () => {
    await writeCheckpoint(path, sample());
    const bytes = fs.readFileSync(path);
    bytes[bytes.length - 100] ^= 0x01;
    fs.writeFileSync(path, bytes);
    await expect(readCheckpoint(path)).rejects.toThrow(
      new RegExp(
        `^checkpoint ${path}: damaged links: checksum mismatch: header says crc32 [0-9a-f]{8}, the links give [0-9a-f]{8}$`,
      ),
    );
  });

  it('fails on a changed header value, which the trailer checksum covers', async () => {
    await writeCheckpoint(path, sample(120));
    const text = fs.readFileSync(path).toString('latin1').replace('"sweep":120', '"sweep":130');
    fs.writeFileSync(path, Buffer.from(text, 'latin1'));
    await expect(readCheckpoint(path)).rejects.toThrow(
      `checkpoint ${path}: damaged header or trailer: checksum mismatch`,
    );
  });

  it('fails on a truncated file, giving the expected and actual sizes', async () => {
    await writeCheckpoint(path, sample());
    const bytes = fs.readFileSync(path);
    fs.writeFileSync(path, bytes.subarray(0, bytes.length - 100));
    await expect(readCheckpoint(path)).rejects.toThrow(
      `checkpoint ${path}: truncated: expected ${bytes.length} bytes, got ${bytes.length - 100}`,
    );
    fs.writeFileSync(path, bytes.subarray(0, 40));
    await expect(readCheckpoint(path)).rejects.toThrow(
      `checkpoint ${path}: truncated: the header line has no end`,
    );
    fs.writeFileSync(path, bytes.subarray(0, 10));
    await expect(readCheckpoint(path)).rejects.toThrow(`checkpoint ${path}: truncated`);
  });

  it('fails on metadata that differ from the run, naming the key and both values', async () => {
    await writeCheckpoint(path, sample());
    const run = { ...sample().metadata, beta: 2.4 };
    await expect(readCheckpoint(path, run)).rejects.toThrow(
      `checkpoint ${path}: metadata mismatch in beta: checkpoint has 2.3, run has 2.4`,
    );
    const nested = { ...sample().metadata, algorithm: { kind: 'metropolis' } };
    await expect(readCheckpoint(path, nested)).rejects.toThrow(
      'metadata mismatch in algorithm.kind: checkpoint has "heatbath", run has "metropolis"',
    );
  });

  it('fails on a file that is not a checkpoint, or is missing', async () => {
    fs.writeFileSync(path, '{"sweep": 3}\n');
    await expect(readCheckpoint(path)).rejects.toThrow(
      `checkpoint ${path}: not a lattice-gauge checkpoint: expected the first line ` +
        '"lattice-gauge-checkpoint 1", got "{\\"sweep\\": 3}"',
    );
    await expect(readCheckpoint(join(dir, 'absent'))).rejects.toThrow(
      `checkpoint ${join(dir, 'absent')}: no such file`,
    );
  });
});
