/**
 * The browser entry point (src/browser.ts, `lattice-gauge/browser`) and the web page (web/)
 * reach no Node module: the import graph of their sources, followed through every relative
 * import and re-export (dynamic imports too; type-only imports are erased and skipped), names
 * no `node:` module and no package but the browser-safe ones (vega, vega-lite).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Packages a browser entry may import (isomorphic JavaScript, bundled by Vite). */
const BROWSER_PACKAGES = new Set(['vega', 'vega-lite']);

/** Every `import ... from 'x'`, `export ... from 'x'`, `import 'x'` and `import('x')`. */
const IMPORT =
  /(?:^|[;\s])(import|export)(\s+type)?\s*(?:[\w*{}\s,$]*?\sfrom\s*)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** A relative specifier of a TypeScript source: `./x.js` is the file `./x.ts`. */
function sourceFile(from: string, specifier: string): string {
  const target = resolve(dirname(from), specifier);
  for (const candidate of [target, target.replace(/\.js$/, '.ts'), `${target}.ts`]) {
    if (existsSync(candidate) && candidate.match(/\.[cm]?[jt]s$/)) return candidate;
  }
  throw new Error(`${relative(root, from)}: cannot resolve ${specifier}`);
}

/** The bare (non-relative) specifiers reached from `entry`, each with the chain that reaches it. */
function bareImports(entry: string): { files: number; bare: Map<string, string[]> } {
  const bare = new Map<string, string[]>();
  const seen = new Set<string>();
  const stack: Array<[string, string[]]> = [[resolve(root, entry), []]];
  while (stack.length > 0) {
    const [file, chain] = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const path = [...chain, relative(root, file)];
    // comments out, so that an import in a doc comment is not followed
    const text = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    for (const m of text.matchAll(IMPORT)) {
      if (m[2] !== undefined) continue; // import type / export type: erased
      const specifier = m[3] ?? m[4];
      if (specifier.startsWith('.')) stack.push([sourceFile(file, specifier), path]);
      else if (!bare.has(specifier)) bare.set(specifier, path);
    }
  }
  return { files: seen.size, bare };
}

function forbidden(entry: string): string[] {
  const { bare } = bareImports(entry);
  return [...bare]
    .filter(([specifier]) => !BROWSER_PACKAGES.has(specifier))
    .map(([specifier, chain]) => `${specifier} <- ${chain.join(' <- ')}`);
}

describe('the browser entry points', () => {
  it('src/browser.ts reaches no node: module and no Node-only package', () => {
    const { files, bare } = bareImports('src/browser.ts');
    expect(files).toBeGreaterThan(60); // the walk follows the re-exports
    expect([...bare.keys()].sort()).toEqual(['vega', 'vega-lite']);
    expect(forbidden('src/browser.ts')).toEqual([]);
  });

  it('the web page reaches only src/browser.ts and the browser packages', () => {
    for (const entry of ['web/main.ts', 'web/analysisWorker.ts']) {
      expect(forbidden(entry)).toEqual([]);
    }
  });

  it('would catch a Node import: the Node entry of the Monte Carlo reaches piscina and node:fs', () => {
    const found = forbidden('src/montecarlo/index.ts').map((line) => line.split(' <- ')[0]);
    expect(found).toContain('piscina');
    expect(found).toContain('node:fs');
    expect(found).toContain('webgpu');
  });
});
