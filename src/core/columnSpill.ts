/**
 * Columns of float64 too many to hold in memory, kept in a temporary file and read back in
 * row ranges: the Levenberg-Marquardt finish's Jacobian of a configuration whose block would
 * exceed its memory budget (src/lcnn/training/marquardtFinish.ts). Each column is written once,
 * where recomputing it per row range would repeat two forward passes per weight and range.
 * The file lives in its own directory under the system's temporary directory and is removed
 * by {@link ColumnSpill.close}.
 *
 * @module
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `columns` columns of `rows` doubles each, column j at byte (j rows) 8 of the file. */
export class ColumnSpill {
  private readonly dir: string;
  private fd: number | undefined;

  constructor(
    readonly rows: number,
    readonly columns: number,
    parent = tmpdir(),
  ) {
    this.dir = mkdtempSync(join(parent, 'lgt-columns-'));
    try {
      this.fd = openSync(join(this.dir, 'columns.f64'), 'w+');
    } catch (error) {
      rmSync(this.dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The directory of the file (removed by close). */
  get directory(): string {
    return this.dir;
  }

  /** Stores column j (its `rows` values). */
  write(j: number, column: Float64Array): void {
    const bytes = new Uint8Array(column.buffer, column.byteOffset, this.rows * 8);
    let done = 0;
    while (done < bytes.length) {
      done += writeSync(this.open(), bytes, done, bytes.length - done, this.at(j, 0) + done);
    }
  }

  /** Reads rows [lo, lo + into.length) of column j into `into`. */
  read(j: number, lo: number, into: Float64Array): void {
    const bytes = new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(this.open(), bytes, done, bytes.length - done, this.at(j, lo) + done);
      if (n === 0) throw new Error(`ColumnSpill: column ${j} rows from ${lo} were never written`);
      done += n;
    }
  }

  /** Closes and removes the file and its directory (again: nothing). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private open(): number {
    if (this.fd === undefined) throw new Error('ColumnSpill: used after close()');
    return this.fd;
  }

  private at(j: number, row: number): number {
    if (!(Number.isInteger(j) && j >= 0 && j < this.columns)) {
      throw new RangeError(
        `ColumnSpill: invalid column: expected 0 to ${this.columns - 1}, got ${j}`,
      );
    }
    return (j * this.rows + row) * 8;
  }
}
