/**
 * The worker-file lookup: beside the caller when it runs from dist/, the build in dist/ when
 * it runs from source, and an error (never a stale worker) when that build is older than a
 * source file.
 */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workerFile } from '../../src/core/workerFile.js';

/** A package with src/pool/caller.ts and, optionally, dist/src/pool/job.js built at `builtAt`. */
function project(builtAt?: Date): { root: string; caller: string } {
  const root = mkdtempSync(join(tmpdir(), 'lg-worker-'));
  writeFileSync(join(root, 'package.json'), '{}');
  mkdirSync(join(root, 'src', 'pool'), { recursive: true });
  const caller = join(root, 'src', 'pool', 'caller.ts');
  writeFileSync(caller, '');
  const sourcesAt = new Date(2026, 0, 1, 12);
  utimesSync(caller, sourcesAt, sourcesAt);
  if (builtAt !== undefined) {
    mkdirSync(join(root, 'dist', 'src', 'pool'), { recursive: true });
    const built = join(root, 'dist', 'src', 'pool', 'job.js');
    writeFileSync(built, '');
    utimesSync(built, builtAt, builtAt);
  }
  return { root, caller: pathToFileURL(caller).href };
}

describe('workerFile', () => {
  it('finds the compiled worker beside a compiled caller', () => {
    const { root } = project(new Date(2026, 0, 2));
    const caller = pathToFileURL(join(root, 'dist', 'src', 'pool', 'caller.js')).href;
    expect(workerFile(caller, 'job')).toBe(join(root, 'dist', 'src', 'pool', 'job.js'));
  });

  it('takes the build in dist/ for a caller running from source, when it is up to date', () => {
    const { root, caller } = project(new Date(2026, 0, 2));
    expect(workerFile(caller, 'job')).toBe(join(root, 'dist', 'src', 'pool', 'job.js'));
  });

  it('refuses a build older than a source file, naming both', () => {
    const { caller } = project(new Date(2025, 11, 31));
    expect(() => workerFile(caller, 'job')).toThrow(
      /dist\/src\/pool\/job\.js is older than src\/pool\/caller\.ts: run npm run build/,
    );
  });

  it('says how to build when there is no build', () => {
    const { caller } = project();
    expect(() => workerFile(caller, 'job')).toThrow(/worker job not found .* run npm run build/);
  });
});
