/**
 * The package version, for `--version` and the metadata of files we write.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The version in the nearest package.json above this file (works from src and dist). */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) return String(JSON.parse(readFileSync(candidate, 'utf8')).version);
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
