/**
 * Our HDF5 ensembles read by an independent reader: jsfive, pure JavaScript (a port of pyfive,
 * no code shared with the HDF5 C library behind h5wasm, installed from the npm registry). It
 * reads `/links`, `/beta`, `/sweep`, `/observables/*` and the attribute of `/links`; the
 * plaquette recomputed here from its raw links, by a product written out below without
 * src/lattice, must be what the writer recorded. It does not read the root attributes: HDF5
 * stores more than 8 attributes densely, which jsfive does not read (docs/ensemble-format.md);
 * h5py checks them in `npm run test:interop`.
 */
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Dataset, File, Group } from 'jsfive';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnsemble } from '../../src/io/ensembleReader.js';
import { generateEnsemble, type RunSpec } from '../../src/montecarlo/generate.js';

const spec: RunSpec = {
  N: 3,
  dims: [4, 2, 2, 4],
  betas: [5.7, 6.2],
  algorithm: { kind: 'heatbath', overrelaxation: 1 },
  thermalization: 3,
  separation: 1,
  configurations: 2,
  seed: 5,
  start: 'hot',
  reunitarizeEvery: 10,
  measurements: { wilsonLoops: 1, polyakovLoop: true, topologicalCharge: false },
};

let dir: string;
let path: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(join(os.tmpdir(), 'lgt-jsfive-'));
  path = join(dir, 'su3.h5');
  await generateEnsemble(spec, { output: path });
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function readWithJsfive(bytes: Uint8Array): File {
  const copy = bytes.slice(); // jsfive wants an ArrayBuffer of the file alone
  return new File(copy.buffer, 'su3.h5');
}

function dataset(file: File, name: string): Dataset {
  const entity = file.get(name);
  if (!(entity instanceof Dataset)) throw new Error(`jsfive: ${name} is not a dataset`);
  return entity;
}

/**
 * P = < (1/N) Re tr U_mu(x) U_nu(x+mu) U_mu(x+nu)^dagger U_nu(x)^dagger > over sites and planes
 * mu < nu, from configuration i of a flat [n, V, D, N, N, 2] array (DESIGN.md 2: site x0
 * fastest), with complex products spelled out: independent of src/sun and src/lattice.
 */
function plaquetteOf(links: ArrayLike<number>, i: number, dims: number[], N: number): number {
  const D = dims.length;
  const V = dims.reduce((v, L) => v * L, 1);
  const at = (site: number, mu: number, r: number, c: number): [number, number] => {
    const k = ((((i * V + site) * D + mu) * N + r) * N + c) * 2;
    return [links[k], links[k + 1]];
  };
  const neighbour = (site: number, mu: number): number => {
    let stride = 1;
    for (let nu = 0; nu < mu; nu++) stride *= dims[nu];
    const x = Math.floor(site / stride) % dims[mu];
    return site + ((x + 1) % dims[mu]) * stride - x * stride;
  };
  // (A B)_{rc} and (A B^dagger)_{rc} on N x N complex matrices as [re, im] pairs
  type M = [number, number][][];
  const matrix = (site: number, mu: number): M =>
    Array.from({ length: N }, (_, r) => Array.from({ length: N }, (_, c) => at(site, mu, r, c)));
  const times = (a: M, b: M, dagger: boolean): M =>
    a.map((row, r) =>
      row.map((_, c) => {
        let re = 0;
        let im = 0;
        for (let k = 0; k < N; k++) {
          const [ar, ai] = a[r][k];
          const [br, bi] = dagger ? [b[c][k][0], -b[c][k][1]] : b[k][c];
          re += ar * br - ai * bi;
          im += ar * bi + ai * br;
        }
        return [re, im] as [number, number];
      }),
    );
  let sum = 0;
  let count = 0;
  for (let x = 0; x < V; x++) {
    for (let mu = 0; mu < D; mu++) {
      for (let nu = mu + 1; nu < D; nu++) {
        const a = times(matrix(x, mu), matrix(neighbour(x, mu), nu), false);
        const b = times(matrix(x, nu), matrix(neighbour(x, nu), mu), false);
        const p = times(a, b, true);
        for (let r = 0; r < N; r++) sum += p[r][r][0] / N;
        count++;
      }
    }
  }
  return sum / count;
}

/**
 * What jsfive reads from an ensemble file of `spec`, against what the writer recorded: every
 * disagreement in words (none for a sound file).
 */
