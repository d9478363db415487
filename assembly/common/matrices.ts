// Matrix products of N x N complex matrices in memory, N = 2 and 3, in the layout of
// DESIGN.md 2 (row-major, [re, im] interleaved; a matrix takes 16 N^2 bytes): multiply (a b),
// multiplyAdjoint (a b^+), adjointMultiply (a^+ b). Written out element by element so that
// every operand is read into a local before the first store: `out` may alias `a` or `b`, as in
// src/sun. The sums run in the order of src/sun/su3.ts and su2.ts, so the results are theirs
// to the last bit (./complex.ts).

import { conj, dot2, dot3, swapLanes, timesI, timesMinusI } from './complex';

/** out = a b (3x3); out may alias a or b. */
// @ts-ignore: decorator
@inline
export function multiply3(out: usize, a: usize, b: usize): void {
  const ar00 = v128.load64_splat(a, 0);
  const ai00 = v128.load64_splat(a, 8);
  const ar01 = v128.load64_splat(a, 16);
  const ai01 = v128.load64_splat(a, 24);
  const ar02 = v128.load64_splat(a, 32);
  const ai02 = v128.load64_splat(a, 40);
  const ar10 = v128.load64_splat(a, 48);
  const ai10 = v128.load64_splat(a, 56);
  const ar11 = v128.load64_splat(a, 64);
  const ai11 = v128.load64_splat(a, 72);
  const ar12 = v128.load64_splat(a, 80);
  const ai12 = v128.load64_splat(a, 88);
  const ar20 = v128.load64_splat(a, 96);
  const ai20 = v128.load64_splat(a, 104);
  const ar21 = v128.load64_splat(a, 112);
  const ai21 = v128.load64_splat(a, 120);
  const ar22 = v128.load64_splat(a, 128);
  const ai22 = v128.load64_splat(a, 136);
  const b00 = v128.load(b, 0);
  const b01 = v128.load(b, 16);
  const b02 = v128.load(b, 32);
  const b10 = v128.load(b, 48);
  const b11 = v128.load(b, 64);
  const b12 = v128.load(b, 80);
  const b20 = v128.load(b, 96);
  const b21 = v128.load(b, 112);
  const b22 = v128.load(b, 128);
  const y00 = timesI(b00);
  const y01 = timesI(b01);
  const y02 = timesI(b02);
  const y10 = timesI(b10);
  const y11 = timesI(b11);
  const y12 = timesI(b12);
  const y20 = timesI(b20);
  const y21 = timesI(b21);
  const y22 = timesI(b22);
  const o00 = dot3(ar00, ai00, b00, y00, ar01, ai01, b10, y10, ar02, ai02, b20, y20);
  const o01 = dot3(ar00, ai00, b01, y01, ar01, ai01, b11, y11, ar02, ai02, b21, y21);
  const o02 = dot3(ar00, ai00, b02, y02, ar01, ai01, b12, y12, ar02, ai02, b22, y22);
  const o10 = dot3(ar10, ai10, b00, y00, ar11, ai11, b10, y10, ar12, ai12, b20, y20);
  const o11 = dot3(ar10, ai10, b01, y01, ar11, ai11, b11, y11, ar12, ai12, b21, y21);
  const o12 = dot3(ar10, ai10, b02, y02, ar11, ai11, b12, y12, ar12, ai12, b22, y22);
  const o20 = dot3(ar20, ai20, b00, y00, ar21, ai21, b10, y10, ar22, ai22, b20, y20);
  const o21 = dot3(ar20, ai20, b01, y01, ar21, ai21, b11, y11, ar22, ai22, b21, y21);
  const o22 = dot3(ar20, ai20, b02, y02, ar21, ai21, b12, y12, ar22, ai22, b22, y22);
  v128.store(out, o00, 0);
  v128.store(out, o01, 16);
  v128.store(out, o02, 32);
  v128.store(out, o10, 48);
  v128.store(out, o11, 64);
  v128.store(out, o12, 80);
  v128.store(out, o20, 96);
  v128.store(out, o21, 112);
  v128.store(out, o22, 128);
}

