/**
 * How `lgt flow` and `lgt measure` show the analysis of a flow file: a table for people and
 * the JSON form of the scale (src/flow/flowStatistics.ts).
 *
 * @module
 */
import type { GammaResult } from '../../core/gamma.js';
import type { FlowBetaStatistics, ScaleOutcome } from '../../flow/flowStatistics.js';
import { formatEstimate } from '../../report/ensembleSection.js';

function scaleText(s: ScaleOutcome): string {
  if ('failure' in s) return `-- (${s.failure})`;
  return `${formatEstimate(s.mean, s.error)}  [interpolation ${s.interpolationError.toExponential(1)}, tau_int ${s.tauInt.toFixed(2)}]`;
}

/** The table of `lgt flow` and `lgt measure FLOWED.h5`. */
export function formatFlowStatistics(file: string, stats: FlowBetaStatistics[]): string {
  const lines = [`flow ${file}`];
  for (const s of stats) {
    lines.push('', `beta = ${s.beta}   configurations = ${s.configurations}`);
    lines.push(`t0/a^2  clover     ${scaleText(s.t0.clover)}`);
    lines.push(`t0/a^2  plaquette  ${scaleText(s.t0.plaquette)}`);
    lines.push(`w0/a    clover     ${scaleText(s.w0.clover)}`);
    lines.push(`w0/a    plaquette  ${scaleText(s.w0.plaquette)}`);
    if (s.charge !== undefined) {
      const c = s.charge;
      lines.push(
        `chi     at t = ${c.t}   ${formatEstimate(c.chi.mean, c.chi.error)}  [tau_int ${c.chi.tauInt.toFixed(2)}]`,
      );
      if (!('failure' in c.t0SquaredChi)) {
        lines.push(
          `t0^2 chi            ${formatEstimate(c.t0SquaredChi.mean, c.t0SquaredChi.error)}`,
        );
      }
      lines.push(`<|Q - round(Q)|>    ${c.distanceToInteger.toPrecision(3)}`);
    }
    if (s.curve.clover.length > 0) {
      lines.push(
        '',
        `${'t'.padStart(8)}${'t^2 E clover'.padStart(20)}${'t^2 E plaquette'.padStart(20)}${'W clover'.padStart(20)}`,
      );
      const step = Math.max(1, Math.round(s.curve.clover.length / 12));
      s.curve.clover.forEach((p, j) => {
        if (j % step !== 0 && j !== s.curve.clover.length - 1) return;
        const q = s.curve.plaquette[j];
        lines.push(
          `${String(p.t).padStart(8)}${formatEstimate(p.t2E.mean, p.t2E.error).padStart(20)}` +
            `${formatEstimate(q.t2E.mean, q.t2E.error).padStart(20)}${formatEstimate(p.W.mean, p.W.error).padStart(20)}`,
        );
      });
    }
  }
  return lines.join('\n');
}

function estimateJson(s: ScaleOutcome): Record<string, unknown> | null {
  if ('failure' in s) return null;
  return {
    mean: s.mean,
    error: s.error,
    interpolationError: s.interpolationError,
    tauInt: s.tauInt,
    n: s.n,
  };
}

function gammaJson(g: GammaResult): Record<string, unknown> {
  return { mean: g.mean, error: g.error, tauInt: g.tauInt, n: g.n };
}

/** The scale of one beta as `lgt flow --json` prints it. */
export function flowScaleJson(s: FlowBetaStatistics): Record<string, unknown> {
  const errors: Record<string, string> = {};
  for (const [name, value] of [
    ['t0', s.t0.clover],
    ['w0', s.w0.clover],
    ['t0Plaquette', s.t0.plaquette],
    ['w0Plaquette', s.w0.plaquette],
  ] as const) {
    if ('failure' in value) errors[name] = value.failure;
  }
  const c = s.charge;
  if (c !== undefined && 'failure' in c.t0SquaredChi) errors.t0SquaredChi = c.t0SquaredChi.failure;
  return {
    beta: s.beta,
    configurations: s.configurations,
    t0: estimateJson(s.t0.clover),
    w0: estimateJson(s.w0.clover),
    chi: c === undefined ? null : gammaJson(c.chi),
    t0Plaquette: estimateJson(s.t0.plaquette),
    w0Plaquette: estimateJson(s.w0.plaquette),
    t0SquaredChi: c === undefined || 'failure' in c.t0SquaredChi ? null : gammaJson(c.t0SquaredChi),
    chargeTime: c === undefined ? null : c.t,
    distanceToInteger: c === undefined ? null : c.distanceToInteger,
    ...(Object.keys(errors).length > 0 ? { errors } : {}),
  };
}
