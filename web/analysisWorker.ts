/**
 * The page's second thread: everything that takes more than a frame and does not sweep, so
 * that the sweeps and the drawing stay smooth. It renders the report's Vega-Lite
 * specifications to SVG (the same renderSvg as `lgt report`), computes the heat map of a
 * snapshot (per-site plaquette in 2D; a 2D slice of the clover charge density in 4D, with the
 * total charge) and evaluates the L-CNN on it (the float64 engine of `lgt predict`).
 */
import {
  computeTarget,
  GaugeBatch,
  GaugeField,
  Lattice,
  modelOrEnsembleFromJson,
  renderSvg,
  sitePlaquette,
  topologicalChargeDensity,
  type EnsembleModel,
  type Model,
  type ModelInfo,
} from '../src/browser.js';
import type { AnalysisReply, AnalysisRequest, SiteMap } from './messages.js';

/** The loaded model file: one L-CNN, or an ensemble predicting its members' mean. */
let lcnn: { model: Model | EnsembleModel; info: ModelInfo } | undefined;

/** The (x0, x1) plane at x2 = x3 = ... = 0 of a per-site field: the first L0 * L1 sites. */
function slice(values: Float64Array, dims: readonly number[]): SiteMap {
  return { width: dims[0], height: dims[1], values: values.slice(0, dims[0] * dims[1]) };
}

function analyse(request: Extract<AnalysisRequest, { type: 'field' }>): AnalysisReply {
  const field = new GaugeField(new Lattice(request.dims), request.N, request.links);
  const { dims } = request;
  if (dims.length === 2) {
    const reply: AnalysisReply = {
      type: 'field',
      id: request.id,
      map: { ...slice(sitePlaquette(field), dims), label: 'plaquette per site' },
    };
    if (lcnn !== undefined && request.lcnn && lcnnApplies(field)) {
      const measured = computeTarget(field, lcnn.info.target);
      const predicted = lcnn.model.forward(GaugeBatch.fromFields([field])).data.slice();
      reply.lcnn = { measured, predicted, dims };
    }
    return reply;
  }
  const density = topologicalChargeDensity(field);
  let charge = 0;
  for (let x = 0; x < density.length; x++) charge += density[x];
  return {
    type: 'field',
    id: request.id,
    map: { ...slice(density, dims), label: `charge density q(x), slice ${sliceName(dims)}` },
    charge,
  };
}

/** Names the slice of a 4D lattice: x, y at z = t = 0. */
function sliceName(dims: readonly number[]): string {
  return dims.length === 4 ? 'x-y at z = t = 0' : 'x0-x1 at the other coordinates 0';
}

/** Whether the loaded model was trained for this field's group and dimension. */
function lcnnApplies(field: GaugeField): boolean {
  return (
    lcnn !== undefined && lcnn.model.spec.N === field.N && lcnn.model.spec.D === field.lattice.D
  );
}

self.onmessage = async (event: MessageEvent<AnalysisRequest>) => {
  const request = event.data;
  try {
    switch (request.type) {
      case 'model': {
        lcnn = modelOrEnsembleFromJson(request.text, request.source);
        self.postMessage({ type: 'model', id: request.id, parameters: lcnn.model.parameterCount });
        return;
      }
      case 'charts': {
        const svgs: Record<string, string> = {};
        for (const [name, spec] of Object.entries(request.specs))
          svgs[name] = await renderSvg(spec);
        self.postMessage({ type: 'charts', id: request.id, svgs } satisfies AnalysisReply);
        return;
      }
      case 'field': {
        const reply = analyse(request);
        self.postMessage(reply);
        return;
      }
    }
  } catch (error) {
    self.postMessage({
      type: 'error',
      id: request.id,
      message: (error as Error).message,
    } satisfies AnalysisReply);
  }
};
