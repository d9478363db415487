import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMetricsLog, readModelDirectory } from '../../src/report/modelDirectory.js';

const line = (epoch: number) =>
  JSON.stringify({ epoch, trainLoss: 0.1 / epoch, validationLoss: 0.2 / epoch, validationR2: 0.5 });

function directory(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lgt-modeldir-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('readModelDirectory', () => {
  it('reads the model with its metrics log, and the baseline CNN when present', () => {
    const dir = directory({
      'model.json': '{}',
      'metrics.jsonl': `${line(1)}\n${line(2)}\n`,
      'cnn.json': '{}',
      'cnn.metrics.jsonl': `${line(1)}\n`,
    });
    const d = readModelDirectory(dir);
    expect(d.model.model).toBe(join(dir, 'model.json'));
    expect(d.model.history.map((e) => e.validationLoss)).toEqual([0.2, 0.1]);
    expect(d.baseline?.history.length).toBe(1);
  });

  it('names the missing metrics log instead of drawing empty learning curves', () => {
    const dir = directory({ 'model.json': '{}' });
    expect(() => readModelDirectory(dir)).toThrow(
      `${dir}: missing the metrics log metrics.jsonl of model.json`,
    );
    const withCnn = directory({ 'model.json': '{}', 'metrics.jsonl': line(1), 'cnn.json': '{}' });
    expect(() => readModelDirectory(withCnn)).toThrow(
      /missing the metrics log cnn\.metrics\.jsonl of cnn\.json/,
    );
  });

  it('names a missing model file, a missing directory and a file given for a directory', () => {
    const dir = directory({ 'metrics.jsonl': line(1) });
    expect(() => readModelDirectory(dir)).toThrow(`${dir}: missing the model file model.json`);
    expect(() => readModelDirectory(join(dir, 'nope'))).toThrow(/nope: no such model directory/);
    expect(() => readModelDirectory(join(dir, 'metrics.jsonl'))).toThrow(/not a directory/);
  });
});

describe('readMetricsLog', () => {
  it('names the file and line of a bad entry, and refuses an empty log', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lgt-metrics-'));
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'm.jsonl');
    writeFileSync(path, '\n');
    expect(() => readMetricsLog(path)).toThrow(`${path}: the metrics log is empty`);
    writeFileSync(path, `${line(1)}\n{"epoch": 2, "trainLoss": 0.1}\n`);
    expect(() => readMetricsLog(path)).toThrow(
      `${path}: line 2: invalid validationLoss: expected a finite number, got undefined`,
    );
    writeFileSync(path, `${line(1)}\nnot json\n`);
    expect(() => readMetricsLog(path)).toThrow(`${path}: line 2: not JSON`);
  });
});
