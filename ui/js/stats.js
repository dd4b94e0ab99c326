// stats.js: the statistics section of an organization page, from
// GET /api/v1/orgs/{code}/stats (the statistics module): cards for the
// totals, ECharts charts for members by age band, education and sex (and the
// other breakdowns the answer carries: category, Party standing, occupation,
// ethnicity, mobility, organizations by kind, domain and formation). Every
// bucket comes from the server in its own order and its own Chinese name;
// empty buckets are left out of the charts. Where the server has no such
// route (404 with no field: the module is not built in), the section is not
// shown at all.
import { h } from './dom.js';
import { get } from './api.js';
import { chartCard, pie, bar } from './charts.js';
import { stat } from './widgets.js';

/** [{name, value}] of a breakdown object, without empty buckets (order kept). */
export function buckets(o, { keepZero = false } = {}) {
  return Object.entries(o || {}).filter(([, v]) => typeof v === 'number' && (keepZero || v > 0))
    .map(([name, value]) => ({ name, value }));
}

/** The largest n buckets, the rest summed as 其他. */
export function top(data, n) {
  if (data.length <= n) return data;
  const s = [...data].sort((a, b) => b.value - a.value);
  const rest = s.slice(n - 1).reduce((t, d) => t + d.value, 0);
  return [...s.slice(0, n - 1), { name: '其他', value: rest }];
}

const pct = (a, b) => (b ? `${((a / b) * 100).toFixed(1)}%` : '—');

/** The charts of a stats answer: [[title, testid, make]] (make: charts.js option builder). */
export function statsCharts(s) {
  const m = s.members || {}, o = s.orgs || {};
  const barOf = (data, opts) => bar(data.map((d) => d.name), data.map((d) => d.value), { unit: '', ...opts });
  const out = [];
  const add = (title, testid, data, kind, opts) => { if (data.length) out.push([title, testid, kind === 'pie' ? pie(data) : barOf(data, opts)]); };
  add('党员年龄段', 'stats-age', buckets(m.by_age, { keepZero: true }), 'bar', { unit: '人' });
  add('党员学历', 'stats-education', buckets(m.by_education), 'pie');
  add('党员性别', 'stats-sex', buckets(m.by_sex), 'pie');
  add('人员类别', 'stats-category', buckets(m.by_category), 'pie');
  add('党龄', 'stats-standing', buckets(m.by_standing, { keepZero: true }), 'bar', { unit: '人' });
  add('工作岗位', 'stats-occupation', buckets(m.by_occupation), 'bar', { horizontal: true, unit: '人' });
  add('民族', 'stats-ethnicity', top(buckets(m.by_ethnicity), 6), 'pie');
  add('流动党员', 'stats-mobile', buckets(m.by_mobile), 'pie');
  add('组织类别', 'stats-kind', buckets(o.by_kind), 'bar', { horizontal: true, unit: '个' });
  add('组织所属领域', 'stats-domain', buckets(o.by_domain), 'bar', { horizontal: true, unit: '个' });
  add('组建方式', 'stats-formation', buckets(o.by_formation), 'pie');
  return out;
}

/** The cards of a stats answer: [[label, value, note]]. */
export function statsCards(s) {
  const m = s.members || {}, o = s.orgs || {};
  const n = m.total || 0;
  const cat = m.by_category || {}, sex = m.by_sex || {}, mob = m.by_mobile || {};
  const cards = [
    ['党员总数', n, `截至 ${s.as_of || '今天'}，在册党员`],
    ['预备党员', cat['预备党员'] ?? 0, `占 ${pct(cat['预备党员'] || 0, n)}`],
    ['女党员', sex['女'] ?? 0, `占 ${pct(sex['女'] || 0, n)}`],
    ['流动党员', mob['流动党员'] ?? 0, `占 ${pct(mob['流动党员'] || 0, n)}`],
    ['组织总数', o.total ?? 0, '含本级'],
  ];
  const sec = s.secretaries;
  if (sec && sec.available) {
    cards.push(['书记', sec.count ?? '—', sec.average_age != null ? `平均年龄 ${Number(sec.average_age).toFixed(1)} 岁` : null]);
  }
  return cards;
}

/**
 * The section for org code, or null when the server has no statistics route.
 * ctx: the screen's context (charts are disposed when it is left).
 */
export async function statsSection(code, ctx) {
  let s;
  try {
    s = await get(`/api/v1/orgs/${encodeURIComponent(code)}/stats`);
  } catch (e) {
    if (e.noRoute || e.status === 403) return null;
    return h('section', { 'data-testid': 'stats' }, h('h2', null, '统计'), h('p', { class: 'alert' }, e.message));
  }
  const sec = s.secretaries;
  return h('section', { 'data-testid': 'stats' },
    h('h2', null, '统计', h('span', { class: 'muted small' }, ` 截至 ${s.as_of || ''}`)),
    h('div', { class: 'stats' }, statsCards(s).map(([k, v, note]) => stat(k, v, note))),
    h('div', { class: 'charts' }, statsCharts(s).map(([title, testid, make]) => chartCard(title, make, ctx, { testid }))),
    sec && !sec.available && sec.note ? h('p', { class: 'muted small', 'data-testid': 'stats-note' }, sec.note) : null);
}
