/**
 * Transform a configuration: a random gauge transformation, a rotation, a reflection, a
 * translation, and what each does to the observables.
 *
 *   npm run build && node dist/examples/transform.js
 */
import {
  Xoshiro128,
  averagePlaquette,
  gaugeTransform,
  randomGaugeTransformation,
  reflection,
  rotation,
  topologicalCharge,
  transformGaugeField,
  translateGaugeField,
  GaugeField,
  Lattice,
  randomNearIdentity,
} from '../src/index.js';

const lattice = new Lattice([4, 4, 4, 4]);
const field = new GaugeField(lattice, 3);
const rng = new Xoshiro128(11);
for (let k = 0; k < lattice.volume * lattice.D; k++) {
  randomNearIdentity(field.links, k * 18, field.group, rng, 0.5);
}

const omega = randomGaugeTransformation(lattice, 3, rng);
const variants: Array<[string, GaugeField]> = [
  ['original', field],
  ['gauge transformed', gaugeTransform(field, omega)],
  ['rotated in (x, t)', transformGaugeField(field, rotation(4, 0, 3))],
  ['reflected in z', transformGaugeField(field, reflection(4, 2))],
  ['translated by (1,2,0,3)', translateGaugeField(field, [1, 2, 0, 3])],
];
for (const [name, f] of variants) {
  const P = averagePlaquette(f).toFixed(14);
  const Q = topologicalCharge(f).toFixed(14);
  console.log(`${name.padEnd(24)} P = ${P}  Q = ${Q}`);
}
console.log('P is invariant under all of them; Q flips sign under the reflection.');
