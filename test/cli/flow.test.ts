/**
 * `lgt flow` as users meet it: through the real CLI in a child process, its JSON lines match
 * the library's flow of the same configurations bit for bit; a run killed with SIGKILL and
 * resumed gives the file of an uninterrupted run bit for bit; `lgt measure` reads the flow
 * file; bad options and bad ensembles are refused, naming the option and the value, and
 * nothing already written is lost.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureEachTest, cli } from '../cliOutput.js';
import { main } from '../../src/cli/program.js';
import { generateEnsemble } from '../../src/montecarlo/generate.js';
import { openEnsemble } from '../../src/io/ensembleReader.js';
import { EnsembleWriter } from '../../src/io/ensembleWriter.js';
import { openFlowFile, type FlowFile } from '../../src/io/flowFile.js';
import { flowField } from '../../src/flow/gradientFlow.js';
import { flowedLinksPath } from '../../src/flow/flowEnsemble.js';
import { testRunSpec } from '../helpers.js';

captureEachTest();

const lgt = join(process.cwd(), 'dist', 'src', 'cli', 'lgt.js');
const dir = mkdtempSync(join(tmpdir(), 'lgt-flow-'));
/** SU(2) 4^4 at beta 2.2 and 2.5, three configurations each. */
const su2 = join(dir, 'su2.h5');
/** SU(3) 4^4, eight configurations: long enough to kill a flow halfway. */
const su3 = join(dir, 'su3.h5');

