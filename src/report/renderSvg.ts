/**
 * Headless rendering of a Vega-Lite chart to SVG text: vega-lite compiles the specification
 * to Vega, and a Vega View with no renderer attached (`renderer: 'none'`) produces the SVG
 * through `View.toSVG()`. No browser, no canvas, no network: the specifications carry their
 * data inline, and the loader is replaced by one that refuses every URL, so a chart that
 * asked for remote data would fail here instead of fetching it.
 *
 * @module
 */
import { loader, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A loader that refuses every load: report charts must carry their data inline. */
function offlineLoader(): ReturnType<typeof loader> {
  const base = loader();
  const refuse = (uri: string): Promise<never> =>
    Promise.reject(new Error(`renderSvg: refused to load ${uri}: charts carry their data inline`));
  return { ...base, load: refuse, sanitize: refuse, http: refuse, file: refuse };
}

/**
 * Renders a Vega-Lite specification to a standalone SVG document (a string starting with
 * `<svg`), with a white background and a viewBox, ready to inline into HTML or save as a
 * `.svg` file.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vega = compile(spec).spec;
  const view = new View(parse(vega), { renderer: 'none', loader: offlineLoader() });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
