import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { launchChromium } from '../browser.js';
import { twoDimensionalSpec } from '../helpers.js';
import { captureEachTest, cli, startCapture } from '../cliOutput.js';
import { main } from '../../src/cli/program.js';
import { EnsembleWriter } from '../../src/io/ensembleWriter.js';
import { generateEnsemble, type RunSpec } from '../../src/montecarlo/generate.js';

let dir: string;
let ensemble: string;
let larger: string;
let models: string;
let report: string;
let svgDir: string;
let summary: {
  charts: number;
  svg: string[];
  ensembles: unknown[];
  models: Array<{ file: string; evaluations: Array<{ label: string }> }>;
};

async function lgt(...args: string[]): Promise<number> {
  cli.stdout = '';
  cli.stderr = '';
  return main(args);
}

/** The data-key -> data-value pairs of the report's tables. */
function tableNumbers(html: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of html.matchAll(/data-key="([^"]*)" data-value="([^"]*)"/g)) {
    out.set(m[1].replaceAll('&#61;', '='), Number(m[2]));
  }
  return out;
}

captureEachTest();

beforeAll(async () => {
  startCapture();
  dir = mkdtempSync(join(tmpdir(), 'lgt-report-'));
  ensemble = join(dir, 'su2-6x6.h5');
  larger = join(dir, 'su2-12x12.h5');
  models = join(dir, 'w12');
  report = join(dir, 'report.html');
  svgDir = join(dir, 'svg');
  mkdirSync(models);
  const spec = (L: number, n: number, seed: number): RunSpec => twoDimensionalSpec(L, n, seed);
  await generateEnsemble(spec(6, 30, 1), { output: ensemble });
  await generateEnsemble(spec(12, 3, 2), { output: larger });
  const common = ['--data', ensemble, '--target', 'wilson:1x2', '--no-progress', '--seed', '3'];
  expect(
    await lgt(
      'train',
      ...common,
      '--architecture',
      'lcb:2:1,trace,dense:1',
      '--epochs',
      '3',
      '-o',
      join(models, 'model.json'),
      '--metrics',
      join(models, 'metrics.jsonl'),
    ),
  ).toBe(0);
  expect(
    await lgt(
      'train',
      ...common,
      '--model',
      'cnn',
      '--cnn-layers',
      '4',
      '--epochs',
      '2',
      '-o',
      join(models, 'cnn.json'),
      '--metrics',
      join(models, 'cnn.metrics.jsonl'),
    ),
  ).toBe(0);
  const code = await lgt(
    'report',
    ensemble,
    models,
    '--test',
    larger,
    '-o',
    report,
    '--svg',
    svgDir,
    '--json',
  );
  expect(cli.stderr).toBe('');
  expect(code).toBe(0);
  summary = JSON.parse(cli.stdout);
  vi.restoreAllMocks();
}, 60_000);

