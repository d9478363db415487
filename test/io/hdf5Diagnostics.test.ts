/**
 * The file that takes HDF5's error stacks (src/io/hdf5.ts): every thread's h5wasm module gets
 * one of its own. Worker threads share the process id and may load h5wasm in the same
 * millisecond; a path of pid and time once made two training workers open and unlink the same
 * file, and the second unlink failed with ENOENT.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hdf5DiagnosticsPath } from '../../src/io/hdf5.js';

describe('the HDF5 diagnostics file', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('has a path of its own on every call, even within one millisecond of one process', () => {
    vi.useFakeTimers({ now: 1_796_426_258_835 }); // Date.now() stands still
    const paths = Array.from({ length: 8 }, () => hdf5DiagnosticsPath());
    expect(new Set(paths).size).toBe(paths.length);
    for (const p of paths) expect(p).toContain(`lattice-gauge-hdf5-${process.pid}-`);
  });
});
