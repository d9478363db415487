/**
 * Reports: self-contained HTML pages and SVG charts of ensembles and trained models, for
 * `lgt report` and the `--report` option of `lgt generate` and `lgt train`.
 *
 * Charts are Vega-Lite specifications (./chartSpecs.ts) rendered headless to SVG
 * (./renderSvg.ts); long histories are thinned for display only (./decimate.ts); the
 * sections (./ensembleSection.ts, ./modelSection.ts, ./scanSection.ts) turn data into headings, tables and
 * charts, and ./htmlPage.ts renders them into one page; ./writeReport.ts is the whole job.
 *
 * @module
 */
export * from './autocorrelation.js';
export * from './chartSpecs.js';
export * from './decimate.js';
export * from './ensembleSection.js';
export * from './htmlPage.js';
export * from './modelDirectory.js';
export * from './modelSection.js';
export * from './renderSvg.js';
export * from './scanSection.js';
export * from './writeReport.js';
