// meta.js: the lists the server checks values against, as it serves them in
// GET /api/v1/meta (public: the same for everyone): enumerations
// ({enums: {NAME: [{value, label}]}}), declared field lists ({forms: {NAME:
// [{name, label, type, required, max, contact, pii, readonly, options}]}}) and
// extras a module adds (such as the development pipeline's steps). Asked
// once per page; main.js waits for it before the first screen, so the
// accessors below may be used synchronously by any screen module (fields.js
// also awaits it at its top, so a module importing fields.js never sees it
// missing). An enumeration or form the server does not serve is an error
// here, not an empty list (a select without options would hide it), unless
// the caller names what to use instead: a module's lists are absent when the
// module is not built in.
import { get } from './api.js';

let meta = null;
let loading = null;

/** Loads GET /api/v1/meta (once; after a failure, the next call asks again). */
export function loadMeta() {
  if (!loading) {
    loading = get('/api/v1/meta').then((m) => { meta = m; return m; });
    loading.catch(() => { loading = null; });
  }
  return loading;
}

function need() {
  if (!meta) throw new Error('meta.js: GET /api/v1/meta has not been loaded (await loadMeta() first)');
  return meta;
}

/** Whether the server serves enumeration name. */
export function hasEnum(name) { return !!(need().enums || {})[name]; }

/**
 * The items of enumeration name, in the server's order: [{value, label}].
 * ifMissing: what to answer when the server has no such enumeration (else an error).
 */
export function enumItems(name, ifMissing) {
  const e = (need().enums || {})[name];
  if (!e && ifMissing) return ifMissing;
  if (!e) throw new Error(`meta.js: the server serves no enumeration "${name}"`);
  return e.map((x) => (x !== null && typeof x === 'object' ? { value: x.value, label: x.label ?? x.value } : { value: x, label: x }));
}

/** The values of enumeration name: ['党委', ...]. */
export const enumValues = (name, ifMissing) => enumItems(name, ifMissing).map((x) => x.value);

/** [value, label] pairs of enumeration name, as a select's options. */
export const enumPairs = (name, ifMissing) => enumItems(name, ifMissing).map((x) => [x.value, x.label]);

/** {value: label} of enumeration name. */
export const enumNames = (name, ifMissing) => Object.fromEntries(enumPairs(name, ifMissing));

/** The label of value in enumeration name; the value itself when it has none. */
export function enumLabel(name, value) {
  const x = enumItems(name).find((i) => i.value === value);
  return x ? x.label : value;
}

/** The declared fields of form name: [{name, label, type, required, max, options, ...}]. */
export function formFields(name) {
  const f = (need().forms || {})[name];
  if (!f) throw new Error(`meta.js: the server serves no form "${name}"`);
  return f.map((x) => ({ ...x }));
}

/** Any other part of the answer (e.g. 'dev_steps'), or undefined. */
export function metaExtra(key) { return need()[key]; }
