/**
 * The rounding levels of a fit (src/lcnn/roundingLevel.ts): the per-site level is
 * `roundingLevel`'s bit for bit and the weights come back unchanged; for a model of one output
 * per configuration both levels are the same number; per site the level is at least the
 * site-averaged one (the square of a mean is at most the mean of the squares), and the
 * site-averaged one lies above the per-site level divided by the sites, because a weight's
 * rounding moves the predictions at all sites of a configuration together.
 */
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/lcnn/dataset.js';
import { Model, type ModelSpec } from '../../src/lcnn/model.js';
import { roundingLevel, roundingLevels } from '../../src/lcnn/roundingLevel.js';
import { parseTarget } from '../../src/lcnn/targets.js';
import { data, spec, split } from './finishProblem.js';
import { roughField } from '../helpers.js';

describe('rounding levels', () => {
  it('per site is roundingLevel bit for bit, and the weights are restored', () => {
    const model = new Model(spec);
    const before = Array.from(model.getWeights());
    const levels = roundingLevels(model, data, split.validation, 3, 7);
    expect(Array.from(model.getWeights())).toEqual(before);
    expect(levels.perSite).toBe(roundingLevel(model, data, split.validation, 3, 7));
    expect(levels.perSite).toBeGreaterThan(0);
  });

  it('site-averaged lies between the per-site level over the sites and the per-site level', () => {
    const model = new Model(spec);
    const { perSite, siteAveraged } = roundingLevels(model, data, split.validation);
    const sites = 36;
    expect(siteAveraged).toBeLessThanOrEqual(perSite);
    // correlated over the sites: above the 1/sites of independent changes (7x here, ~1000x
    // for the fitted 4D charge densities on 2048 sites)
    expect(siteAveraged).toBeGreaterThan((3 * perSite) / sites);
  });

  it('is one number for a model of one output per configuration', () => {
    const fields = Array.from({ length: 6 }, (_, i) => roughField([6, 6], 2, 90 + i, 0.5));
    const means = Dataset.fromFields(fields, parseTarget('wilson:1x2:mean'), [0, 0, 0, 1, 1, 1]);
    const perConfiguration: ModelSpec = {
      ...spec,
      layers: [...spec.layers, { type: 'mean' }],
    };
    const levels = roundingLevels(new Model(perConfiguration), means, [0, 1, 2, 3, 4, 5]);
    expect(levels.perSite).toBeGreaterThan(0);
    expect(levels.siteAveraged).toBe(levels.perSite);
  });
});
