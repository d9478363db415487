/** The part of jsfive (a pure JavaScript HDF5 reader, no types of its own) that the tests use. */
declare module 'jsfive' {
  /** An HDF5 group: its member names, attributes and members by path. */
  export class Group {
    get keys(): string[];
    get attrs(): Record<string, unknown>;
    get(path: string): Group | Dataset | null;
  }
  /** A whole HDF5 file, parsed from its bytes. */
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
  /** An HDF5 dataset: its values flattened in C order, shape, type and attributes. */
  export class Dataset {
    get value(): ArrayLike<number | bigint>;
    get shape(): number[];
    get dtype(): string;
    get attrs(): Record<string, unknown>;
  }
}
