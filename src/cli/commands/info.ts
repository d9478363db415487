/**
 * `lgt info FILE`: what a configuration or ensemble file holds and whether it is sound. The
 * format is recognised by content (HDF5 signature, LIME magic number, NERSC `BEGIN_HEADER`).
 * Prints the header (NERSC), the records (ILDG) or the metadata (HDF5 ensemble), then every
 * check: checksums, SU(N) links, plaquette and link trace against the stated values.
 *
 * Exit codes: 0 when every check passes; 1 when a check fails (the message names the field
 * and both values); 2 when the file cannot be used at all (missing, unknown format,
 * truncated, a header that does not describe its payload).
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { averagePlaquette } from '../../lattice/observables/plaquette.js';
import {
  DEFAULT_UNITARITY_TOLERANCE,
  checkSpecialUnitary,
  compareValue,
  firstFailure,
  linkTrace,
  type ConfigurationCheck,
} from '../../io/configurationChecks.js';
import { detectConfigurationFormat } from '../../io/configurationFormat.js';
import { openEnsemble } from '../../io/ensembleReader.js';
import { decodeIldg } from '../../io/ildg.js';
import { decodeNersc } from '../../io/nersc.js';
import { UserError } from '../errors.js';
import { addOptions, jsonOption, option, readOptions, rules } from '../optionTable.js';

/** Tolerance of the recorded-plaquette check of ensembles (both computed in float64). */
const ENSEMBLE_PLAQUETTE_TOLERANCE = 1e-10;

/** The options of `lgt info`. */
const infoOptions = {
  index: option(
    '-i, --index <i>',
    'HDF5 ensemble: check configuration i only (default: all)',
    rules.optional(rules.integer(0)),
  ),
  unitarityTolerance: option(
    '--unitarity-tolerance <x>',
    'largest accepted |U U^dagger - 1| and |det U - 1|',
    rules.positive(),
    { default: DEFAULT_UNITARITY_TOLERANCE.toExponential() },
  ),
  json: jsonOption('print the report as JSON'),
};

/** The report of one file: the JSON printed by `--json`, keys in this order. */
interface InfoReport {
  file: string;
  format: 'nersc' | 'ildg' | 'hdf5';
  ok: boolean;
  N: number;
  dims: number[];
  precision: number;
  plaquette: number | null;
  linkTrace: number | null;
  nersc?: {
    dataType: string;
    floatingPoint: string;
    byteOrder: string;
    storedRows: number;
    header: Record<string, string>;
  };
  ildg?: {
    field: string;
    lfn: string | null;
    info: string | null;
    records: Array<{ type: string; length: number; messageBegin: boolean; messageEnd: boolean }>;
  };
  hdf5?: {
    count: number;
    metadata: Record<string, unknown>;
    observables: string[];
    checked: number[];
  };
  checks: ConfigurationCheck[];
}

async function inspect(
  file: string,
  index: number | undefined,
  unitarityTolerance: number,
): Promise<InfoReport> {
  const format = await detectConfigurationFormat(file);
  if (format === undefined) {
    throw new UserError(
      `${file}: unknown format: neither an HDF5 ensemble, an ILDG/LIME file nor a NERSC file ` +
        '(the first line of a NERSC file is BEGIN_HEADER)',
    );
  }
  if (format !== 'hdf5' && index !== undefined) {
    throw new UserError(
      `invalid --index ${index}: only an HDF5 ensemble holds several configurations`,
    );
  }
  if (format === 'nersc' || format === 'ildg') {
    const bytes = new Uint8Array(await readFile(file));
    const options = { verify: false, unitarityTolerance };
    const read =
      format === 'nersc'
        ? decodeNersc(bytes, file, options, 'info')
        : decodeIldg(bytes, file, options, 'info');
    const field = read.field;
    const finite = field.links.every(Number.isFinite);
    const common = {
      file,
      format,
      ok: firstFailure(read.checks) === undefined,
      N: field.N,
      dims: [...field.lattice.dims],
      precision: read.precision,
      plaquette: finite ? averagePlaquette(field) : null,
      linkTrace: finite ? linkTrace(field) : null,
    };
    const report: InfoReport =
      'dataType' in read
        ? {
            ...common,
            nersc: {
              dataType: read.dataType,
              floatingPoint: read.floatingPoint,
              byteOrder: read.byteOrder,
              storedRows: read.storedRows,
              header: read.header,
            },
            checks: read.checks,
          }
        : {
            ...common,
            ildg: {
              field: read.fieldType,
              lfn: read.lfn ?? null,
              info: read.info ?? null,
              records: read.records,
            },
            checks: read.checks,
          };
    return report;
  }
  const ensemble = await openEnsemble(file);
  try {
    const count = ensemble.count;
    if (index !== undefined && index >= count) {
      throw new UserError(
        `invalid --index ${index}: expected an integer in [0, ${count - 1}] ` +
          `(${file} holds ${count} configurations)`,
      );
    }
    const indices = index !== undefined ? [index] : Array.from({ length: count }, (_, i) => i);
    const checks: ConfigurationCheck[] = [];
    const recorded = ensemble.observables.plaquette;
    let plaquette: number | null = null;
    let trace: number | null = null;
    for (const i of indices) {
      const field = ensemble.configuration(i, { unitarityTolerance: Infinity });
      const su = checkSpecialUnitary(field, unitarityTolerance);
      checks.push({
        ...su,
        name: `configuration ${i}: ${su.name}`,
        message: `configuration ${i}: ${su.message}`,
      });
      const p = averagePlaquette(field);
      if (indices.length === 1) {
        plaquette = p;
        trace = linkTrace(field);
      }
      if (recorded !== undefined) {
        const name = `configuration ${i}: /observables/plaquette`;
        checks.push(compareValue(name, recorded[i], p, ENSEMBLE_PLAQUETTE_TOLERANCE, 'recorded'));
      }
    }
    return {
      file,
      format,
      ok: firstFailure(checks) === undefined,
      N: ensemble.metadata.N,
      dims: [...ensemble.metadata.dims],
      precision: 64,
      plaquette,
      linkTrace: trace,
      hdf5: {
        count,
        metadata: ensemble.metadata,
        observables: Object.keys(ensemble.observables),
        checked: indices,
      },
      checks,
    };
  } finally {
    ensemble.close();
  }
}

