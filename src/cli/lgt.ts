#!/usr/bin/env node
/**
 * `lgt`: the lattice-gauge command line (entry point; the program is in ./program.ts).
 * Results go to stdout (`--json` for scripts), progress and errors to stderr; exit code 0
 * only on success, 2 for bad input.
 *
 * @module
 */
import { main } from './program.js';

process.exitCode = await main(process.argv.slice(2));
