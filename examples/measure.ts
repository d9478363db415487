/**
 * Measure a configuration: plaquette, Wilson loops, Polyakov loop, action, topological charge.
 *
 *   npm run build && node dist/examples/measure.js
 */
import {
  GaugeField,
  Lattice,
  Xoshiro128,
  averagePlaquette,
  averageWilsonLoop,
  polyakovLoop,
  randomNearIdentity,
  topologicalCharge,
  wilsonAction,
} from '../src/index.js';

// A rough but ordered SU(2) field: every link exp(i 0.4 r.T), r standard normal.
const lattice = new Lattice([6, 6, 6, 6]);
const field = new GaugeField(lattice, 2);
const rng = new Xoshiro128(7);
for (let k = 0; k < lattice.volume * lattice.D; k++) {
  randomNearIdentity(field.links, k * field.group.matrixSize, field.group, rng, 0.4);
}

console.log(`plaquette        ${averagePlaquette(field).toFixed(10)}`);
for (const [R, T] of [
  [1, 2],
  [2, 2],
  [3, 3],
]) {
  console.log(`W(${R}x${T})           ${averageWilsonLoop(field, R, T).toFixed(10)}`);
}
const p = polyakovLoop(field); // along the last axis, time
console.log(`Polyakov loop    ${p.re.toFixed(10)} + ${p.im.toFixed(10)}i`);
console.log(`Wilson action    ${wilsonAction(field, 2.3).toFixed(6)} (beta = 2.3)`);
console.log(
  `top. charge      ${topologicalCharge(field).toFixed(6)} (rough field: not near an integer)`,
);
