/**
 * Room to grow a file (src/core/fileRoom.ts): refused, naming the file and the numbers, when
 * the file system has less space than asked; the file is left exactly as it was either way.
 * (The file-size limit, `ulimit -f`, is tested through the CLI in test/faults/generate.test.ts.)
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRoom } from '../../src/core/fileRoom.js';

describe('checkRoom', () => {
  it('passes for a few bytes and leaves the file as it was', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lgt-room-')), 'f.bin');
    writeFileSync(path, 'abc');
    checkRoom('test', path, 1 << 20);
    expect(readFileSync(path, 'utf8')).toBe('abc');
  });

  it('refuses more than the file system holds, naming the file and what is left', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lgt-room-')), 'f.bin');
    writeFileSync(path, 'abc');
    expect(() => checkRoom('test', path, 2 ** 60)).toThrow(
      new RegExp(
        `^test: ${path}: no room for \\d+\\.\\d MiB more: its file system has \\d+\\.\\d MiB left \\(ENOSPC\\)$`,
      ),
    );
    expect(readFileSync(path, 'utf8')).toBe('abc');
  });
});
