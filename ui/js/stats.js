// stats.js: the statistics section of an organization page, from
// GET /api/v1/orgs/{code}/stats (the statistics module). Where the server
// has no such route (404 with no field: the module is not built in), the
// section is not shown at all. The answer is read generically: every object
// whose values are all numbers is a breakdown and becomes a chart, every
// number at the top of a group becomes a card, so new figures appear without
// a change here; the names below only give them Chinese titles.
import { h } from './dom.js';
import { get } from './api.js';
import { chartCard, pie, bar } from './charts.js';
import { stat } from './widgets.js';

const LABELS = {
  orgs: '组织', members: '党员', by_kind: '组织类别', kind: '组织类别', by_domain: '所属领域', domain: '所属领域',
  by_formation: '组建方式', formation: '组建方式', by_category: '人员类别', category: '人员类别',
  by_gender: '性别', gender: '性别', by_sex: '性别', sex: '性别', by_age_band: '年龄段', age_band: '年龄段', age: '年龄段',
  by_education: '学历', education: '学历', by_ethnicity: '民族', ethnicity: '民族', by_occupation: '工作岗位',
  occupation: '工作岗位', by_mobile: '流动党员', mobile: '流动党员', by_standing: '党龄', standing: '党龄',
  standing_years: '党龄', secretaries: '书记', total: '总数', count: '人数', average_age: '平均年龄',
  high_school_share: '高中及以上学历占比', meetings: '组织生活', trainings: '培训',
};
const label = (k) => LABELS[k] || k;
const isHist = (v) => v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0 &&
  Object.values(v).every((x) => typeof x === 'number');

/** Walks the answer: {cards: [[label, value]], charts: [[title, {name: n}]]}. */
export function readStats(s) {
  const cards = [], charts = [];
  const walk = (o, prefix) => {
    for (const [k, v] of Object.entries(o)) {
      const name = prefix ? `${prefix} · ${label(k)}` : label(k);
      if (typeof v === 'number') cards.push([name, v]);
      else if (isHist(v)) charts.push([name, v]);
      else if (v && typeof v === 'object' && !Array.isArray(v)) walk(v, label(k));
    }
  };
  if (s && typeof s === 'object') walk(s, '');
  return { cards, charts };
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
  const { cards, charts } = readStats(s);
  return h('section', { 'data-testid': 'stats' },
    h('h2', null, '统计'),
    cards.length ? h('div', { class: 'stats' }, cards.map(([k, v]) => stat(k, Number.isInteger(v) ? v : v.toFixed(1)))) : null,
    h('div', { class: 'charts' }, charts.map(([title, hist]) => {
      const data = Object.entries(hist).map(([name, value]) => ({ name, value }));
      return chartCard(title, data.length <= 6 ? pie(data) : bar(data.map((d) => d.name), data.map((d) => d.value), { horizontal: data.length > 8 }), ctx);
    })));
}
