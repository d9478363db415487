import { describe, expect, it } from 'vitest';
import { Model } from '../../src/lcnn/model.js';
import { modelFromJson, modelToJson } from '../../src/lcnn/modelJson.js';
import { parseArchitecture } from '../../src/lcnn/architecture.js';
import { parseTarget } from '../../src/lcnn/targets.js';

describe('model JSON (the text of a model file, as a page fetches it)', () => {
  const model = new Model({
    N: 2,
    D: 2,
    layers: parseArchitecture('lcb:2:1,trace,dense:1'),
    seed: 3,
  });
  const info = { target: parseTarget('wilson:1x2'), trainedOn: [8, 8] };

  it('round-trips the spec, the weights and the info', () => {
    const { model: back, info: backInfo } = modelFromJson(modelToJson(model, info), 'm.json');
    expect(back.spec).toEqual(model.spec);
    expect(Array.from(back.getWeights())).toEqual(Array.from(model.getWeights()));
    expect(backInfo).toEqual(info);
  });

  it('names the source and the field in its errors', () => {
    expect(() => modelFromJson('{', 'https://x/m.json')).toThrow(
      /^modelFromJson: https:\/\/x\/m.json: not a JSON model file/,
    );
    const text = modelToJson(model, info).replace('"weights": [', '"weights": [1,');
    expect(() => modelFromJson(text, 'm.json', 'page')).toThrow(
      `page: m.json: invalid weights: expected ${model.parameterCount} numbers for this spec, got ${model.parameterCount + 1}`,
    );
  });
});
