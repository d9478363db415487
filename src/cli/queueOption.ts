/**
 * What the queue commands (`lgt scan`, `lgt worker`, `lgt status`) share: the `--queue` option
 * and opening the queue it names.
 *
 * @module
 */
import { ChainQueue, parseQueueLocation } from '../queue/chainQueue.js';
import { UserError } from './errors.js';
import { option, type OptionSpec } from './optionTable.js';
import { z } from 'zod';

/** `--queue`: where the queue lives. */
export const queueOption = (): OptionSpec<string> =>
  option(
    '--queue <where>',
    'embedded (a Postgres server of this machine in ./lgt-queue), embedded:DIR, or a ' +
      'postgres://user:password@host:port/database URL (many machines)',
    {
      schema: z
        .string()
        .min(1)
        .refine((text) => {
          try {
            parseQueueLocation(text);
            return true;
          } catch {
            return false;
          }
        }),
      expected: 'embedded, embedded:DIR or a postgres:// URL',
    },
    { default: 'embedded' },
  );

/** Opens the queue named by `--queue` (starting or joining an embedded server). */
export async function openQueue(where: string): Promise<ChainQueue> {
  let location;
  try {
    location = parseQueueLocation(where);
  } catch {
    throw new UserError(
      `invalid --queue "${where}": expected embedded, embedded:DIR or a postgres:// URL`,
    );
  }
  return ChainQueue.open(location);
}

/** Seconds as `1h02m`, `3m05s` or `12s`, for progress lines. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '-';
  const s = Math.round(seconds);
  if (s >= 3600)
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}
