/**
 * A headless Chromium for the tests, driven by playwright-core, with nothing installed by hand.
 *
 * Which browser: the executable named by `CHROMIUM_PATH` when that is set; else Debian's
 * /usr/bin/chromium when present; else the Chromium that the devDependency
 * `@sparticuz/chromium` ships inside its npm tarball (a brotli-compressed headless shell with
 * SwiftShader's Vulkan and GL libraries beside it), unpacked on first use. Its own
 * `executablePath()` unpacks into `os.tmpdir()`, non-atomically and without a version in the
 * name; here it unpacks into a fresh directory that is then renamed, whole, to
 * `node_modules/.cache/lattice-gauge/chromium-<version>`. So an interrupted first run never
 * leaves a half-written browser behind, parallel test files that both unpack keep one copy,
 * and an update of the package unpacks its own version.
 *
 * @module
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium, used when present. */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/**
 * Flags for tests in a closed network: no sandbox (CI runs as root), no background
 * connections of the browser's own.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A Chromium executable and where it came from. */
export interface ChromiumExecutable {
  /** The executable. */
  path: string;
  /** `CHROMIUM_PATH`, `system` or `@sparticuz/chromium <version>`. */
  source: string;
}

/** The bundled Chromium's directory under node_modules/.cache, and the package's version. */
function bundledLocation(): { packageDir: string; version: string; cacheDir: string } {
  // build/cjs/index.cjs -> the package directory -> node_modules
  const main = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  const packageDir = dirname(dirname(dirname(main)));
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const nodeModules = dirname(dirname(packageDir));
  return { packageDir, version, cacheDir: join(nodeModules, '.cache', 'lattice-gauge') };
}

/** Unpacks @sparticuz/chromium once per version (about 3 s) and returns its executable. */
async function bundledChromium(): Promise<ChromiumExecutable> {
  const { version, cacheDir } = bundledLocation();
  const source = `@sparticuz/chromium ${version}`;
  const target = join(cacheDir, `chromium-${version}`);
  const executable = join(target, 'chromium');
  if (existsSync(executable)) return { path: executable, source };

  mkdirSync(cacheDir, { recursive: true });
  const staging = mkdtempSync(join(cacheDir, `chromium-${version}.unpacking-`));
  try {
    const Chromium = (await import('@sparticuz/chromium')).default;
    // executablePath() reads os.tmpdir(), i.e. TMPDIR, synchronously before its first await:
    // pointed at the staging directory for that call only.
    const saved = process.env.TMPDIR;
    let unpacking: Promise<string>;
    process.env.TMPDIR = staging;
    try {
      unpacking = Chromium.executablePath();
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    const unpacked = await unpacking;
    if (unpacked !== join(staging, 'chromium')) {
      throw new Error(
        `${source} unpacked its browser to ${unpacked}, not into ${staging}: ` +
          'test/browser.ts needs updating for this version',
      );
    }
    try {
      renameSync(staging, target);
    } catch (error) {
      // Another test process renamed its copy first: use that one.
      if (!existsSync(executable)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { path: executable, source };
}

/**
 * The Chromium to test with: `CHROMIUM_PATH`, else /usr/bin/chromium, else the bundled one.
 *
 * @throws Error when `CHROMIUM_PATH` names no file.
 */
export async function chromiumExecutable(): Promise<ChromiumExecutable> {
  const fromEnvironment = process.env.CHROMIUM_PATH;
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    if (!existsSync(fromEnvironment)) {
      throw new Error(`CHROMIUM_PATH=${fromEnvironment}: no such file`);
    }
    return { path: fromEnvironment, source: 'CHROMIUM_PATH' };
  }
  if (existsSync(SYSTEM_CHROMIUM)) return { path: SYSTEM_CHROMIUM, source: 'system' };
  return bundledChromium();
}

/**
 * Launches a headless Chromium (see {@link chromiumExecutable}) with {@link CHROMIUM_ARGS}
 * and `args` (e.g. WebGPU's `--enable-unsafe-webgpu --enable-features=Vulkan
 * --use-vulkan=swiftshader --use-webgpu-adapter=swiftshader`).
 */
export async function launchChromium(args: readonly string[] = []): Promise<Browser> {
  const { path } = await chromiumExecutable();
  return chromium.launch({ executablePath: path, args: [...CHROMIUM_ARGS, ...args] });
}
