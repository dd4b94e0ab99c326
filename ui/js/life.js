// life.js: what the organizational-life screens share: meeting kinds,
// attendance states and meeting modes as [value, label] pairs, from the
// server's tables (GET /api/v1/meta; empty where the meeting module is not
// built in), periods of a year, dates and times.
import { loadMeta, enumPairs } from './meta.js';

await loadMeta();   // main.js has loaded it before the first screen; this is for any other importer

export const MEETING_KINDS = enumPairs('meeting_kind', []);
export const KIND_NAME = Object.fromEntries(MEETING_KINDS);
export const STATES = enumPairs('attendance_state', []);
export const STATE_NAME = Object.fromEntries(STATES);
export const MODES = enumPairs('meeting_mode', []);

/** Today in the browser, YYYY-MM-DD. */
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A datetime-local value ('2026-06-30T14:00') for a Date, in local time. */
export function localInput(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A UTC timestamp ('2026-06-30T06:00:00Z') for a datetime-local value, or null. */
export function utcOf(local) {
  if (!local) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A UTC timestamp shown in local time: '2026-06-30 14:00'. */
export function showTime(ts) {
  if (!ts) return '—';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  return localInput(d).replace('T', ' ');
}

/** Periods of a year for a select: [[value, label, from, to]]. */
export function periods(year) {
  const y = Number(year);
  const last = (m) => new Date(y, m, 0).getDate();
  const out = [['', '全年', `${y}-01-01`, `${y}-12-31`]];
  for (let q = 1; q <= 4; q++) out.push([`q${q}`, `第${'一二三四'[q - 1]}季度`, `${y}-${String(q * 3 - 2).padStart(2, '0')}-01`, `${y}-${String(q * 3).padStart(2, '0')}-${last(q * 3)}`]);
  for (let m = 1; m <= 12; m++) out.push([`m${m}`, `${m}月`, `${y}-${String(m).padStart(2, '0')}-01`, `${y}-${String(m).padStart(2, '0')}-${last(m)}`]);
  return out;
}

/**
 * The meeting figures of an obligations summary (GET /orgs/{code}/obligations),
 * worded once for every screen that shows them. due and held count meetings
 * (held: those that met an obligation in its own period, at most the number
 * due); missing and late count the periods short of it: not made up (缺开) and
 * made up in the first days after the period (补开, not counted as held).
 * With the rules asking one meeting a period, due = held + missing + late.
 * balance: that sum in words, or the shortfall when a rule asks more.
 */
export function meetingFigures(s) {
  const short = s.due - s.held;
  const balance = short === s.missing + s.late
    ? `应开 ${s.due} 次 = 已开 ${s.held} 次 + 缺开 ${s.missing} 次 + 补开 ${s.late} 次`
    : `应开 ${s.due} 次 − 已开 ${s.held} 次 = ${short} 次未按期召开（缺开 ${s.missing} 期，补开 ${s.late} 期）`;
  return { due: s.due, held: s.held, missing: s.missing, late: s.late, balance };
}
