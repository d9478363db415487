/**
 * Canonical JSON: one text per value, so that a hash of it identifies the value. Object keys
 * are sorted (by UTF-16 code units, as `Array.prototype.sort` orders strings), at every
 * depth; no whitespace; numbers, strings, booleans and null as `JSON.stringify` writes them
 * (ECMA-262 Number::toString: the shortest text that reads back as the same double).
 *
 * This is the JSON Canonicalization Scheme of RFC 8785 for the values used here (plain
 * objects, arrays, finite numbers, strings, booleans, null): JCS also sorts keys by UTF-16
 * code units and serialises numbers as ECMAScript does.
 *
 * @module
 */
import { typeError } from '../core/validate.js';

/**
 * The canonical JSON text of `value` (module header).
 *
 * @throws TypeError for what JSON cannot hold exactly: undefined, functions, bigints,
 *   non-finite numbers, and objects that are not plain (Date, Map, typed arrays...).
 */
export function canonicalJson(value: unknown): string {
  return write(value, '');
}

function write(value: unknown, path: string): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw typeError('canonicalJson', path || 'value', 'a finite number', value);
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((v, i) => write(v, `${path}[${i}]`)).join(',')}]`;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto === Object.prototype || proto === null) {
      const entries = Object.keys(value)
        .sort()
        .map((k) => {
          const v = (value as Record<string, unknown>)[k];
          return `${JSON.stringify(k)}:${write(v, path === '' ? k : `${path}.${k}`)}`;
        });
      return `{${entries.join(',')}}`;
    }
  }
  throw typeError('canonicalJson', path || 'value', 'a JSON value', value);
}