describe('lgt report', () => {
  it('puts the numbers of lgt measure --json in its Gamma-method table', async () => {
    expect(await lgt('measure', ensemble, '--json')).toBe(0);
    const measured = JSON.parse(cli.stdout) as {
      ensembles: Array<{ beta: number; observables: Record<string, Record<string, number>> }>;
    };
    expect(summary.ensembles).toEqual([{ file: ensemble, ensembles: measured.ensembles }]);
    const numbers = tableNumbers(readFileSync(report, 'utf8'));
    let compared = 0;
    for (const s of measured.ensembles) {
      for (const [name, e] of Object.entries(s.observables)) {
        for (const field of ['mean', 'error', 'tauInt', 'tauIntError', 'n']) {
          expect(numbers.get(`beta=${s.beta}/${name}/${field}`)).toBe(e[field]);
          compared++;
        }
      }
    }
    expect(compared).toBe(2 * 5 * 5); // 2 betas x (plaquette, W(1x2), W(2x2), Re/Im L) x 5 numbers
  });

  it('puts the numbers of lgt eval --json in its error tables, for the L-CNN and the baseline CNN on each lattice', async () => {
    const numbers = tableNumbers(readFileSync(report, 'utf8'));
    let compared = 0;
    for (const model of ['model.json', 'cnn.json']) {
      for (const data of [ensemble, larger]) {
        const file = join(models, model);
        expect(await lgt('eval', file, data, '--json')).toBe(0);
        const e = JSON.parse(cli.stdout) as {
          mse: number;
          r2: number;
          n: number;
          perBeta: Array<{ beta: number; mse: number; r2: number; n: number }>;
        };
        const key = `${file}@${data}`;
        expect(numbers.get(`${key}/mse`)).toBe(e.mse);
        expect(numbers.get(`${key}/r2`)).toBe(e.r2);
        expect(numbers.get(`${key}/n`)).toBe(e.n);
        for (const b of e.perBeta) {
          expect(numbers.get(`${key}/beta=${b.beta}/mse`)).toBe(b.mse);
          expect(numbers.get(`${key}/beta=${b.beta}/r2`)).toBe(b.r2);
          compared++;
        }
      }
    }
    expect(compared).toBe(2 * 2 * 2);
    expect(summary.models.map((m) => m.evaluations.map((e) => e.label))).toEqual([
      [ensemble, larger],
      [ensemble, larger],
    ]);
  });

  it('writes every chart as an SVG file and a Vega-Lite specification with its data inline', () => {
    // 5 observables x (history, autocorrelation, histogram) + loss + 2 models x 2 lattices
    expect(summary.charts).toBe(5 * 3 + 1 + 4);
    const files = readdirSync(svgDir).sort();
    expect(files.length).toBe(2 * summary.charts);
    for (const f of files.filter((f) => f.endsWith('.svg'))) {
      expect(readFileSync(join(svgDir, f), 'utf8')).toMatch(/^<svg [^>]*viewBox=/);
      const spec = readFileSync(join(svgDir, f.replace(/\.svg$/, '.vl.json')), 'utf8');
      expect(spec).not.toMatch(/"url"/);
      expect(JSON.parse(spec).$schema).toMatch(/vega-lite\/v6/);
    }
  });

  // The first run unpacks the bundled Chromium (190 MB: 3 s on an idle core, 12 s measured on
  // 2 cores at load 11), hence the default 60 s timeout rather than a stricter one.
  it('opens in a real browser with every chart drawn, axes titled, no network request and no console error', async () => {
    const html = readFileSync(report, 'utf8');
    // Self-contained: the only URLs are the SVG namespace names, which nothing fetches.
    const urls = [...html.matchAll(/(?:https?:|ftp:|\/\/)[^\s"'<>)]*/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(
      new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']),
    );
    const fetching = [
      ...html.matchAll(/<(?:script|link|img|iframe|object|embed)\b|\bsrc=|@import|url\((?!#)/gi),
    ];
    expect(fetching.map((m) => m[0])).toEqual([]);

    const browser = await launchChromium(['--disable-gpu']);
    try {
      const page = await browser.newPage();
      const url = pathToFileURL(report).href;
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => {
        if (r.url() !== url) requests.push(r.url());
      });
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      // Anything but the page itself is refused (and recorded above), never fetched.
      await page.route('**/*', (route) =>
        route.request().url() === url ? route.continue() : route.abort(),
      );
      await page.goto(url, { waitUntil: 'load' });
      const charts = await page.$$eval('figure.chart', (figures) =>
        figures.map((f) => {
          const svg = f.querySelector(':scope > svg');
          const box = svg?.getBoundingClientRect();
          const marks = svg
            ? [...svg.querySelectorAll('.role-mark > path, .role-mark > line')].filter((m) => {
                const b = (
                  m as unknown as { getBBox(): { width: number; height: number } }
                ).getBBox();
                return b.width > 0 || b.height > 0;
              }).length
            : 0;
          return {
            name: f.getAttribute('data-chart') ?? '',
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            marks,
            axisTitles: svg
              ? [...svg.querySelectorAll('.role-axis-title text')].map((t) => t.textContent ?? '')
              : [],
          };
        }),
      );
      expect(charts.length).toBe(summary.charts);
      for (const c of charts) {
        expect(c.width, c.name).toBeGreaterThan(100);
        expect(c.height, c.name).toBeGreaterThan(100);
        expect(c.marks, c.name).toBeGreaterThan(0);
        const titles = new Set(c.axisTitles.map((t) => t.trim()));
        expect(titles.size, `${c.name}: ${[...titles].join(' | ')}`).toBeGreaterThanOrEqual(2);
        for (const t of titles) expect(t, c.name).toMatch(/[A-Za-zρΓ]/);
      }
      const byName = new Map(charts.map((c) => [c.name, c.axisTitles]));
      expect(byName.get('ensemble-plaquette-history')).toContain('P = (1/N) Re tr U_P');
      expect(byName.get('ensemble-plaquette-autocorrelation')).toContain('ρ(t) = Γ(t)/Γ(0)');
      expect(byName.get('model1-loss')).toContain('MSE loss (log scale)');
      expect(requests).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('says what is missing for a file without measurements, without a stack trace', async () => {
    const bare = join(dir, 'bare.h5');
    const writer = await EnsembleWriter.create(bare, { N: 2, dims: [2, 2] });
    const links = new Float64Array(2 * 2 * 2 * 8);
    for (let k = 0; k < links.length; k += 8) links[k] = links[k + 6] = 1; // unit matrices
    writer.append({ links, beta: 2, sweep: 1, observables: {} });
    writer.append({ links, beta: 2, sweep: 2, observables: {} });
    await writer.finalize();
    const out = join(dir, 'bare.html');
    expect(await lgt('report', bare, '-o', out)).toBe(2);
    expect(cli.stderr).toMatch(/^lgt: .*bare\.h5: no recorded observables .*\/observables/);
    expect(cli.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('says which file a model directory lacks, without a stack trace', async () => {
    const lacking = join(dir, 'lacking');
    mkdirSync(lacking);
    const out = join(dir, 'lacking.html');
    expect(await lgt('report', ensemble, lacking, '-o', out)).toBe(2);
    expect(cli.stderr).toMatch(/^lgt: .*lacking: missing the model file model\.json/);
    rmSync(lacking, { recursive: true });
    mkdirSync(lacking);
    writeFileSync(join(lacking, 'model.json'), readFileSync(join(models, 'model.json'))); // no log
    expect(await lgt('report', ensemble, lacking, '-o', out)).toBe(2);
    expect(cli.stderr).toMatch(/lacking: missing the metrics log metrics\.jsonl of model\.json/);
    expect(cli.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('never replaces an existing report without --force', async () => {
    const before = readFileSync(report, 'utf8');
    expect(await lgt('report', ensemble, '-o', report)).toBe(2);
    expect(cli.stderr).toMatch(/--output .*report\.html already exists; use --force/);
    expect(readFileSync(report, 'utf8')).toBe(before);
  });
});

describe('--report on lgt generate and lgt train', () => {
  it('writes the report at the end; the train report holds the test errors train prints', async () => {
    const out = join(dir, 'gen.h5');
    const genReport = join(dir, 'gen.html');
    expect(
      await lgt(
        ...['generate', '-o', out, '--dims', '4,4', '--configs', '8', '--thermalization', '4'],
        ...['--no-progress', '--json', '--report', genReport],
      ),
    ).toBe(0);
    expect(JSON.parse(cli.stdout).report).toBe(genReport);
    expect(readFileSync(genReport, 'utf8')).toContain('data-chart="ensemble-plaquette-history"');

    const trainReport = join(dir, 'train.html');
    const model = join(dir, 'train-model.json');
    expect(
      await lgt(
        ...[
          'train',
          '--data',
          ensemble,
          '--architecture',
          'lcb:2:1,trace,dense:1',
          '--epochs',
          '2',
        ],
        ...['-o', model, '--no-progress', '--json', '--report', trainReport],
      ),
    ).toBe(0);
    const printed = JSON.parse(cli.stdout) as { test: { mse: number; r2: number; n: number } };
    const numbers = tableNumbers(readFileSync(trainReport, 'utf8'));
    const key = `${model}@${ensemble} (test split)`;
    expect(numbers.get(`${key}/mse`)).toBe(printed.test.mse);
    expect(numbers.get(`${key}/r2`)).toBe(printed.test.r2);
    expect(numbers.get(`${key}/n`)).toBe(printed.test.n);

    // an existing report stops the run before it starts
    expect(
      await lgt('train', '--data', ensemble, '-o', join(dir, 'x.json'), '--report', trainReport),
    ).toBe(2);
    expect(cli.stderr).toMatch(/--report .*train\.html already exists/);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });
});