/** out = a b^+ (3x3); out may alias a or b. */
// @ts-ignore: decorator
@inline
export function multiplyAdjoint3(out: usize, a: usize, b: usize): void {
  const ar00 = v128.load64_splat(a, 0);
  const ai00 = v128.load64_splat(a, 8);
  const ar01 = v128.load64_splat(a, 16);
  const ai01 = v128.load64_splat(a, 24);
  const ar02 = v128.load64_splat(a, 32);
  const ai02 = v128.load64_splat(a, 40);
  const ar10 = v128.load64_splat(a, 48);
  const ai10 = v128.load64_splat(a, 56);
  const ar11 = v128.load64_splat(a, 64);
  const ai11 = v128.load64_splat(a, 72);
  const ar12 = v128.load64_splat(a, 80);
  const ai12 = v128.load64_splat(a, 88);
  const ar20 = v128.load64_splat(a, 96);
  const ai20 = v128.load64_splat(a, 104);
  const ar21 = v128.load64_splat(a, 112);
  const ai21 = v128.load64_splat(a, 120);
  const ar22 = v128.load64_splat(a, 128);
  const ai22 = v128.load64_splat(a, 136);
  const b00 = v128.load(b, 0);
  const b01 = v128.load(b, 16);
  const b02 = v128.load(b, 32);
  const b10 = v128.load(b, 48);
  const b11 = v128.load(b, 64);
  const b12 = v128.load(b, 80);
  const b20 = v128.load(b, 96);
  const b21 = v128.load(b, 112);
  const b22 = v128.load(b, 128);
  const x00 = conj(b00);
  const y00 = swapLanes(b00);
  const x01 = conj(b01);
  const y01 = swapLanes(b01);
  const x02 = conj(b02);
  const y02 = swapLanes(b02);
  const x10 = conj(b10);
  const y10 = swapLanes(b10);
  const x11 = conj(b11);
  const y11 = swapLanes(b11);
  const x12 = conj(b12);
  const y12 = swapLanes(b12);
  const x20 = conj(b20);
  const y20 = swapLanes(b20);
  const x21 = conj(b21);
  const y21 = swapLanes(b21);
  const x22 = conj(b22);
  const y22 = swapLanes(b22);
  const o00 = dot3(ar00, ai00, x00, y00, ar01, ai01, x01, y01, ar02, ai02, x02, y02);
  const o01 = dot3(ar00, ai00, x10, y10, ar01, ai01, x11, y11, ar02, ai02, x12, y12);
  const o02 = dot3(ar00, ai00, x20, y20, ar01, ai01, x21, y21, ar02, ai02, x22, y22);
  const o10 = dot3(ar10, ai10, x00, y00, ar11, ai11, x01, y01, ar12, ai12, x02, y02);
  const o11 = dot3(ar10, ai10, x10, y10, ar11, ai11, x11, y11, ar12, ai12, x12, y12);
  const o12 = dot3(ar10, ai10, x20, y20, ar11, ai11, x21, y21, ar12, ai12, x22, y22);
  const o20 = dot3(ar20, ai20, x00, y00, ar21, ai21, x01, y01, ar22, ai22, x02, y02);
  const o21 = dot3(ar20, ai20, x10, y10, ar21, ai21, x11, y11, ar22, ai22, x12, y12);
  const o22 = dot3(ar20, ai20, x20, y20, ar21, ai21, x21, y21, ar22, ai22, x22, y22);
  v128.store(out, o00, 0);
  v128.store(out, o01, 16);
  v128.store(out, o02, 32);
  v128.store(out, o10, 48);
  v128.store(out, o11, 64);
  v128.store(out, o12, 80);
  v128.store(out, o20, 96);
  v128.store(out, o21, 112);
  v128.store(out, o22, 128);
}

