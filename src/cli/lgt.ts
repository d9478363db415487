#!/usr/bin/env node
/**
 * `lgt`: the lattice-gauge command line (entry point; the program is in ./program.ts).
 * Results go to stdout (`--json` for scripts), progress and errors to stderr; exit code 0
 * only on success, 2 for bad input, 141 when the reader of stdout has gone (./closedPipe.ts).
 *
 * @module
 */
import { armFaultPoint } from '../core/faultPoint.js';
import { handleClosedPipes } from './closedPipe.js';
import { main } from './program.js';

// TEST HOOK (src/core/faultPoint.ts): the fault-injection tests set LGT_TEST_KILL_AT to make
// this process kill itself at a named point of its write paths; unset, nothing is armed.
armFaultPoint(process.env.LGT_TEST_KILL_AT);
handleClosedPipes();
process.exitCode = await main(process.argv.slice(2));
