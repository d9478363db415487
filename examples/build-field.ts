/**
 * Build gauge fields: cold and hot starts, a field from your own array, and the layout.
 *
 *   npm run build && node dist/examples/build-field.js
 */
import { GaugeField, Lattice, Xoshiro128, averagePlaquette, su3 } from '../src/index.js';

const lattice = new Lattice([4, 4, 4, 8]); // x, y, z, t; x fastest
const cold = GaugeField.cold(lattice, 3);
const hot = GaugeField.hot(lattice, 3, new Xoshiro128(2026));
console.log(`lattice ${lattice}, V = ${lattice.volume}, D = ${lattice.D}`);
console.log(`cold start: P = ${averagePlaquette(cold)}`);
console.log(`hot start:  P = ${averagePlaquette(hot).toFixed(6)} (0 on average)`);

// U_mu(x) sits at links[offset(site, mu) ...] as 9 complex numbers, row-major, (re, im).
const site = lattice.index([1, 2, 3, 4]);
const off = hot.offset(site, 3);
const det = su3.det([0, 0], 0, hot.links, off);
console.log(
  `U_t(1,2,3,4)[0][0] = ${hot.links[off].toFixed(6)} + ${hot.links[off + 1].toFixed(6)}i`,
);
console.log(`det U_t(1,2,3,4) = ${det[0].toFixed(15)} + ${det[1].toExponential(2)}i`);

// Wrap an existing array (e.g. read from a file): no copy is made.
const mine = new GaugeField(lattice, 3, cold.links.slice());
console.log(`wrapped field equals the cold start: ${mine.equals(cold, 0)}`);