/** out = a^+ b (3x3); out may alias a or b. */
// @ts-ignore: decorator
@inline
export function adjointMultiply3(out: usize, a: usize, b: usize): void {
  const ar00 = v128.load64_splat(a, 0);
  const ai00 = v128.load64_splat(a, 8);
  const ar01 = v128.load64_splat(a, 16);
  const ai01 = v128.load64_splat(a, 24);
  const ar02 = v128.load64_splat(a, 32);
  const ai02 = v128.load64_splat(a, 40);
  const ar10 = v128.load64_splat(a, 48);
  const ai10 = v128.load64_splat(a, 56);
  const ar11 = v128.load64_splat(a, 64);
  const ai11 = v128.load64_splat(a, 72);
  const ar12 = v128.load64_splat(a, 80);
  const ai12 = v128.load64_splat(a, 88);
  const ar20 = v128.load64_splat(a, 96);
  const ai20 = v128.load64_splat(a, 104);
  const ar21 = v128.load64_splat(a, 112);
  const ai21 = v128.load64_splat(a, 120);
  const ar22 = v128.load64_splat(a, 128);
  const ai22 = v128.load64_splat(a, 136);
  const b00 = v128.load(b, 0);
  const b01 = v128.load(b, 16);
  const b02 = v128.load(b, 32);
  const b10 = v128.load(b, 48);
  const b11 = v128.load(b, 64);
  const b12 = v128.load(b, 80);
  const b20 = v128.load(b, 96);
  const b21 = v128.load(b, 112);
  const b22 = v128.load(b, 128);
  const y00 = timesMinusI(b00);
  const y01 = timesMinusI(b01);
  const y02 = timesMinusI(b02);
  const y10 = timesMinusI(b10);
  const y11 = timesMinusI(b11);
  const y12 = timesMinusI(b12);
  const y20 = timesMinusI(b20);
  const y21 = timesMinusI(b21);
  const y22 = timesMinusI(b22);
  const o00 = dot3(ar00, ai00, b00, y00, ar10, ai10, b10, y10, ar20, ai20, b20, y20);
  const o01 = dot3(ar00, ai00, b01, y01, ar10, ai10, b11, y11, ar20, ai20, b21, y21);
  const o02 = dot3(ar00, ai00, b02, y02, ar10, ai10, b12, y12, ar20, ai20, b22, y22);
  const o10 = dot3(ar01, ai01, b00, y00, ar11, ai11, b10, y10, ar21, ai21, b20, y20);
  const o11 = dot3(ar01, ai01, b01, y01, ar11, ai11, b11, y11, ar21, ai21, b21, y21);
  const o12 = dot3(ar01, ai01, b02, y02, ar11, ai11, b12, y12, ar21, ai21, b22, y22);
  const o20 = dot3(ar02, ai02, b00, y00, ar12, ai12, b10, y10, ar22, ai22, b20, y20);
  const o21 = dot3(ar02, ai02, b01, y01, ar12, ai12, b11, y11, ar22, ai22, b21, y21);
  const o22 = dot3(ar02, ai02, b02, y02, ar12, ai12, b12, y12, ar22, ai22, b22, y22);
  v128.store(out, o00, 0);
  v128.store(out, o01, 16);
  v128.store(out, o02, 32);
  v128.store(out, o10, 48);
  v128.store(out, o11, 64);
  v128.store(out, o12, 80);
  v128.store(out, o20, 96);
  v128.store(out, o21, 112);
  v128.store(out, o22, 128);
}

