// lifecycle.js: what the member-lifecycle screens (发展党员, 组织关系转接,
// 党费, the lifecycle parts of a member's page) share: the server's "today"
// (tests and the server may fix a day other than the browser's), the names of
// stages, steps, dues categories and payment channels as the API spells them,
// and money.
import { get } from './api.js';
import { loadMeta, enumPairs, enumNames, metaExtra } from './meta.js';

await loadMeta();   // main.js has loaded it before the first screen; this is for any other importer

const enc = encodeURIComponent;

// The organization a screen is about and the links to the same screen below it belong to the frame.
export { orgOf, childLinks } from './orgframe.js';

let todayOf = null;
/** The server's today ('YYYY-MM-DD'), asked once through an organization the user may see. */
export function serverToday(code) {
  if (!todayOf) {
    todayOf = get(`/api/v1/orgs/${enc(code)}/lifecycle/monthly`, { months: 1 }).then((r) => r.today);
    todayOf.catch(() => { todayOf = null; });
  }
  return todayOf;
}

/** 'YYYY-MM-DD' plus n days. */
export function addDays(iso, n) {
  const d = new Date(iso + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** 'YYYY-MM' plus n months. */
export function addMonths(ym, n) {
  const [y, m] = ym.split('-').map(Number);
  const t = y * 12 + (m - 1) + n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
}

/** Months from a to b ('YYYY-MM'), both included; 0 when b is before a. */
export function monthsBetween(a, b) {
  const n = (s) => { const [y, m] = s.split('-').map(Number); return y * 12 + m; };
  return Math.max(0, n(b) - n(a) + 1);
}

// The pipeline's stages and steps and the dues lists are the server's tables
// (GET /api/v1/meta: enumerations and the "dev_steps" extra); empty where
// their module is not built in.

/** The four pools before full membership (the boards' columns): [stage, name]. */
export const STAGES = enumPairs('dev_stage', []).filter(([s]) => s !== 'full');
export const STAGE_NAME = enumNames('dev_stage', []);

/**
 * The steps of the pipeline in the order of the national procedure (发展党员工作细则):
 * {kind, label, no (its step 1..25, or null), stage, after, after_new, next_stage, fields, repeatable, once, path, auto}.
 */
const STEPS = metaExtra('dev_steps') || [];
/** The steps one records (POST /applicants/{id}/steps kind; not the application, which opens a record), in order: [kind, name, stage, no]. */
export const STEP_KINDS = STEPS.filter((s) => !s.auto).map((s) => [s.kind, s.label, s.stage, s.no]);
/** Step names, the application's among them. */
export const STEP_NAME = { application: '递交入党申请书', ...Object.fromEntries(STEPS.map((s) => [s.kind, s.label])) };
/** Fields beyond kind, on, by, documents and note that a step takes. */
export const STEP_EXTRA = Object.fromEntries(STEPS.filter((s) => s.fields.length).map((s) => [s.kind, s.fields]));

/**
 * The step a person is most likely to need next, among those the server allows
 * today (p.next_steps, GET /applicants/{id}): the first on the main path not yet
 * done, else the first allowed. Without next_steps (a person from a list), the
 * same among the steps of their stage. null when none.
 */
export function nextStep(p) {
  const done = new Set((p.steps || []).map((s) => s.kind));
  const allowed = p.next_steps ? new Set(p.next_steps) : null;
  const open = STEPS.filter((s) => !s.auto && (allowed ? allowed.has(s.kind) : s.stage === p.stage));
  const next = open.find((s) => s.path && !done.has(s.kind)) || (allowed ? open[0] : open.find((s) => s.repeatable));
  return next ? next.kind : null;
}

export const DUES_CATEGORY = enumPairs('dues_category', []);
export const DUES_CATEGORY_NAME = Object.fromEntries(DUES_CATEGORY);
export const CHANNELS = enumPairs('dues_channel', []);
export const CHANNEL_NAME = Object.fromEntries(CHANNELS);

/** Money in yuan with two decimals ('—' for none). */
export const yuan = (n) => (n === null || n === undefined ? '—' : `${Number(n).toFixed(2)} 元`);

/** A JSON body without the fields left empty. */
export function compact(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined && v !== ''));
}
