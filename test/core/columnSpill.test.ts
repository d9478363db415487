/**
 * Columns kept in a temporary file (src/core/columnSpill.ts): read back bit for bit in any row
 * range, the file and its directory gone after close, misuse refused.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ColumnSpill } from '../../src/core/columnSpill.js';

const parent = mkdtempSync(join(tmpdir(), 'lgt-spill-test-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('ColumnSpill', () => {
  it('gives back every row range of every column bit for bit, and removes its file', () => {
    const rows = 1000;
    const spill = new ColumnSpill(rows, 3, parent);
    const columns = [0, 1, 2].map((j) =>
      Float64Array.from({ length: rows }, (_, k) => Math.sin(k * (j + 1)) / (k + 1)),
    );
    // written in another order than read
    for (const j of [2, 0, 1]) spill.write(j, columns[j]);
    for (const [lo, m] of [
      [0, rows],
      [0, 1],
      [999, 1],
      [123, 456],
    ]) {
      for (let j = 0; j < 3; j++) {
        const into = new Float64Array(m);
        spill.read(j, lo, into);
        expect(into).toEqual(columns[j].subarray(lo, lo + m));
      }
    }
    // a view into a larger array is written and read at its own offset
    const big = new Float64Array(rows + 5);
    big.set(columns[1], 5);
    spill.write(0, big.subarray(5));
    const back = new Float64Array(rows + 2).subarray(2);
    spill.read(0, 0, back);
    expect(back).toEqual(columns[1]);
    expect(readdirSync(parent)).toHaveLength(1);
    spill.close();
    spill.close();
    expect(existsSync(spill.directory)).toBe(false);
    expect(readdirSync(parent)).toHaveLength(0);
    expect(() => spill.read(0, 0, new Float64Array(1))).toThrow(/used after close/);
  });

  it('refuses to read past what was written', () => {
    const spill = new ColumnSpill(10, 2, parent);
    try {
      spill.write(0, new Float64Array(10));
      expect(() => spill.read(1, 0, new Float64Array(10))).toThrow(
        /column 1 rows from 0 were never written/,
      );
    } finally {
      spill.close();
    }
  });
});
