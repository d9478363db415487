// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // .device, .gl and .gpu-bench: the GPU bench's git-ignored bundles for the device machine;
  // assembly/: AssemblyScript (decorators on functions, wasm types), checked by its compiler
  {
    ignores: [
      'assembly/**',
      'dist/**',
      'dist-web/**',
      'docs/api/**',
      'node_modules/**',
      '**/*.py',
      'data/**',
      '.device/**',
      '.gl/**',
      '.gpu-bench/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': ['error'],
    },
  },
  {
    // Only the CLI, examples and benchmarks talk to the terminal (STYLE.md 4).
    files: ['src/cli/**', 'examples/**', 'bench/**', 'validate/**', 'reproduce/**'],
    rules: { 'no-console': 'off' },
  },
);
