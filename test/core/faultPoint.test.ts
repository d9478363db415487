/**
 * The fault-point test hook (src/core/faultPoint.ts): only known names arm, so that a fault
 * test cannot pass because it armed nothing. (The kill itself is tested through the CLI in
 * test/faults/, where a process may die: every armed point there must end its run by SIGKILL.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_POINTS, armFaultPoint } from '../../src/core/faultPoint.js';

afterEach(() => armFaultPoint(undefined));

describe('armFaultPoint', () => {
  it('refuses unknown names and bad counts, listing the known names', () => {
    expect(() => armFaultPoint('atomic-write:befor-rename')).toThrow(
      /invalid LGT_TEST_KILL_AT: expected NAME or NAME@K with NAME one of atomic-write:partial, /,
    );
    expect(() => armFaultPoint('generate:flushed@0')).toThrow(RangeError);
    expect(() => armFaultPoint('generate:flushed@x')).toThrow(RangeError);
  });

  it('arms known names with or without a count, and every point is named in the table', () => {
    for (const name of Object.keys(FAULT_POINTS)) {
      expect(() => armFaultPoint(name)).not.toThrow();
      expect(() => armFaultPoint(`${name}@3`)).not.toThrow();
    }
  });
});
