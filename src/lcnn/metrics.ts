/**
 * Regression metrics: mean squared error and the coefficient of determination
 * R^2 = 1 - sum (y - yhat)^2 / sum (y - mean y)^2.
 *
 * @module
 */

/** The result of {@link regressionMetrics}. */
export interface RegressionMetrics {
  /** Mean squared error over all target values. */
  mse: number;
  /** Coefficient of determination R^2 (NaN when the targets are all equal). */
  r2: number;
  /** Number of target values compared. */
  n: number;
}

/** MSE and R^2 of predictions against targets. */
export function regressionMetrics(
  prediction: ArrayLike<number>,
  target: ArrayLike<number>,
): RegressionMetrics {
  const n = target.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += target[i];
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (target[i] - prediction[i]) ** 2;
    ssTot += (target[i] - mean) ** 2;
  }
  return { mse: ssRes / n, r2: ssTot > 0 ? 1 - ssRes / ssTot : NaN, n };
}
