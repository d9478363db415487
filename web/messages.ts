/**
 * The messages between the page and its analysis worker (./analysisWorker.ts).
 */
import type { TopLevelSpec } from 'vega-lite';

/** Values per site of a 2D map, x fastest (the site order of DESIGN.md 2). */
export interface SiteMap {
  /** Sites along x. */
  width: number;
  /** Sites along y. */
  height: number;
  /** width * height values. */
  values: Float64Array;
  /** What the values are. */
  label?: string;
}

/** What the page asks. */
export type AnalysisRequest =
  | { type: 'model'; id: number; text: string; source: string }
  | { type: 'charts'; id: number; specs: Record<string, TopLevelSpec> }
  | {
      type: 'field';
      id: number;
      N: number;
      dims: number[];
      links: Float64Array;
      /** Evaluate the L-CNN too (2D fields of the model's group). */
      lcnn: boolean;
    };

/** What the worker answers. */
export type AnalysisReply =
  | { type: 'model'; id: number; parameters: number }
  | { type: 'charts'; id: number; svgs: Record<string, string> }
  | {
      type: 'field';
      id: number;
      map: SiteMap;
      /** The total clover charge (4D). */
      charge?: number;
      /** Measured and predicted per-site target of the L-CNN, on `dims`. */
      lcnn?: { measured: Float64Array; predicted: Float64Array; dims: number[] };
    }
  | { type: 'error'; id: number; message: string };
