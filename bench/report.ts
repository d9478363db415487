/**
 * `node dist/bench/report.js` (after `npm run build`): how long `lgt report` takes for an
 * ensemble of 10,000 configurations (the target: "renders in under a few seconds").
 *
 * The ensemble is a real Monte Carlo run: 2D SU(2) on 4x4, heatbath with one overrelaxation
 * sweep, two betas of 5,000 configurations each, the plaquette, W(1x2), W(2x2) and the
 * Polyakov loop measured on every one (5 observables; written once, in about a minute, to
 * `lattice-gauge-bench/report-10k.h5` in the system's temporary directory, and reused).
 * Timed, each the best of 3 runs:
 *
 * 1. the command `node dist/src/cli/lgt.js report FILE -o FILE.html` as a new process (Node
 *    start-up and module loading included);
 * 2. the whole report in this process (`writeReport`: open the file, Gamma-method
 *    statistics, decimation, 15 charts rendered to SVG, the HTML written atomically);
 * 3. its parts: the ensemble section alone (statistics, autocorrelations, histograms,
 *    decimated histories), and the SVG rendering of its charts (once more with every
 *    configuration drawn, for comparison);
 * 4. opening the page in headless chromium (Debian's, else the one in @sparticuz/chromium)
 *    until its `load` event (HTML parsed, every inline SVG laid out).
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeReport } from '../src/report/writeReport.js';
import { openEnsemble } from '../src/io/ensembleReader.js';
import { generateEnsemble } from '../src/montecarlo/generate.js';
import { ensembleSection } from '../src/report/ensembleSection.js';
import { renderReport } from '../src/report/htmlPage.js';
import { chromiumExecutable, launchChromium } from '../test/browser.js';
import { pathToFileURL } from 'node:url';

const dir = join(os.tmpdir(), 'lattice-gauge-bench');
const file = join(dir, 'report-10k.h5');
const output = join(dir, 'report-10k.html');

async function best<T>(runs: number, f: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  let seconds = Infinity;
  let value: T | undefined;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    value = await f();
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  return { seconds, value: value as T };
}

async function main(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(file)) {
    const t0 = performance.now();
    await generateEnsemble(
      {
        N: 2,
        dims: [4, 4],
        betas: [2, 4],
        algorithm: { kind: 'heatbath', overrelaxation: 1 },
        thermalization: 100,
        separation: 1,
        configurations: 5000,
        seed: 1,
        start: 'cold',
        reunitarizeEvery: 10,
        measurements: { wilsonLoops: 2, polyakovLoop: true, topologicalCharge: false },
      },
      { output: file },
    );
    process.stderr.write(
      `generated ${file} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
  }
  const ensemble = await openEnsemble(file);
  const count = ensemble.count;
  const section = await best(3, async () => ensembleSection(ensemble));
  const charts = section.value.section.blocks.filter((b) => b.kind === 'chart');
  const history = charts[0].kind === 'chart' ? charts[0].spec : undefined;
  const historyPoints = (history as { data: { values: unknown[] } }).data.values.length;
  const rendered = await best(3, () => renderReport('bench', [section.value.section]));
  // For comparison: every configuration drawn (what decimation avoids).
  const full = ensembleSection(ensemble, { maxHistoryPoints: count });
  const undecimated = await best(1, () => renderReport('bench', [full.section]));
  ensemble.close();
  const whole = await best(3, async () => {
    rmSync(output, { force: true });
    return writeReport({
      ensembles: [file],
      models: [],
      skip: 0,
      output,
      force: true,
      command: `lgt report ${file}`,
    });
  });
  const cli = await best(3, async () => {
    rmSync(output, { force: true });
    execFileSync(process.execPath, ['dist/src/cli/lgt.js', 'report', file, '-o', output]);
  });
  // Debian's chromium when present, else the one inside @sparticuz/chromium (test/browser.ts).
  const { source } = await chromiumExecutable();
  const b = await launchChromium(['--disable-gpu']);
  const page = await b.newPage();
  const load = await best(3, async () => {
    await page.goto(pathToFileURL(output).href, { waitUntil: 'load' });
  });
  await b.close();
  const browser = `${load.seconds.toFixed(2)} s (${source})`;
  const lines = [
    `machine: ${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} cores, Node ${process.version}, load ${os
      .loadavg()[0]
      .toFixed(2)}`,
    `ensemble: ${file}, ${count} configurations, ${Object.keys(section.value.statistics[0].observables).length} observables`,
    `lgt report as a new process: ${cli.seconds.toFixed(2)} s`,
    `whole report in this process (writeReport): ${whole.seconds.toFixed(2)} s, ${whole.value.charts} charts, ` +
      `${(statSync(output).size / 1024).toFixed(0)} KiB of HTML`,
    `  ensemble section (statistics, autocorrelations, histograms, decimation): ${section.seconds.toFixed(2)} s`,
    `  SVG rendering of its charts and page assembly: ${rendered.seconds.toFixed(2)} s`,
    `  points drawn in the plaquette history: ${historyPoints} of ${count}`,
    `  without decimation (all ${count} points drawn): rendering ${undecimated.seconds.toFixed(2)} s, ` +
      `${(undecimated.value.html.length / 1024).toFixed(0)} KiB of HTML`,
    `opening the page in headless chromium (load event): ${browser}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
