/**
 * `lgt status`: per scan in the queue, its chains queued, running, done and failed, the
 * Monte Carlo steps done, the current rate and the time left; the running chains with their
 * workers, and the failed ones with their errors. `--json` for scripts.
 *
 * @module
 */
import type { Command } from 'commander';
import { scanStatus, type ScanStatus } from '../../queue/status.js';
import { addOptions, jsonOption, option, readOptions, rules } from '../optionTable.js';
import { formatDuration, openQueue, queueOption } from '../queueOption.js';

/** The options of `lgt status`. */
const statusOptions = {
  queue: queueOption(),
  scan: option(
    '--scan <id|name>',
    'only this scan (its id or its name)',
    rules.optional(rules.text('a scan id or name')),
  ),
  json: jsonOption(
    'print JSON: {"scans": [{"id", "name", "jobs", "queued", "active", "done", "failed", ...}]}',
  ),
};

function table(scans: ScanStatus[]): string {
  if (scans.length === 0) return 'no scans in the queue';
  const lines: string[] = [];
  const header = [
    'scan',
    'chains',
    'queued',
    'running',
    'done',
    'failed',
    'steps',
    'steps/s',
    'ETA',
  ];
  const rows = scans.map((s) => [
    `${s.name} (${s.id})`,
    String(s.jobs),
    String(s.queued),
    String(s.active),
    String(s.done),
    String(s.failed),
    `${s.steps > 0 ? ((100 * s.stepsDone) / s.steps).toFixed(1) : '100.0'}%`,
    s.rate.toFixed(1),
    formatDuration(s.eta),
  ]);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const format = (r: string[]): string =>
    r.map((c, k) => (k === 0 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join('  ');
  lines.push(format(header), ...rows.map(format));
  for (const s of scans) {
    for (const r of s.running) {
      lines.push(
        `  ${s.name} point ${r.point} chain ${r.chain}: ${r.done}/${r.total} steps, ` +
          `${r.rate.toFixed(1)} steps/s${r.worker !== null ? ` on ${r.worker}` : ''}`,
      );
    }
    for (const f of s.failures) {
      lines.push(`  ${s.name} point ${f.point} chain ${f.chain} failed: ${f.message}`);
    }
  }
  return lines.join('\n');
}

/** Registers `lgt status`. */
export function registerStatus(program: Command): void {
  const command = program
    .command('status')
    .description('the scans in the queue: chains queued, running, done, failed; rate and ETA');
  addOptions(command, statusOptions).action(async function (this: Command) {
    const o = readOptions(this, statusOptions);
    const queue = await openQueue(o.queue);
    try {
      let scans = scanStatus(await queue.scans(), await queue.jobs());
      if (o.scan !== undefined) scans = scans.filter((s) => s.id === o.scan || s.name === o.scan);
      process.stdout.write(o.json ? `${JSON.stringify({ scans })}\n` : `${table(scans)}\n`);
    } finally {
      await queue.close();
    }
  });
}
