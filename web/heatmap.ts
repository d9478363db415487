/**
 * Heat maps of per-site values on a canvas: one pixel per site, scaled up without smoothing,
 * x to the right and y up. Sequential values (a plaquette) use viridis between the two ends
 * given; signed values (a charge density, an error) use a blue-white-red scale symmetric
 * about 0. A caption under the map states the scale's ends.
 */
import type { SiteMap } from './messages.js';

/** Viridis at 9 stops (matplotlib's), interpolated linearly. */
const VIRIDIS: Array<[number, number, number]> = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

function viridis(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - k;
  const [a, b] = [VIRIDIS[k], VIRIDIS[k + 1]];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** Blue (-1) - white (0) - red (+1). */
function diverging(t: number): [number, number, number] {
  const s = Math.min(1, Math.max(-1, t));
  if (s < 0) return [255 * (1 + s) + 33 * -s, 255 * (1 + s) + 102 * -s, 255 * (1 + s) + 172 * -s];
  return [255 * (1 - s) + 178 * s, 255 * (1 - s) + 24 * s, 255 * (1 - s) + 43 * s];
}

/** How values map to colours. */
export type Scale =
  { kind: 'sequential'; low: number; high: number } | { kind: 'signed'; max: number };

/** A scale symmetric about 0 that covers every value of `values` (at least `floor`). */
export function signedScale(values: ArrayLike<number>, floor = 1e-12): Scale {
  let max = floor;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
  return { kind: 'signed', max };
}

/** Draws `map` into `canvas` (resized to the map) and writes the scale into `caption`. */
export function drawHeatmap(
  canvas: HTMLCanvasElement,
  caption: HTMLElement,
  map: SiteMap,
  scale: Scale,
): void {
  const { width, height, values } = map;
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const context = canvas.getContext('2d');
  if (context === null) return;
  const image = context.createImageData(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = values[x + width * y];
      const rgb =
        scale.kind === 'sequential'
          ? viridis((v - scale.low) / (scale.high - scale.low))
          : diverging(v / scale.max);
      const p = 4 * (x + width * (height - 1 - y)); // y up
      image.data[p] = rgb[0];
      image.data[p + 1] = rgb[1];
      image.data[p + 2] = rgb[2];
      image.data[p + 3] = 255;
    }
  }
  context.putImageData(image, 0, 0);
  const ends =
    scale.kind === 'sequential'
      ? `${fmt(scale.low)} (purple) to ${fmt(scale.high)} (yellow)`
      : `${fmt(-scale.max)} (blue) to ${fmt(scale.max)} (red)`;
  caption.textContent = `${map.label ?? ''}${map.label ? ': ' : ''}${ends}; ${width}x${height} sites`;
}

function fmt(x: number): string {
  return Math.abs(x) >= 1e-3 || x === 0 ? x.toPrecision(3) : x.toExponential(2);
}