beforeAll(async () => {
  await generateEnsemble(testRunSpec(), { output: su2 });
  await generateEnsemble(
    testRunSpec({ N: 3, betas: [5.7], configurations: 8, separation: 1, thermalization: 5 }),
    { output: su3 },
  );
});

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [lgt, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every dataset of two flow files is equal bit for bit. */
function expectSameFlowFile(a: FlowFile, b: FlowFile): void {
  expect(b.count).toBe(a.count);
  expect(b.times).toEqual(a.times);
  for (const key of ['index', 'beta', 'sweep', 'steps', 'rejected'] as const) {
    expect(b[key]).toEqual(a[key]);
  }
  expect(Object.keys(b.observables)).toEqual(Object.keys(a.observables));
  for (const name of Object.keys(a.observables)) {
    const x = a.observables[name];
    const y = b.observables[name];
    for (let k = 0; k < x.length; k++) {
      if (!Object.is(x[k], y[k])) throw new Error(`${name}[${k}]: ${x[k]} != ${y[k]}`);
    }
  }
}

describe('lgt flow through the CLI', () => {
  it('prints per configuration and time what the library computes, then t0, w0 and chi per beta', async () => {
    const output = join(dir, 'json.h5');
    const r = run([
      'flow',
      su2,
      '-o',
      output,
      '--t-max',
      '1',
      '--measure-every',
      '0.25',
      '--adaptive',
      '1e-5',
      '--workers',
      '2',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBe(6 * 5 + 2);
    expect(Object.keys(lines[0])).toEqual([
      'index',
      't',
      'energyPlaquette',
      'energyClover',
      'charge',
      'plaquette',
    ]);
    expect(lines.slice(0, 5).map((l) => l.t)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    // the library, serially, on configuration 4 gives the same numbers bit for bit
    const ensemble = await openEnsemble(su2);
    const library = await flowField(ensemble.configuration(4), {
      tMax: 1,
      times: [0, 0.25, 0.5, 0.75, 1],
      tolerance: 1e-5,
    });
    ensemble.close();
    const printed = lines.filter((l) => l.index === 4);
    expect(printed.map((l) => l.energyClover)).toEqual(
      library.measurements.map((m) => m.energyClover),
    );
    expect(printed.map((l) => l.charge)).toEqual(library.measurements.map((m) => m.charge));
    const scales = lines.slice(30);
    expect(scales.map((s) => s.beta)).toEqual([2.2, 2.5]);
    expect(Object.keys(scales[0])).toEqual(
      expect.arrayContaining(['t0', 'w0', 'chi', 'chargeTime']),
    );
    expect(scales[0].chi.n).toBe(3);
    expect(scales[0].chargeTime).toBe(1);
    // a flow to t = 1 on 4^4 SU(2) does not reach t^2 E = 0.3: said, not invented
    expect(scales[0].t0).toBeNull();
    expect(scales[0].errors.t0).toMatch(/flow further/);
  });

  it('resumes a run killed halfway (SIGKILL) to the file of an uninterrupted run, bit for bit', async () => {
    const args = ['--t-max', '0.5', '--epsilon', '0.01', '--measure-every', '0.1', '--no-progress'];
    const whole = join(dir, 'whole.h5');
    expect(run(['flow', su3, '-o', whole, ...args]).status).toBe(0);

    const killed = join(dir, 'killed.h5');
    const child = spawn(process.execPath, [lgt, 'flow', su3, '-o', killed, ...args], {
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const checkpoint = `${killed}.checkpoint`;
    // the checkpoint of a run that has flowed a configuration (the first one says 0)
    const flowed = (): boolean =>
      existsSync(checkpoint) &&
      (JSON.parse(readFileSync(checkpoint, 'utf8').split('\n')[1]) as { done: number }).done > 0;
    for (let waited = 0; !flowed() && waited < 60_000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(killed)).toBe(false); // interrupted, not finished
    expect(existsSync(`${killed}.partial`)).toBe(true);
    const done = JSON.parse(readFileSync(checkpoint, 'utf8').split('\n')[1]).done as number;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(8);

    const resumed = run(['flow', su3, '-o', killed, ...args, '--resume']);
    expect(resumed.status).toBe(0);
    expect(existsSync(checkpoint)).toBe(false);
    expectSameFlowFile(await openFlowFile(whole), await openFlowFile(killed));
  });
});

describe('lgt flow --save-links', () => {
  it('saves the flowed links of the chosen configurations in the ensemble format, bit for bit those of the library', async () => {
    const output = join(dir, 'saved.h5');
    const args = ['flow', su2, '-o', output, '--index', '1,4', '--times', '0,0.25,0.5'];
    expect(
      run([...args, '--epsilon', '0.05', '--save-links', '0.25', '--no-progress']).status,
    ).toBe(0);
    const saved = await openEnsemble(flowedLinksPath(output, 0.25));
    const ensemble = await openEnsemble(su2);
    expect(saved.count).toBe(2);
    expect(saved.lattice.dims).toEqual(ensemble.lattice.dims);
    expect(Array.from(saved.observables.source_index)).toEqual([1, 4]);
    expect(Array.from(saved.observables.flow_time)).toEqual([0.25, 0.25]);
    expect(Array.from(saved.beta)).toEqual([ensemble.beta[1], ensemble.beta[4]]);
    for (const [row, i] of [
      [0, 1],
      [1, 4],
    ]) {
      let flowed: Float64Array | undefined;
      await flowField(ensemble.configuration(i), {
        tMax: 0.5,
        times: [0, 0.25, 0.5],
        epsilon: 0.05,
        onMeasure: (m, field) => {
          if (m.t === 0.25) flowed = Float64Array.from(field.links);
        },
      });
      const links = saved.configuration(row).links;
      expect(links.length).toBe(flowed!.length);
      expect(links.every((x, k) => Object.is(x, flowed![k]))).toBe(true);
    }
    saved.close();
    ensemble.close();
    // a save time after t_max is refused, naming the options, before anything is written
    const other = join(dir, 'saved-refused.h5');
    const refused = run(['flow', su2, '-o', other, '--t-max', '0.5', '--save-links', '0.7']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(
      /invalid --t-max 0\.5: expected at least the largest requested flow time 0\.7 \(--times, --save-links/,
    );
    expect(existsSync(other) || existsSync(`${other}.partial`)).toBe(false);
  });
});

describe('lgt measure of a flow file', () => {
  it('prints t0, w0, chi and the flow curve; --json has them with the charges', async () => {
    const output = join(dir, 'measure.h5');
    expect(
      await main([
        'flow',
        su3,
        '-o',
        output,
        '--t-max',
        '3',
        '--measure-every',
        '0.2',
        '--adaptive',
        '1e-3',
        '--no-progress',
      ]),
    ).toBe(0);
    cli.stdout = '';
    expect(await main(['measure', output])).toBe(0);
    expect(cli.stdout).toMatch(/t0\/a\^2 {2}clover {5}\d\.\d+\(\d+\)/);
    expect(cli.stdout).toMatch(/chi {5}at t = 3/);
    cli.stdout = '';
    expect(await main(['measure', output, '--json', '--charge-time', '2'])).toBe(0);
    const result = JSON.parse(cli.stdout);
    expect(result.format).toBe('lattice-gauge-flow');
    expect(result.ensembles[0].charges.length).toBe(8);
    expect(result.ensembles[0].chargeTime).toBe(2);
    expect(result.ensembles[0].curve.clover.length).toBe(16);
    cli.stderr = '';
    expect(await main(['measure', output, '--charge-time', '2.1'])).toBe(2);
    expect(cli.stderr).toMatch(/invalid --charge-time 2.1: expected one of the flow times of/);
  });
});

describe('lgt flow refuses bad input, naming the option and the value', () => {
  const cases: Array<[string, string[], RegExp]> = [
    [
      'a negative epsilon',
      ['--epsilon', '-0.01'],
      /invalid --epsilon "-0.01": expected a positive number/,
    ],
    ['a zero tolerance', ['--adaptive', '0'], /invalid --adaptive "0": expected a positive number/],
    [
      't-max below a requested time',
      ['--t-max', '1', '--times', '0.5,2'],
      /invalid --t-max 1: expected at least the largest requested flow time 2/,
    ],
    [
      'an unknown action',
      ['--action', 'dbw2'],
      /invalid --action "dbw2": expected one of wilson, symanzik, zeuthen/,
    ],
    [
      'an index out of range',
      ['--index', '0-9'],
      /invalid --index 6: expected indices in \[0, 5\]/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(`refuses ${what}`, async () => {
      expect(await main(['flow', su2, '-o', join(dir, 'never.h5'), ...args])).toBe(2);
      expect(cli.stderr).toMatch(message);
      expect(existsSync(join(dir, 'never.h5.partial'))).toBe(false);
    });
  }

  it('refuses the charge of a 2D ensemble and rectangles on extents below 3', async () => {
    const twoD = join(dir, 'twoD.h5');
    await generateEnsemble(
      testRunSpec({
        dims: [4, 2],
        configurations: 2,
        measurements: { wilsonLoops: 1, polyakovLoop: false, topologicalCharge: false },
      }),
      { output: twoD },
    );
    expect(await main(['flow', twoD, '-o', join(dir, 'n.h5'), '--charge-time', '1'])).toBe(2);
    expect(cli.stderr).toMatch(
      /invalid --charge-time 1: expected a 4D ensemble \(the topological charge is defined in 4D\), got .* with D = 2/,
    );
    expect(await main(['flow', twoD, '-o', join(dir, 'n.h5'), '--action', 'zeuthen'])).toBe(2);
    expect(cli.stderr).toMatch(
      /invalid --action zeuthen: expected wilson on .*, whose extents 4x2 include one below 3/,
    );
  });

  it('refuses an ensemble whose links are not unitary, naming the file and the configuration', async () => {
    const bad = join(dir, 'bad.h5');
    const source = await openEnsemble(su2);
    const links = source.configuration(0).links.slice();
    source.close();
    links[8 * 5] *= 1.001;
    const writer = await EnsembleWriter.create(bad, { N: 2, dims: [4, 4, 4, 4] });
    writer.append({ links, beta: 2.2, sweep: 1, observables: {} });
    await writer.finalize();
    expect(await main(['flow', bad, '-o', join(dir, 'n2.h5'), '--no-progress'])).toBe(2);
    expect(cli.stderr).toMatch(
      /bad.h5: invalid \/links\[0\]: expected SU\(2\) links \(max \|U U\^dagger - 1\| <= 0.000001\), got 0\.000\d+/,
    );
  });

  it('does not touch an existing output without --force', async () => {
    const output = join(dir, 'kept.h5');
    expect(await main(['flow', su2, '-o', output, '--t-max', '0.2', '--no-progress'])).toBe(0);
    const before = statSync(output).mtimeMs;
    expect(await main(['flow', su2, '-o', output, '--t-max', '0.3', '--no-progress'])).toBe(2);
    expect(cli.stderr).toMatch(
      /kept.h5 already exists; pass \{ force: true \} \(lgt: --force\) to replace it/,
    );
    expect(statSync(output).mtimeMs).toBe(before);
    expect((await openFlowFile(output)).times[2]).toBe(0.2);
  });
});
