/**
 * `lgt convert IN... OUT`: moves configurations between NERSC, ILDG/LIME and our HDF5
 * ensembles.
 *
 * - one configuration of an ensemble (`--index i`, default 0) into a NERSC or ILDG file;
 * - NERSC/ILDG files into one HDF5 ensemble (all on the same lattice and group; `/beta` from
 *   `--beta` or the files' `BETA` header key, `/sweep` from SEQUENCE_NUMBER or the position,
 *   and the plaquette and link trace as observables);
 * - a NERSC or ILDG file into the other format (or the same, e.g. to change the precision).
 *
 * The input formats are recognised by content; the output format comes from `--format` or the
 * extension (`.h5`/`.hdf5`: hdf5, `.lime`/`.ildg`: ildg, anything else: nersc). Every input is
 * checked as it is read (checksums, SU(N), plaquette). The output is written atomically and
 * an existing file is replaced only with `--force`.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import type { GaugeField } from '../../lattice/gaugeField.js';
import { linkTrace } from '../../io/configurationChecks.js';
import {
  detectConfigurationFormat,
  type ConfigurationFormat,
} from '../../io/configurationFormat.js';
import { EnsembleWriter } from '../../io/ensembleWriter.js';
import { openEnsemble } from '../../io/ensembleReader.js';
import { readIldg, writeIldg } from '../../io/ildg.js';
import { readNersc, writeNersc, type ExpectedConfiguration } from '../../io/nersc.js';
import { averagePlaquette } from '../../lattice/observables/plaquette.js';
import { UserError } from '../errors.js';
import { addOptions, forceOption, jsonOption, option, readOptions, rules } from '../optionTable.js';

type OutputFormat = 'nersc' | 'nersc-2row' | 'ildg' | 'hdf5';

/** The options of `lgt convert`. */
const convertOptions = {
  format: option(
    '-f, --format <name>',
    'output format: nersc | nersc-2row | ildg | hdf5 (default: from the extension: ' +
      '.h5/.hdf5 hdf5, .lime/.ildg ildg, else nersc)',
    rules.optional(rules.choice(['nersc', 'nersc-2row', 'ildg', 'hdf5'])),
  ),
  precision: option('-p, --precision <bits>', 'NERSC/ILDG output: 64 (default) or 32', {
    schema: z.coerce
      .number()
      .pipe(z.union([z.literal(64), z.literal(32)]))
      .optional(),
    expected: '64 or 32',
  }),
  index: option(
    '-i, --index <i>',
    'HDF5 input: the configuration to extract (default 0)',
    rules.optional(rules.integer(0)),
  ),
  beta: option(
    '-b, --beta <beta>',
    'HDF5 output: the coupling of the configurations',
    rules.optional(rules.number()),
  ),
  force: forceOption(),
  json: jsonOption(),
};

/** The output format from the extension: .h5/.hdf5 -> hdf5, .lime/.ildg -> ildg, else nersc. */
function formatFromExtension(path: string): OutputFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.h5' || ext === '.hdf5') return 'hdf5';
  if (ext === '.lime' || ext === '.ildg') return 'ildg';
  return 'nersc';
}

/** One configuration read from a NERSC or ILDG file. */
interface Loaded {
  field: GaugeField;
  format: 'nersc' | 'ildg';
  header?: Record<string, string>;
  lfn?: string;
  info?: string;
}

async function loadSingle(
  path: string,
  format: ConfigurationFormat,
  expect?: ExpectedConfiguration,
): Promise<Loaded> {
  if (format === 'nersc') {
    const r = await readNersc(path, { expect });
    return { field: r.field, format, header: r.header };
  }
  const r = await readIldg(path, { expect });
  return { field: r.field, format: 'ildg', lfn: r.lfn, info: r.info };
}

/** The BETA of a NERSC header (any letter case), when it is a number. */
function headerBeta(header: Record<string, string> | undefined): number | undefined {
  if (header === undefined) return undefined;
  const key = Object.keys(header).find((k) => k.toUpperCase() === 'BETA');
  const beta = key === undefined ? NaN : Number(header[key]);
  return Number.isFinite(beta) && header[key as string] !== '' ? beta : undefined;
}

async function writeSingle(
  output: string,
  field: GaugeField,
  format: Exclude<OutputFormat, 'hdf5'>,
  precision: 32 | 64,
  force: boolean,
  header: Record<string, string | number>,
  ildg: { lfn?: string; info?: string },
): Promise<void> {
  if (format === 'ildg') {
    await writeIldg(output, field, { precision, force, lfn: ildg.lfn, info: ildg.info });
  } else {
    await writeNersc(output, field, { precision, force, twoRow: format === 'nersc-2row', header });
  }
}