function formatReport(r: InfoReport): string {
  const lines: string[] = [];
  const lattice = `lattice ${r.dims.join('x')}, SU(${r.N})`;
  if (r.nersc) {
    const n = r.nersc;
    lines.push(
      `${r.file}: NERSC, DATATYPE ${n.dataType}, FLOATING_POINT ${n.floatingPoint} ` +
        `(${r.precision}-bit ${n.byteOrder}-endian, ${n.storedRows} rows per link stored)`,
      lattice,
      'header:',
    );
    for (const [key, value] of Object.entries(n.header)) lines.push(`  ${key} = ${value}`);
  } else if (r.ildg) {
    const g = r.ildg;
    lines.push(
      `${r.file}: ILDG/LIME, field ${g.field}, precision ${r.precision}`,
      lattice,
      `lfn: ${g.lfn ?? '(no ildg-data-lfn record)'}`,
      'records:',
    );
    for (const rec of g.records) {
      const flags = `${rec.messageBegin ? 'MB' : '  '} ${rec.messageEnd ? 'ME' : '  '}`;
      lines.push(`  ${flags}  ${rec.type.padEnd(26)} ${rec.length} bytes`);
    }
  } else if (r.hdf5) {
    const h = r.hdf5;
    lines.push(
      `${r.file}: HDF5 ensemble, ${h.count} configuration${h.count === 1 ? '' : 's'}`,
      lattice,
      `observables: ${h.observables.length > 0 ? h.observables.join(', ') : '(none)'}`,
      'metadata:',
    );
    for (const [key, value] of Object.entries(h.metadata)) {
      lines.push(`  ${key} = ${JSON.stringify(value)}`);
    }
  }
  if (r.plaquette !== null) lines.push(`plaquette ${r.plaquette}, link trace ${r.linkTrace}`);
  lines.push('checks:');
  for (const c of r.checks) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.message}`);
  const failed = r.checks.filter((c) => !c.ok).length;
  lines.push(
    failed === 0
      ? `all ${r.checks.length} checks passed`
      : `${failed} of ${r.checks.length} checks failed`,
  );
  return lines.join('\n');
}

/** Registers `lgt info`. */
export function registerInfo(program: Command): void {
  const command = program
    .command('info')
    .description(
      'print what a NERSC, ILDG or HDF5 file holds and check its checksums, links and plaquette',
    )
    .argument('<file>', 'a NERSC or ILDG/LIME configuration, or an HDF5 ensemble');
  addOptions(command, infoOptions).action(async function (this: Command, file: string) {
    const o = readOptions(this, infoOptions);
    const report = await inspect(file, o.index, o.unitarityTolerance);
    process.stdout.write(
      o.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`,
    );
    const failure = firstFailure(report.checks);
    if (failure) {
      process.stderr.write(`lgt: ${file}: ${failure.message}\n`);
      process.exitCode = 1;
    }
  });
}
