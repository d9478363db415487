/**
 * A reader that stops early (`lgt info run.h5 | head -1`): `lgt` ends as a Unix tool killed
 * by SIGPIPE would, status 141 and no stack trace, when its stdout is closed; with its stderr
 * closed it drops the progress and finishes the run. The real CLI in child processes, the
 * pipe closed by the parent before the child writes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLOSED_PIPE_STATUS } from '../../src/cli/closedPipe.js';
import { LGT, runLgt } from '../cliProcess.js';

/** Runs `lgt args...` with one of its output pipes closed at once; the other is collected. */
function runWithClosed(
  closed: 'stdout' | 'stderr',
  args: string[],
): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LGT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child[closed].destroy();
    const open = closed === 'stdout' ? child.stderr : child.stdout;
    let output = '';
    open.setEncoding('utf8');
    open.on('data', (text: string) => (output += text));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

describe('lgt with a closed pipe', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lgt-pipe-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ensemble = join(dir, 'small.h5');
  const generate = ['generate', '--dims', '4,4', '-n', '3', '--thermalization', '2'];

  it('exits 141 without a word when nobody reads its results (help, info --json)', async () => {
    expect(runLgt([...generate, '-o', ensemble, '--no-progress']).status).toBe(0);
    for (const args of [['generate', '--help'], ['--help'], ['info', ensemble, '--json']]) {
      const run = await runWithClosed('stdout', args);
      expect(run.output, args.join(' ')).toBe('');
      expect(run.status, args.join(' ')).toBe(CLOSED_PIPE_STATUS);
    }
  });

  it('finishes a run whose messages nobody reads', async () => {
    // without --json the summary goes to stderr (checked below), with it the results to stdout
    const watched = runLgt([...generate, '-o', join(dir, 'watched.h5')]);
    expect(watched.status).toBe(0);
    expect(watched.stderr).toContain('wrote 3 configurations');
    const output = join(dir, 'unwatched.h5');
    const run = await runWithClosed('stderr', [...generate, '-o', output]);
    expect(run.status).toBe(0);
    expect(existsSync(output)).toBe(true);
    const json = await runWithClosed('stderr', [...generate, '-o', output, '--force', '--json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.output)).toMatchObject({ output, configurations: 3 });
  });
});
