/**
 * The report of a flow file (lgt report FLOWED.h5): its table holds the numbers of lgt
 * measure --json, it draws t^2 E(t) and W(t) with their read-offs and the charge histogram,
 * and it opens in a real browser with every chart drawn and its axes titled.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { launchChromium } from '../browser.js';
import { captureEachTest, cli, startCapture } from '../cliOutput.js';
import { main } from '../../src/cli/program.js';
import { generateEnsemble } from '../../src/montecarlo/generate.js';
import { testRunSpec } from '../helpers.js';

captureEachTest();

const dir = mkdtempSync(join(tmpdir(), 'lgt-flow-report-'));
const ensemble = join(dir, 'su3.h5');
const flowed = join(dir, 'su3.flow.h5');
const report = join(dir, 'flow.html');

async function lgt(...args: string[]): Promise<number> {
  cli.stdout = '';
  cli.stderr = '';
  return main(args);
}

let summary: { charts: number; flows: Array<{ ensembles: Array<Record<string, unknown>> }> };

beforeAll(async () => {
  startCapture();
  // SU(3) at beta 5.6 on 6^4: coarse enough that t^2 E reaches 0.3 by t = 2.5
  await generateEnsemble(
    testRunSpec({ N: 3, dims: [6, 6, 6, 6], betas: [5.6], configurations: 6, separation: 2 }),
    { output: ensemble },
  );
  expect(
    await lgt(
      'flow',
      ensemble,
      '-o',
      flowed,
      '--t-max',
      '2.5',
      '--measure-every',
      '0.1',
      '--adaptive',
      '1e-4',
      '--no-progress',
    ),
  ).toBe(0);
  expect(await lgt('report', flowed, '-o', report, '--charge-time', '2', '--json')).toBe(0);
  summary = JSON.parse(cli.stdout);
  vi.restoreAllMocks();
}, 120_000);

describe('lgt report of a flow file', () => {
  it('holds the numbers of lgt measure --json in its table', async () => {
    expect(summary.charts).toBe(3);
    expect(await lgt('measure', flowed, '--json', '--charge-time', '2')).toBe(0);
    const measured = JSON.parse(cli.stdout).ensembles[0];
    expect(summary.flows[0].ensembles[0]).toEqual(measured);
    expect(measured.t0).not.toBeNull();
    const html = readFileSync(report, 'utf8');
    const numbers = new Map<string, number>();
    for (const m of html.matchAll(/data-key="([^"]*)" data-value="([^"]*)"/g)) {
      numbers.set(m[1].replaceAll('&#61;', '='), Number(m[2]));
    }
    expect(numbers.get('beta=5.6/t0')).toBe(measured.t0.mean);
    expect(numbers.get('beta=5.6/t0Plaquette')).toBe(measured.t0Plaquette.mean);
    expect(numbers.get('beta=5.6/chi')).toBe(measured.chi.mean);
    expect(numbers.get('beta=5.6/n')).toBe(6);
  });

  it('opens in a real browser with its three charts drawn and their axes titled', async () => {
    // The Chromium of test/browser.ts: Debian's when present, else the one inside the
    // @sparticuz/chromium devDependency (a fresh machine has no apt-installed browser).
    const browser = await launchChromium(['--disable-gpu']);
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
      const charts = await page.$$eval('figure.chart', (figures) =>
        figures.map((f) => {
          const svg = f.querySelector(':scope > svg');
          return {
            name: f.getAttribute('data-chart') ?? '',
            marks: svg ? svg.querySelectorAll('.role-mark > path, .role-mark > line').length : 0,
            axisTitles: svg
              ? [...svg.querySelectorAll('.role-axis-title text')].map((t) => t.textContent ?? '')
              : [],
          };
        }),
      );
      expect(charts.map((c) => c.name)).toEqual(['flow-t2e', 'flow-w', 'flow-charge-histogram']);
      for (const c of charts) expect(c.marks, c.name).toBeGreaterThan(0);
      expect(charts[0].axisTitles).toEqual(['flow time t/a²', 't² ⟨E(t)⟩']);
      expect(charts[2].axisTitles).toContain('Q (clover)');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
