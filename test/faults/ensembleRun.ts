/**
 * What the fault-injection tests of `lgt generate` look at: how far a run is (its checkpoint's
 * count of saved configurations), and the bit-for-bit comparison of two ensemble files: the
 * links of every configuration (as 64-bit words), `/beta`, `/sweep`, every observable, the
 * identifying metadata and the chains' diagnostics. The provenance (times, hosts, resumes) may
 * differ.
 */
import { readFileSync } from 'node:fs';
import { openEnsemble } from '../../src/io/ensembleReader.js';

/** Configurations the checkpoint of `output` says were saved (-1 without one): its header line. */
export function savedInCheckpoint(output: string): number {
  try {
    const header = readFileSync(`${output}.checkpoint`, 'latin1').split('\n')[1];
    return (JSON.parse(header) as { configsWritten: number }).configsWritten;
  } catch {
    return -1;
  }
}

/** The first difference between two ensembles, or undefined when they are the same. */
export async function ensembleDifference(a: string, b: string): Promise<string | undefined> {
  const x = await openEnsemble(a);
  const y = await openEnsemble(b);
  try {
    if (x.count !== y.count) return `count ${x.count} != ${y.count}`;
    const json = (v: unknown): string => JSON.stringify(v);
    if (json(x.metadata) !== json(y.metadata)) {
      return `metadata ${json(x.metadata)} != ${json(y.metadata)}`;
    }
    if (json(x.diagnostics) !== json(y.diagnostics)) return 'diagnostics differ';
    const words = (v: Float64Array): BigUint64Array =>
      new BigUint64Array(v.buffer, v.byteOffset, v.length);
    const sameBits = (p: Float64Array, q: Float64Array): boolean => {
      if (p.length !== q.length) return false;
      const [u, w] = [words(p), words(q)];
      for (let k = 0; k < u.length; k++) if (u[k] !== w[k]) return false;
      return true;
    };
    if (!sameBits(x.beta, y.beta)) return '/beta differs';
    if (!sameBits(x.sweep, y.sweep)) return '/sweep differs';
    const names = Object.keys(x.observables);
    if (json(names) !== json(Object.keys(y.observables))) return 'observable names differ';
    for (const name of names) {
      if (!sameBits(x.observables[name], y.observables[name]))
        return `/observables/${name} differs`;
    }
    for (let i = 0; i < x.count; i++) {
      const options = { unitarityTolerance: Infinity };
      if (!sameBits(x.configuration(i, options).links, y.configuration(i, options).links)) {
        return `/links[${i}] differs`;
      }
    }
    return undefined;
  } finally {
    x.close();
    y.close();
  }
}
