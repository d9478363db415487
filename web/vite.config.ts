/**
 * The page's build: `npm run web` serves web/ with Vite's dev server, `npm run web:build`
 * writes the static site to dist-web/ (relative URLs: it can be served from any directory).
 * The page imports the library's sources through src/browser.ts only.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  publicDir: 'public',
  build: {
    outDir: fileURLToPath(new URL('../dist-web', import.meta.url)),
    emptyOutDir: true,
    // vega and vega-lite make one large chunk; that is expected
    chunkSizeWarningLimit: 2000,
  },
  worker: { format: 'es' },
  // the page imports ../src
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
});
