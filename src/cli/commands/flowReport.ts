/**
 * How `lgt flow` and `lgt measure` show the analysis of a flow file: a table for people and
 * the JSON form of the scale (src/flow/flowStatistics.ts).
 *
 * @module
 */
import type { FlowBetaStatistics, ScaleOutcome } from '../../flow/flowStatistics.js';
import { formatEstimate } from '../../core/estimateFormat.js';

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
