/**
 * Observables along the flow on fields whose answer is known: the self-dual abelian flux
 * configuration (every plaquette of the (0,1) and (2,3) planes at angle 2 pi / 36, clover
 * charge 2 sin^2(f)/f^2) is a stationary point of the flow and keeps its charge; with noise on
 * top, the flow removes the noise and returns to that charge; and on the smooth field the
 * flow leaves, the plaquette and clover energy densities agree to O(a^2) where on the rough
 * start they differ by a factor of 8.
 */
import { describe, expect, it } from 'vitest';
import { GaugeField } from '../../src/lattice/gaugeField.js';
import { topologicalCharge } from '../../src/lattice/observables/topologicalCharge.js';
import { flowField } from '../../src/flow/gradientFlow.js';
import { abelianFluxField, roughField } from '../helpers.js';

const dims = [6, 6, 6, 6];
const f = (2 * Math.PI) / 36;
/** The clover charge of the flux field: 2 n01 n23 sin(f01) sin(f23) / (f01 f23). */
const fluxCharge = (2 * Math.sin(f) ** 2) / (f * f);

describe('the flowed topological charge', () => {
  it('of the abelian flux configuration stays 2 sin^2(f)/f^2 (1e-12): it is a stationary point', async () => {
    const flux = abelianFluxField(dims, { '0,1': 1, '2,3': 1 });
    expect(Math.abs(topologicalCharge(flux) - fluxCharge)).toBeLessThan(1e-12);
    const run = await flowField(flux, { tMax: 2, epsilon: 0.05, times: [0, 1, 2] });
    for (const m of run.measurements) expect(Math.abs(m.charge! - fluxCharge)).toBeLessThan(1e-12);
    expect(run.steps).toBe(40);
  });

  it('returns to the flux charge when the flow removes noise put on top (from 1.2 to within 0.005)', async () => {
    const flux = abelianFluxField(dims, { '0,1': 1, '2,3': 1 });
    const noise = roughField(dims, 2, 3, 0.4);
    const g = flux.group;
    const field = new GaugeField(flux.lattice, 2);
    for (let k = 0; k < field.links.length; k += 8) {
      g.multiply(field.links, k, noise.links, k, flux.links, k);
    }
    const run = await flowField(field, { tMax: 3, tolerance: 1e-5, times: [0, 2, 3] });
    const [start, ...flowed] = run.measurements;
    expect(Math.abs(start.charge! - fluxCharge)).toBeGreaterThan(0.5);
    for (const m of flowed) {
      expect(Math.abs(m.charge! - fluxCharge)).toBeLessThan(0.005);
      expect(Math.round(m.charge!)).toBe(2);
    }
    // the energy densities: a factor 8 apart on the rough start, 1% apart on the smooth field
    expect(start.energyClover / start.energyPlaquette).toBeLessThan(0.2);
    for (const m of flowed) {
      expect(Math.abs(m.energyClover / m.energyPlaquette - 1)).toBeLessThan(0.01);
      // ... as on the flux field itself, where E_clover / E_plaquette = cos^2(f/2)
      expect(Math.abs(m.energyClover / m.energyPlaquette - Math.cos(f / 2) ** 2)).toBeLessThan(
        0.002,
      );
    }
  });
});
