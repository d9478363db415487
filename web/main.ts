/**
 * The page: a lattice you can heat, cool and look at. Controls, the frame loop, the charts,
 * the heat maps, the L-CNN panel and the NERSC download; the Monte Carlo is ./simulation.ts,
 * the slow analyses run in ./analysisWorker.ts.
 *
 * Frame loop: batches of compound sweeps, sized to take about {@link GPU_BATCH_MS} on the GPU
 * (the frames go on meanwhile) or {@link CPU_BATCH_MS} on the CPU (in the main thread), so
 * the UI stays responsive at any lattice size the adapter allows. Charts, heat maps and the L-CNN are refreshed a few times a
 * second from copies of the links, in the worker.
 *
 * `window.lgt` ({@link PageApi}) drives the same code from a script: the tests and the
 * benchmark use it.
 */
import {
  decimateMinMax,
  encodeNersc,
  exactPlaquette2d,
  gammaAnalysis,
  historyChart,
  regressionMetrics,
  type HistoryRow,
} from '../src/browser.js';
import { drawHeatmap, signedScale } from './heatmap.js';
import type { AnalysisReply, AnalysisRequest, SiteMap } from './messages.js';
import type { PageApi, PlaquetteStatistics } from './pageApi.js';
import { Simulation, type RunSettings } from './simulation.js';

/**
 * Time of one batch of sweeps, in ms. On the CPU a batch blocks the main thread: it leaves
 * room for drawing within a 60 Hz frame. On the GPU the frames go on during a batch, which
 * ends with one read-back of its measurements: longer batches spend less on the round trip.
 */
const CPU_BATCH_MS = 8;
const GPU_BATCH_MS = 40;
/** How often the Wilson loops are measured, the field analysed and the charts drawn (ms). */
const LOOPS_EVERY_MS = 250;
const FIELD_EVERY_MS = 400;
const CHARTS_EVERY_MS = 500;
/** Points per chart line at most (min-max decimation, as the report draws long histories). */
const CHART_POINTS = 600;
/** The Wilson loops charted (R, T). */
const LOOPS: Array<[number, number]> = [
  [1, 1],
  [1, 2],
  [2, 2],
  [3, 3],
];
/** The shipped L-CNN (web/public/lcnn/, made by the commands in web/README.md). */
const MODEL_URL = 'lcnn/w2x2-su2-2d.json';

function element<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`page: no element #${id}`);
  return e as T;
}

/** The settings of the URL (?group=2&dims=32,32&beta=2&start=hot&seed=1&or=1&run=0). */
function settingsFromUrl(params: URLSearchParams): RunSettings {
  const number = (key: string, fallback: number): number => {
    const text = params.get(key);
    const value = text === null ? fallback : Number(text);
    if (!Number.isFinite(value)) throw new RangeError(`page: invalid ?${key}=${text}`);
    return value;
  };
  const dims = (params.get('dims') ?? '32,32').split(',').map(Number);
  const start = params.get('start') ?? 'hot';
  if (start !== 'hot' && start !== 'cold') throw new RangeError(`page: invalid ?start=${start}`);
  return {
    N: number('group', 2),
    dims,
    beta: number('beta', 2),
    start,
    seed: number('seed', 1),
    overrelaxation: number('or', 1),
  };
}

/** The analysis worker, as promises. */
class Analysis {
  private readonly worker = new Worker(new URL('./analysisWorker.ts', import.meta.url), {
    type: 'module',
  });
  private next = 1;
  private readonly waiting = new Map<number, (reply: AnalysisReply) => void>();