/** Registers `lgt convert`. */
export function registerConvert(program: Command): void {
  const command = program
    .command('convert')
    .description(
      'convert between NERSC, ILDG/LIME and HDF5 ensembles: one configuration out of an ' +
        'ensemble, or configurations into one',
    )
    .argument('<files...>', 'input file(s), then the output file');
  addOptions(command, convertOptions).action(async function (this: Command, files: string[]) {
    const o = readOptions(this, convertOptions);
    if (files.length < 2) {
      throw new UserError('lgt convert needs an input file and an output file: lgt convert IN OUT');
    }
    const inputs = files.slice(0, -1);
    const output = files[files.length - 1];
    const format: OutputFormat = o.format ?? formatFromExtension(output);
    if (!existsSync(dirname(resolve(output)))) {
      throw new UserError(`${output}: the directory ${dirname(output)} does not exist`);
    }
    if (!o.force && existsSync(output)) {
      throw new UserError(`${output} already exists; pass --force to replace it`);
    }
    const formats: ConfigurationFormat[] = [];
    for (const input of inputs) {
      const f = await detectConfigurationFormat(input);
      if (f === undefined) {
        throw new UserError(
          `${input}: unknown format: neither an HDF5 ensemble, an ILDG/LIME file nor a ` +
            'NERSC file',
        );
      }
      formats.push(f);
    }
    let summary: Record<string, unknown>;
    if (format === 'hdf5') {
      if (o.precision !== undefined) {
        throw new UserError(`invalid --precision ${o.precision}: HDF5 ensembles store float64`);
      }
      if (o.index !== undefined) {
        throw new UserError(
          `invalid --index ${o.index}: it selects a configuration of an HDF5 input`,
        );
      }
      const ensembleInput = inputs.find((_, k) => formats[k] === 'hdf5');
      if (ensembleInput !== undefined) {
        throw new UserError(
          `${ensembleInput} is an HDF5 ensemble: lgt convert makes ensembles from NERSC or ` +
            'ILDG files only (extract configurations with --index first)',
        );
      }
      const first = await loadSingle(inputs[0], formats[0]);
      const N = first.field.N;
      const dims = [...first.field.lattice.dims];
      const loaded: Loaded[] = [first];
      for (let k = 1; k < inputs.length; k++) {
        loaded.push(await loadSingle(inputs[k], formats[k], { N, dims }));
      }
      const betas = loaded.map((l, k) => {
        const beta = o.beta ?? headerBeta(l.header);
        if (beta === undefined) {
          throw new UserError(
            `the coupling beta of ${inputs[k]} is unknown (its header has no BETA): pass --beta`,
          );
        }
        return beta;
      });
      const writer = await EnsembleWriter.create(
        output,
        {
          N,
          dims,
          source: 'lgt convert',
          inputs,
          input_formats: formats,
        },
        { force: o.force },
      );
      try {
        loaded.forEach((l, k) => {
          const sequence = Number(l.header?.SEQUENCE_NUMBER);
          writer.append({
            links: l.field.links,
            beta: betas[k],
            sweep: Number.isSafeInteger(sequence) && sequence >= 0 ? sequence : k,
            observables: { plaquette: averagePlaquette(l.field), link_trace: linkTrace(l.field) },
          });
        });
        writer.flush();
        await writer.finalize();
      } catch (error) {
        writer.close();
        throw error;
      }
      summary = { output, format, precision: null, configurations: loaded.length, inputs };
    } else {
      if (inputs.length > 1) {
        throw new UserError(
          `${inputs.length} inputs need an HDF5 output (.h5, or --format hdf5); ` +
            `a ${format} file holds one configuration`,
        );
      }
      const input = inputs[0];
      const precision = o.precision ?? 64;
      if (formats[0] === 'hdf5') {
        const ensemble = await openEnsemble(input);
        try {
          const index = o.index ?? 0;
          if (index >= ensemble.count) {
            throw new UserError(
              `invalid --index ${index}: expected an integer in [0, ${ensemble.count - 1}] ` +
                `(${input} holds ${ensemble.count} configurations)`,
            );
          }
          const field = ensemble.configuration(index);
          const beta = ensemble.beta[index];
          const sweep = ensemble.sweep[index];
          const label = `${basename(input)}[${index}]`;
          await writeSingle(
            output,
            field,
            format,
            precision,
            o.force,
            { ENSEMBLE_LABEL: label, SEQUENCE_NUMBER: sweep, BETA: beta },
            { info: JSON.stringify({ ensemble: basename(input), index, beta, sweep }) },
          );
        } finally {
          ensemble.close();
        }
      } else {
        if (o.index !== undefined) {
          throw new UserError(
            `invalid --index ${o.index}: ${input} is a ${formats[0]} file with one configuration`,
          );
        }
        const l = await loadSingle(input, formats[0]);
        const header: Record<string, string | number> = { ...(l.header ?? {}) };
        if (o.beta !== undefined) header.BETA = o.beta;
        await writeSingle(output, l.field, format, precision, o.force, header, {
          lfn: l.lfn,
          info: l.info ?? l.header?.ENSEMBLE_LABEL,
        });
      }
      summary = { output, format, precision, configurations: 1, inputs };
    }
    if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      const n = summary.configurations as number;
      process.stderr.write(
        `wrote ${n} configuration${n === 1 ? '' : 's'} to ${output} (${format})\n`,
      );
    }
  });
}
