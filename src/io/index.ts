/**
 * File formats: HDF5 ensembles (many configurations of a run with their measurements and
 * metadata), single configurations as NERSC and ILDG/LIME files with their checksums, and the
 * format detection of `lgt info`/`lgt convert`. Every reader checks what it reads and throws a
 * {@link FileError} naming the file, the field and the values; every writer writes a temporary
 * file and renames it. Node-only (files); the modules below it also run in a browser.
 *
 * @example
 * ```ts
 * import { openEnsemble, writeNersc } from 'lattice-gauge/io';
 * const ensemble = await openEnsemble('su3.h5');
 * await writeNersc('cfg.nersc', ensemble.configuration(0));
 * ensemble.close();
 * ```
 *
 * @module
 */
export {
  EnsembleWriter,
  DIAGNOSTICS_ATTRIBUTE,
  type EnsembleWriterOptions,
} from './ensembleWriter.js';
export { openEnsemble, type Ensemble, type ConfigurationOptions } from './ensembleReader.js';
export {
  ENSEMBLE_FORMAT,
  ENSEMBLE_FORMAT_VERSION,
  type ConfigurationRecord,
} from './ensembleFormat.js';
export { type EnsembleMetadata } from './ensembleMetadata.js';
export {
  PROVENANCE_ATTRIBUTE,
  type EnsembleProvenance,
  type ResumeRecord,
} from './ensembleProvenance.js';
export {
  FlowWriter,
  openFlowFile,
  hdf5Format,
  isFlowFile,
  FLOW_FORMAT,
  FLOW_FORMAT_VERSION,
  type FlowFile,
  type FlowFileSpec,
  type FlowRecord,
  type FlowWriterOptions,
} from './flowFile.js';
export { FileError } from '../core/fileError.js';
export { loadWasmModule, wasmModuleFile, type WasmModuleName } from './wasmModule.js';
export {
  readNersc,
  writeNersc,
  decodeNersc,
  encodeNersc,
  type NerscConfiguration,
  type NerscReadOptions,
  type NerscWriteOptions,
  type EncodedNersc,
  type ExpectedConfiguration,
} from './nersc.js';
export {
  readIldg,
  writeIldg,
  decodeIldg,
  encodeIldg,
  type IldgConfiguration,
  type IldgReadOptions,
  type IldgWriteOptions,
  type IldgRecordInfo,
} from './ildg.js';
export {
  parseLimeRecords,
  encodeLimeRecord,
  LIME_MAGIC,
  type LimeRecord,
  type LimeRecordSpec,
} from './lime.js';
export { nerscChecksum, scidacChecksum, crc32, type ScidacChecksum } from './checksums.js';
export { linkTrace, type ConfigurationCheck } from './configurationChecks.js';
export { detectConfigurationFormat, type ConfigurationFormat } from './configurationFormat.js';
