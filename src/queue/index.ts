/**
 * Scans and chains as jobs on a PostgreSQL queue (pg-boss): many chains on many machines,
 * with retries, resumption from checkpoints and replica-aware merging.
 *
 * - ./scan.ts: a scan (grid of points times chains) and its chains; ./chainSeed.ts: each
 *   chain's seed, derived from the scan's seed and the chain's coordinates.
 * - ./chainQueue.ts: the queue (pg-boss on an embedded server, ./embeddedServer.ts, or any
 *   server by URL); ./jobTable.ts: its SQL.
 * - ./worker.ts and ./runChain.ts: taking and running chains; ./status.ts: where scans stand.
 * - ./merge.ts: the chains of a point into one ensemble, and the scan summary.
 *
 * @module
 */
export * from './canonicalJson.js';
export * from './chainSeed.js';
export * from './scan.js';
export * from './queueError.js';
export * from './chainQueue.js';
export * from './jobTable.js';
export * from './embeddedServer.js';
export * from './runChain.js';
export * from './worker.js';
export * from './status.js';
export * from './merge.js';
