// life.js: what the organizational-life screens share: meeting kinds and
// attendance states in Chinese, periods of a year, dates and times.
export const MEETING_KINDS = [
  ['assembly', '支部党员大会'], ['committee', '支委会'], ['group', '党小组会'], ['lecture', '党课'],
  ['theme_day', '主题党日'], ['life_meeting', '组织生活会'], ['appraisal', '民主评议党员'], ['talk', '谈心谈话'],
  ['study_group', '理论学习中心组学习'],
];
export const KIND_NAME = Object.fromEntries(MEETING_KINDS);
export const STATES = [['present', '出席'], ['online', '线上出席'], ['leave', '请假'], ['absent', '缺席']];
export const STATE_NAME = Object.fromEntries(STATES);
export const MODES = [['onsite', '现场'], ['online', '线上'], ['mixed', '现场+线上']];

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
