/**
 * The tfjs backend of the baseline CNN: the pure-JavaScript CPU backend of `@tensorflow/tfjs`
 * (no native binary, no download, no network; float32 only). On its first tensor, tfjs
 * prints a banner advising the native Node backend; library code never prints (STYLE.md 4),
 * so {@link initTensorflow} creates that first tensor with tfjs' `PROD` flag set, then puts
 * the flag back as it was. Nothing happens at import time.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';

let initialised = false;

/**
 * Starts the tfjs backend once, without its console banner; idempotent and cheap after the
 * first call. Every entry point of the baseline calls it before creating tensors.
 */
export function initTensorflow(): void {
  if (initialised) return;
  initialised = true;
  const env = tf.env();
  const prod = env.getBool('PROD');
  env.set('PROD', true);
  try {
    tf.scalar(0).dispose();
  } finally {
    env.set('PROD', prod);
  }
}
