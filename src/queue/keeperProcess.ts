/**
 * Entry point of the keeper process of an embedded Postgres server (./serverKeeper.ts):
 * `node keeperProcess.js DIRECTORY`, started detached by ./embeddedServer.ts with its output
 * going to `DIRECTORY/server.log`.
 *
 * @module
 */
import { runKeeper } from './serverKeeper.js';

const directory = process.argv[2];
try {
  await runKeeper(directory, { log: (line) => process.stdout.write(`${line}\n`) });
  process.exitCode = 0;
} catch (error) {
  process.stderr.write(`keeper: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