  constructor(onError: (message: string) => void) {
    this.worker.onmessage = (event: MessageEvent<AnalysisReply>) => {
      const reply = event.data;
      const resolve = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.type === 'error') onError(reply.message);
      resolve?.(reply);
    };
  }

  ask(request: AnalysisRequest, transfer: Transferable[] = []): Promise<AnalysisReply> {
    return new Promise((resolve) => {
      this.waiting.set(request.id, resolve);
      this.worker.postMessage(request, transfer);
    });
  }

  id(): number {
    return this.next++;
  }
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const errorBox = element('error');
  const showError = (message: string): void => {
    errorBox.textContent = message;
    errorBox.hidden = false;
  };
  const useGpu = params.get('gpu') !== 'off';
  const sim = await Simulation.create(useGpu ? navigator.gpu : undefined);
  const analysis = new Analysis(showError);
  let settings = settingsFromUrl(params);
  sim.reset(settings);

  // --- the backend note
  const backendNote = element('backend');
  if (sim.backend.kind === 'webgpu') {
    backendNote.textContent = `WebGPU: ${sim.backend.detail}`;
  } else {
    backendNote.textContent =
      `CPU path (WebGPU unavailable: ${useGpu ? sim.backend.detail : 'switched off by ?gpu=off'}). ` +
      `The same updates and random numbers run in JavaScript, at most ${32768} links.`;
    backendNote.classList.add('warning');
  }

  // --- the L-CNN
  let lcnnParameters = 0;
  const lcnnStatus = element('lcnn-status');
  try {
    const response = await fetch(MODEL_URL);
    if (!response.ok) throw new Error(`${MODEL_URL}: HTTP ${response.status}`);
    const reply = await analysis.ask({
      type: 'model',
      id: analysis.id(),
      text: await response.text(),
      source: MODEL_URL,
    });
    if (reply.type === 'model') lcnnParameters = reply.parameters;
  } catch (error) {
    showError(`the L-CNN could not be loaded: ${(error as Error).message}`);
  }

  // --- controls
  const group = element<HTMLSelectElement>('group');
  const geometry = element<HTMLSelectElement>('geometry');
  const size = element<HTMLSelectElement>('size');
  const seed = element<HTMLInputElement>('seed');
  const beta = element<HTMLInputElement>('beta');
  const betaValue = element('beta-value');
  const overrelax = element<HTMLSelectElement>('overrelax');
  const runButton = element<HTMLButtonElement>('run');
  const status = element('status');
  const plaquetteLine = element('plaquette');

  /** The sizes offered, of which those that pass sim.check (the adapter's limits) are shown. */
  const sizes: Record<string, number[]> = {
    '2': [8, 16, 32, 64, 128, 256, 512],
    '4': [4, 6, 8, 12, 16, 20, 24, 32],
  };
  function fits(N: number, dims: number[]): boolean {
    try {
      sim.check({ ...settings, N, dims });
      return true;
    } catch {
      return false;
    }
  }
  function fillSizes(D: string, chosen: number): void {
    const N = Number(group.value);
    const fitting = sizes[D].filter((L) => fits(N, Array(Number(D)).fill(L) as number[]));
    size.replaceChildren(
      ...fitting.map((L) => {
        const option = document.createElement('option');
        option.value = String(L);
        option.textContent = D === '2' ? `${L} x ${L}` : `${L}^4`;
        option.selected = L === chosen;
        return option;
      }),
    );
  }
  function showSettings(): void {
    group.value = String(settings.N);
    geometry.value = String(settings.dims.length);
    fillSizes(geometry.value, settings.dims[0]);
    seed.value = String(settings.seed);
    beta.value = String(settings.beta);
    betaValue.textContent = settings.beta.toFixed(2);
    overrelax.value = String(settings.overrelaxation);
  }
  showSettings();

  let running = params.get('run') !== '0';
  let stepping: Promise<void> | undefined;
  let counted: { remaining: number; done: () => void } | undefined;
  function setRunning(on: boolean): void {
    running = on;
    runButton.textContent = on ? 'Pause' : 'Run';
  }
  setRunning(running);

  /** The charts, maps and statistics of the previous chain are cleared. */
  let loopHistory: HistoryRow[] = [];
  let chargeHistory: HistoryRow[] = [];
  async function restart(changes: Partial<RunSettings>): Promise<void> {
    const next = { ...settings, ...changes };
    const wasRunning = running;
    running = false;
    await stepping; // the batch in flight ends on the old field
    running = wasRunning;
    try {
      sim.reset(next);
    } catch (error) {
      showError((error as Error).message);
      return;
    }
    errorBox.hidden = true;
    settings = next;
    loopHistory = [];
    chargeHistory = [];
    rate.length = 0;
    dirty = true;
    showSettings();
  }
  function fromControls(start: 'cold' | 'hot'): Partial<RunSettings> {
    const D = Number(geometry.value);
    return {
      N: Number(group.value),
      dims: Array(D).fill(Number(size.value)) as number[],
      start,
      seed: Number(seed.value),
      beta: Number(beta.value),
      overrelaxation: Number(overrelax.value),
    };
  }
  geometry.onchange = () => fillSizes(geometry.value, geometry.value === '2' ? 32 : 8);
  group.onchange = () => fillSizes(geometry.value, Number(size.value));
  element('cold').onclick = () => void restart(fromControls('cold'));
  element('hot').onclick = () => void restart(fromControls('hot'));
  runButton.onclick = () => setRunning(!running);
  beta.oninput = () => {
    betaValue.textContent = Number(beta.value).toFixed(2);
    sim.setBeta(Number(beta.value));
    settings.beta = Number(beta.value);
  };
  overrelax.onchange = () => {
    sim.settings.overrelaxation = Number(overrelax.value);
    settings.overrelaxation = sim.settings.overrelaxation;
  };

  // --- statistics
  function plaquetteStatistics(): PlaquetteStatistics | undefined {
    const since = sim.plaquettes.filter((m) => m.sweep > sim.betaSince);
    const discarded = Math.ceil(0.2 * since.length);
    const kept = since.slice(discarded).map((m) => m.value);
    if (kept.length < 10) return undefined;
    const g = gammaAnalysis(kept);
    const exact =
      settings.dims.length === 2 ? exactPlaquette2d(settings.N, settings.beta) : undefined;
    return {
      gamma: { mean: g.mean, error: g.error, tauInt: g.tauInt, n: g.n },
      discarded,
      beta: settings.beta,
      exact,
    };
  }
  function showStatistics(): void {
    const s = plaquetteStatistics();
    if (s === undefined) {
      plaquetteLine.textContent = 'plaquette: measuring...';
      return;
    }
    const { mean, error, tauInt, n } = s.gamma;
    let text =
      `plaquette ${mean.toFixed(6)} ± ${error.toFixed(6)} (Gamma method, tau_int ${tauInt.toFixed(2)}, ` +
      `${n} sweeps at β = ${s.beta}, first ${s.discarded} discarded)`;
    if (s.exact !== undefined) {
      const sigma = (mean - s.exact) / error;
      text += `; exact 2D ${s.exact.toFixed(6)}, ${sigma >= 0 ? '+' : ''}${sigma.toFixed(1)} σ`;
    }
    plaquetteLine.textContent = text;
  }

  // --- charts (the report's Vega-Lite specifications, rendered in the worker)
  let chartsInFlight = false;
  async function drawCharts(): Promise<void> {
    chartsInFlight = true;
    try {
      const series = sim.plaquettes;
      const rows: HistoryRow[] = [];
      for (const p of decimateMinMax(
        series.map((m) => m.value),
        CHART_POINTS,
      )) {
        const m = series[p.index];
        rows.push({ t: m.sweep, value: m.value, series: `β = ${m.beta}` });
      }
      if (settings.dims.length === 2 && series.length > 0) {
        const exact = exactPlaquette2d(settings.N, settings.beta);
        const name = `exact 2D, β = ${settings.beta}`;
        rows.push({ t: series[0].sweep, value: exact, series: name });
        rows.push({ t: series[series.length - 1].sweep, value: exact, series: name });
      }
      const specs = {
        plaquette: historyChart(
          `Plaquette, SU(${settings.N}) ${settings.dims.join('x')}`,
          'P = ⟨(1/N) Re tr U_P⟩',
          rows,
        ),
        loops: historyChart('Wilson loops', 'W(R×T)', thin(loopHistory)),
        ...(settings.dims.length === 4
          ? { charge: historyChart('Topological charge (clover)', 'Q', thin(chargeHistory)) }
          : {}),
      };
      const reply = await analysis.ask({ type: 'charts', id: analysis.id(), specs });
      if (reply.type === 'charts') {
        for (const name of ['plaquette', 'loops', 'charge']) {
          const box = element(`chart-${name}`);
          box.hidden = reply.svgs[name] === undefined;
          if (reply.svgs[name] !== undefined) box.innerHTML = reply.svgs[name];
        }
      }
    } finally {
      chartsInFlight = false;
    }
  }
  /** At most CHART_POINTS rows per series, evenly strided. */
  function thin(rows: HistoryRow[]): HistoryRow[] {
    const bySeries = new Map<string, HistoryRow[]>();
    for (const r of rows)
      (bySeries.get(r.series) ?? bySeries.set(r.series, []).get(r.series)!).push(r);
    const out: HistoryRow[] = [];
    for (const list of bySeries.values()) {
      const stride = Math.max(1, Math.ceil(list.length / CHART_POINTS));
      for (let k = 0; k < list.length; k += stride) out.push(list[k]);
    }
    return out;
  }

  // --- the field: heat map and the L-CNN
  let fieldInFlight = false;
  let lastLcnn: { predicted: Float64Array; measured: Float64Array } | undefined;
  async function analyseField(): Promise<void> {
    fieldInFlight = true;
    try {
      const snapshot = await sim.snapshot();
      const sweep = sim.sweep;
      const links = snapshot.links;
      const reply = await analysis.ask(
        {
          type: 'field',
          id: analysis.id(),
          N: snapshot.N,
          dims: [...snapshot.lattice.dims],
          links,
          lcnn: lcnnParameters > 0,
        },
        [links.buffer],
      );
      if (reply.type !== 'field') return;
      const map = reply.map;
      if (reply.charge !== undefined) {
        chargeHistory.push({ t: sweep, value: reply.charge, series: 'Q (clover)' });
        drawHeatmap(element('heatmap'), element('heatmap-caption'), map, signedScale(map.values));
      } else {
        drawHeatmap(element('heatmap'), element('heatmap-caption'), map, {
          kind: 'sequential',
          low: -1,
          high: 1,
        });
      }
      showLcnn(reply.lcnn);
    } finally {
      fieldInFlight = false;
    }
  }
  function showLcnn(
    result: { measured: Float64Array; predicted: Float64Array; dims: number[] } | undefined,
  ): void {
    const panel = element('lcnn-maps');
    if (result === undefined) {
      panel.hidden = true;
      lastLcnn = undefined;
      lcnnStatus.textContent =
        lcnnParameters === 0
          ? 'No L-CNN loaded.'
          : `The shipped L-CNN (${lcnnParameters} weights) was trained on 2D SU(2): choose SU(2) in 2D to see it.`;
      return;
    }
    panel.hidden = false;
    lastLcnn = result;
    const [width, height] = result.dims;
    const { measured, predicted } = result;
    let low = Infinity;
    let high = -Infinity;
    for (const v of [...measured, ...predicted]) {
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    const scale = { kind: 'sequential' as const, low, high: Math.max(high, low + 1e-12) };
    const map = (values: Float64Array, label: string): SiteMap => ({
      width,
      height,
      values,
      label,
    });
    drawHeatmap(
      element('lcnn-measured'),
      element('lcnn-measured-caption'),
      map(measured, 'measured'),
      scale,
    );
    drawHeatmap(
      element('lcnn-predicted'),
      element('lcnn-predicted-caption'),
      map(predicted, 'L-CNN'),
      scale,
    );
    const error = predicted.map((p, k) => p - measured[k]);
    drawHeatmap(
      element('lcnn-error'),
      element('lcnn-error-caption'),
      map(error, 'L-CNN - measured'),
      signedScale(error),
    );
    const m = regressionMetrics(predicted, measured);
    lcnnStatus.textContent =
      `L-CNN (${lcnnParameters} weights, trained on 8x8 at β = 1 to 6) on this ${width}x${height} ` +
      `configuration: MSE ${m.mse.toExponential(2)}, R² ${m.r2.toFixed(6)}.`;
  }

  // --- the download
  async function download(): Promise<void> {
    const field = await sim.snapshot({ reunitarize: true });
    const { bytes } = encodeNersc(field, {
      header: {
        ENSEMBLE_LABEL: `lattice-gauge page, beta ${settings.beta}`,
        SEQUENCE_NUMBER: sim.sweep,
      },
    });
    const blob = new Blob([bytes], { type: 'application/octet-stream' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `su${settings.N}-${settings.dims.join('x')}-b${settings.beta}-sweep${sim.sweep}.nersc`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  element('download').onclick = () => void download().catch((e: Error) => showError(e.message));

  // --- the frame loop
  let batch = 1;
  let dirty = true;
  let lastFrame = performance.now();
  let lastLoops = 0;
  let lastField = 0;
  let lastCharts = 0;
  const frameTimes: number[] = [];
  const rate: Array<{ time: number; sweep: number }> = [];
  let lastRate = 0;

  /**
   * One batch of sweeps and its measurements. On the GPU the batch runs while the frames go
   * on (the main thread only queues work and waits); on the CPU it blocks the main thread,
   * so it is sized to leave the frame room to draw.
   */
  async function step(): Promise<void> {
    const count = counted === undefined ? batch : Math.min(batch, counted.remaining);
    const t0 = performance.now();
    const loopsDue = t0 - lastLoops > LOOPS_EVERY_MS;
    const extent = Math.min(...settings.dims);
    const loops = loopsDue ? LOOPS.filter(([R, T]) => extent >= Math.max(R, T)) : [];
    const values = await sim.advance(count, loops);
    const elapsed = performance.now() - t0;
    if (loopsDue) {
      lastLoops = t0;
      loops.forEach(([R, T], k) =>
        loopHistory.push({ t: sim.sweep, value: values[k], series: `W(${R}×${T})` }),
      );
    }
    // the next batch takes about the budget (geometric steps of at most x2)
    const budget = sim.backend.kind === 'webgpu' ? GPU_BATCH_MS : CPU_BATCH_MS;
    const factor = Math.min(2, Math.max(0.5, budget / Math.max(elapsed, 0.05)));
    batch = Math.max(1, Math.min(4096, Math.round(batch * factor)));
    rate.push({ time: performance.now(), sweep: sim.sweep });
    while (rate.length > 2 && rate[rate.length - 1].time - rate[0].time > 2000) rate.shift();
    if (rate.length >= 2) {
      const first = rate[0];
      const last = rate[rate.length - 1];
      if (last.time > first.time) {
        lastRate = (1000 * (last.sweep - first.sweep)) / (last.time - first.time);
      }
    }
    dirty = true;
    if (counted !== undefined) {
      counted.remaining -= count;
      if (counted.remaining <= 0) {
        const done = counted.done;
        counted = undefined;
        done();
      }
    }
  }

  function frame(): void {
    requestAnimationFrame(frame);
    const now = performance.now();
    const sweeping = running || counted !== undefined;
    if (sweeping) {
      frameTimes.push(now - lastFrame);
      if (frameTimes.length > 600) frameTimes.shift();
    }
    lastFrame = now;
    if (sweeping && stepping === undefined) {
      stepping = step()
        .catch((error: Error) => {
          setRunning(false);
          counted = undefined;
          showError(error.message);
        })
        .finally(() => {
          stepping = undefined;
        });
    }
    const t = performance.now();
    if (dirty && !fieldInFlight && t - lastField > FIELD_EVERY_MS) {
      lastField = t;
      void analyseField().catch((error: Error) => showError(error.message));
    }
    if (dirty && !chartsInFlight && t - lastCharts > CHARTS_EVERY_MS) {
      lastCharts = t;
      dirty = false;
      showStatistics();
      void drawCharts().catch((error: Error) => showError(error.message));
    }
    status.textContent =
      `${sim.sweep} sweeps · ${lastRate.toFixed(0)} sweeps/s · ${batch} per batch` +
      (frameTimes.length > 0 ? ` · frame ${median(frameTimes.slice(-60)).toFixed(1)} ms` : '');
  }

  const api: PageApi = {
    backend: () => sim.backend,
    settings: () => ({ ...settings, dims: [...settings.dims] }),
    async configure(changes) {
      setRunning(false);
      await restart(changes);
    },
    run(count) {
      setRunning(false);
      frameTimes.length = 0;
      rate.length = 0;
      return new Promise((resolve) => {
        counted = { remaining: count, done: resolve };
      });
    },
    setRunning(on) {
      if (on) frameTimes.length = 0; // the frame times of this free run
      setRunning(on);
    },
    sweeps: () => sim.sweep,
    async links() {
      return Array.from((await sim.snapshot()).links);
    },
    plaquetteStatistics,
    async lcnn() {
      while (fieldInFlight) await new Promise((r) => setTimeout(r, 10));
      await analyseField();
      if (lastLcnn === undefined)
        throw new Error('page: no L-CNN prediction for this configuration');
      return {
        predicted: Array.from(lastLcnn.predicted),
        measured: Array.from(lastLcnn.measured),
        parameters: lcnnParameters,
      };
    },
    async settle() {
      while (fieldInFlight || chartsInFlight) await new Promise((r) => setTimeout(r, 10));
      showStatistics();
      await analyseField();
      await drawCharts();
    },
    frameTimes: () => [...frameTimes],
    sweepsPerSecond: () => lastRate,
    download,
  };
  (window as unknown as { lgt: PageApi }).lgt = api;
  requestAnimationFrame(frame);
  document.body.dataset.ready = 'true';
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

main().catch((error: Error) => {
  const box = document.getElementById('error');
  if (box !== null) {
    box.textContent = `the page could not start: ${error.message}`;
    box.hidden = false;
  }
  throw error;
});
