/**
 * Where the compiled module of a worker thread lives. Worker threads (piscina) load
 * JavaScript: from dist/ the module sits beside its caller; when the caller runs from its
 * TypeScript source (tests under vitest) the worker comes from the build in dist/, and that
 * build must not be older than any source file, or the tests would exercise stale workers
 * while reporting on fresh sources.
 *
 * @module
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The path of the compiled worker module `name` (e.g. "sweepWorker") that sits beside the
 * module at `callerUrl` (its `import.meta.url`).
 *
 * @throws Error when the caller runs from source and the build is missing or older than a
 *   source file ("run npm run build").
 */
export function workerFile(callerUrl: string, name: string): string {
  const callerPath = fileURLToPath(callerUrl);
  const beside = join(dirname(callerPath), `${name}.js`);
  if (existsSync(beside)) return beside;
  const root = packageRoot(dirname(callerPath));
  const built = join(root, 'dist', relative(root, dirname(callerPath)), `${name}.js`);
  if (!existsSync(built)) {
    throw new Error(`worker ${name} not found at ${beside} or ${built}: run npm run build`);
  }
  const builtAt = statSync(built).mtimeMs;
  const newer = newestSource(join(root, 'src'));
  if (newer !== undefined && newer.mtimeMs > builtAt) {
    throw new Error(
      `worker ${built} is older than ${relative(root, newer.path)}: run npm run build ` +
        '(worker threads run the compiled code)',
    );
  }
  return built;
}

/** The nearest directory at or above `dir` that holds a package.json. */
function packageRoot(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) throw new Error(`no package.json above ${dir}`);
  }
}

/** The most recently modified .ts file under `dir`. */
function newestSource(dir: string): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    const mtimeMs = statSync(path).mtimeMs;
    if (newest === undefined || mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
  }
  return newest;
}
