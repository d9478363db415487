// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'docs/api/**', 'node_modules/**', '**/*.py', 'data/**'] },
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