function jsfiveDisagreements(bytes: Uint8Array): string[] {
  const file = readWithJsfive(bytes);
  const out: string[] = [];
  const n = spec.betas.length * spec.configurations;
  const V = spec.dims.reduce((v, L) => v * L, 1);
  const links = dataset(file, 'links');
  const shape = [n, V, spec.dims.length, spec.N, spec.N, 2];
  if (JSON.stringify(links.shape) !== JSON.stringify(shape) || links.dtype !== '<f8') {
    out.push(`/links: ${links.dtype} ${JSON.stringify(links.shape)}, expected <f8 ${shape}`);
    return out;
  }
  const values = links.value as ArrayLike<number>;
  const recorded = dataset(file, 'observables/plaquette').value as ArrayLike<number>;
  for (let i = 0; i < n; i++) {
    const p = plaquetteOf(values, i, spec.dims, spec.N);
    if (!(Math.abs(p - recorded[i]) <= 1e-14)) {
      out.push(
        `configuration ${i}: plaquette of /links ${p}, /observables/plaquette ${recorded[i]}`,
      );
    }
  }
  return out;
}

describe('jsfive, an independent HDF5 reader, on an ensemble we wrote', () => {
  it('finds the datasets and the attribute of /links', () => {
    const file = readWithJsfive(fs.readFileSync(path));
    expect(file.keys.sort()).toEqual(['beta', 'links', 'observables', 'sweep']);
    const observables = file.get('observables');
    expect(observables).toBeInstanceOf(Group);
    expect((observables as Group).keys.sort()).toEqual([
      'plaquette',
      'polyakov_loop_im',
      'polyakov_loop_re',
    ]);
    expect(dataset(file, 'links').attrs.layout).toBe(
      '[configuration][site, x0 fastest][mu][row][column][re, im]: U_mu(x) from x to x + mu',
    );
    // The premise of docs/ensemble-format.md's note on light readers: 19 root attributes are
    // stored densely, and jsfive returns none of them.
    expect(file.attrs).toEqual({});
  });

  it('reads the links, beta and sweep our reader reads, bit for bit', async () => {
    const file = readWithJsfive(fs.readFileSync(path));
    const ensemble = await openEnsemble(path);
    try {
      const links = Float64Array.from(dataset(file, 'links').value as ArrayLike<number>);
      const per = links.length / ensemble.count;
      for (let i = 0; i < ensemble.count; i++) {
        expect(links.subarray(i * per, (i + 1) * per)).toEqual(ensemble.configuration(i).links);
      }
      expect(Float64Array.from(dataset(file, 'beta').value as ArrayLike<number>)).toEqual(
        ensemble.beta,
      );
      expect(Array.from(dataset(file, 'sweep').value, Number)).toEqual(Array.from(ensemble.sweep));
      expect(Array.from(dataset(file, 'beta').value)).toEqual([5.7, 5.7, 6.2, 6.2]);
    } finally {
      ensemble.close();
    }
  });

  it('recomputes from the raw links the plaquette the writer recorded, for every configuration', () => {
    expect(jsfiveDisagreements(fs.readFileSync(path))).toEqual([]);
  });

  it('negative control: one flipped byte in /links or /observables/plaquette fails the check', async () => {
    const bytes = fs.readFileSync(path);
    const ensemble = await openEnsemble(path);
    let link: Float64Array;
    let plaquette: number;
    try {
      link = ensemble.configuration(1).links.subarray(40, 41);
      plaquette = ensemble.observables.plaquette[2];
    } finally {
      ensemble.close();
    }
    for (const [value, configuration] of [
      [link[0], 1],
      [plaquette, 2],
    ] as const) {
      const pattern = Buffer.from(Float64Array.of(value).buffer);
      const at = bytes.indexOf(pattern);
      expect(at, `${value} stored once`).toBeGreaterThan(0);
      expect(bytes.lastIndexOf(pattern)).toBe(at);
      const flipped = Buffer.from(bytes);
      flipped[at + 5] ^= 0x10; // a mantissa bit: the value changes by about 1e-5 relative
      expect(jsfiveDisagreements(flipped)).toEqual([
        expect.stringMatching(new RegExp(`^configuration ${configuration}: plaquette of /links`)),
      ]);
    }
  });
});
