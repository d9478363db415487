/**
 * Node's built-in modules for code that also runs in a browser: `process.getBuiltinModule`
 * (Node >= 20.16) hands a built-in over at run time without an `import` of it, so a module
 * that merely prefers a Node built-in (zlib's native CRC-32, the host name for a file header)
 * stays loadable in a page, where this returns undefined and the caller takes its portable
 * path. Code that needs Node (files, threads) imports `node:` modules as usual and is kept
 * out of the browser entry (src/browser.ts).
 *
 * @module
 */

/** The built-in module `id` (e.g. `node:zlib`) in Node, undefined elsewhere. */
export function nodeBuiltin<T>(id: `node:${string}`): T | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process;
  return process?.getBuiltinModule?.(id) as T | undefined;
}
