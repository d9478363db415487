// Math functions of the host, imported so that the kernels get the very bits that the TypeScript
// kernels get from Math.log, Math.cos and Math.exp: V8 recognises these imports and calls its
// own implementation directly (bench/RESULTS.md: about the cost of the call from JavaScript).
// AssemblyScript's own Math.log and Math.cos (musl ports) round differently in the last bit now
// and then, which would let the Markov chains of the two kernel sets part.
// The import module is this file's name, "host" (src/montecarlo/wasm/wasmKernels.ts).

/** Natural logarithm (JavaScript's Math.log). */
export declare function log(x: f64): f64;
/** Cosine (JavaScript's Math.cos). */
export declare function cos(x: f64): f64;
/** Exponential (JavaScript's Math.exp). */
export declare function exp(x: f64): f64;
