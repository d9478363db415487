/**
 * What the fault-injection tests of `lgt flow` look at: how far a run is (its checkpoint's
 * count of flowed configurations), and the bit-for-bit comparison of two flow files: every
 * dataset as 64-bit words, and the metadata (a flow file records no times or hosts).
 */
import { readFileSync } from 'node:fs';
import { openFlowFile } from '../../src/io/flowFile.js';

/** Configurations the checkpoint of `output` says were flowed (-1 without one). */
export function flowedInCheckpoint(output: string): number {
  try {
    const header = readFileSync(`${output}.checkpoint`, 'utf8').split('\n')[1];
    return (JSON.parse(header) as { done: number }).done;
  } catch {
    return -1;
  }
}

/** The first difference between two flow files, or undefined when they are the same. */
export async function flowDifference(a: string, b: string): Promise<string | undefined> {
  const [x, y] = [await openFlowFile(a), await openFlowFile(b)];
  const json = (v: unknown): string => JSON.stringify(v);
  if (json(x.metadata) !== json(y.metadata)) {
    return `metadata ${json(x.metadata)} != ${json(y.metadata)}`;
  }
  if (x.count !== y.count) return `count ${x.count} != ${y.count}`;
  const words = (v: Float64Array): BigUint64Array =>
    new BigUint64Array(v.buffer, v.byteOffset, v.length);
  const sameBits = (p: Float64Array, q: Float64Array): boolean => {
    if (p.length !== q.length) return false;
    const [u, w] = [words(p), words(q)];
    for (let k = 0; k < u.length; k++) if (u[k] !== w[k]) return false;
    return true;
  };
  for (const key of ['times', 'index', 'beta', 'sweep', 'steps', 'rejected'] as const) {
    if (!sameBits(x[key], y[key])) return `/${key} differs`;
  }
  const names = Object.keys(x.observables);
  if (json(names) !== json(Object.keys(y.observables))) return 'observable names differ';
  for (const name of names) {
    if (!sameBits(x.observables[name], y.observables[name])) {
      return `/observables/${name} differs`;
    }
  }
  return undefined;
}