/** out = a b (2x2); out may alias a or b. */
// @ts-ignore: decorator
@inline
export function multiply2(out: usize, a: usize, b: usize): void {
  const ar00 = v128.load64_splat(a, 0);
  const ai00 = v128.load64_splat(a, 8);
  const ar01 = v128.load64_splat(a, 16);
  const ai01 = v128.load64_splat(a, 24);
  const ar10 = v128.load64_splat(a, 32);
  const ai10 = v128.load64_splat(a, 40);
  const ar11 = v128.load64_splat(a, 48);
  const ai11 = v128.load64_splat(a, 56);
  const b00 = v128.load(b, 0);
  const b01 = v128.load(b, 16);
  const b10 = v128.load(b, 32);
  const b11 = v128.load(b, 48);
  const y00 = timesI(b00);
  const y01 = timesI(b01);
  const y10 = timesI(b10);
  const y11 = timesI(b11);
  const o00 = dot2(ar00, ai00, b00, y00, ar01, ai01, b10, y10);
  const o01 = dot2(ar00, ai00, b01, y01, ar01, ai01, b11, y11);
  const o10 = dot2(ar10, ai10, b00, y00, ar11, ai11, b10, y10);
  const o11 = dot2(ar10, ai10, b01, y01, ar11, ai11, b11, y11);
  v128.store(out, o00, 0);
  v128.store(out, o01, 16);
  v128.store(out, o10, 32);
  v128.store(out, o11, 48);
}

/** out = a b^+ (2x2); out may alias a or b. */
// @ts-ignore: decorator
@inline
export function multiplyAdjoint2(out: usize, a: usize, b: usize): void {
  const ar00 = v128.load64_splat(a, 0);
  const ai00 = v128.load64_splat(a, 8);
  const ar01 = v128.load64_splat(a, 16);
  const ai01 = v128.load64_splat(a, 24);
  const ar10 = v128.load64_splat(a, 32);
  const ai10 = v128.load64_splat(a, 40);
  const ar11 = v128.load64_splat(a, 48);
  const ai11 = v128.load64_splat(a, 56);
  const b00 = v128.load(b, 0);
  const b01 = v128.load(b, 16);
  const b10 = v128.load(b, 32);
  const b11 = v128.load(b, 48);
  const x00 = conj(b00);
  const y00 = swapLanes(b00);
  const x01 = conj(b01);
  const y01 = swapLanes(b01);
  const x10 = conj(b10);
  const y10 = swapLanes(b10);
  const x11 = conj(b11);
  const y11 = swapLanes(b11);
  const o00 = dot2(ar00, ai00, x00, y00, ar01, ai01, x01, y01);
  const o01 = dot2(ar00, ai00, x10, y10, ar01, ai01, x11, y11);
  const o10 = dot2(ar10, ai10, x00, y00, ar11, ai11, x01, y01);
  const o11 = dot2(ar10, ai10, x10, y10, ar11, ai11, x11, y11);
  v128.store(out, o00, 0);
  v128.store(out, o01, 16);
  v128.store(out, o10, 32);
  v128.store(out, o11, 48);
}

/** out = a^+ b (2x2); out may alias a or b. */
// @ts-ignore: decorator
@inline
export function adjointMultiply2(out: usize, a: usize, b: usize): void {
  const ar00 = v128.load64_splat(a, 0);
  const ai00 = v128.load64_splat(a, 8);
  const ar01 = v128.load64_splat(a, 16);
  const ai01 = v128.load64_splat(a, 24);
  const ar10 = v128.load64_splat(a, 32);
  const ai10 = v128.load64_splat(a, 40);
  const ar11 = v128.load64_splat(a, 48);
  const ai11 = v128.load64_splat(a, 56);
  const b00 = v128.load(b, 0);
  const b01 = v128.load(b, 16);
  const b10 = v128.load(b, 32);
  const b11 = v128.load(b, 48);
  const y00 = timesMinusI(b00);
  const y01 = timesMinusI(b01);
  const y10 = timesMinusI(b10);
  const y11 = timesMinusI(b11);
  const o00 = dot2(ar00, ai00, b00, y00, ar10, ai10, b10, y10);
  const o01 = dot2(ar00, ai00, b01, y01, ar10, ai10, b11, y11);
  const o10 = dot2(ar01, ai01, b00, y00, ar11, ai11, b10, y10);
  const o11 = dot2(ar01, ai01, b01, y01, ar11, ai11, b11, y11);
  v128.store(out, o00, 0);
  v128.store(out, o01, 16);
  v128.store(out, o10, 32);
  v128.store(out, o11, 48);
}
