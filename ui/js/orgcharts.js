// orgcharts.js: the section of an organization page on how it is doing over
// time: 三会一课 this year (the branches of the subtree that met every
// obligation, that met them with something to note, and that missed a
// meeting, as the summary of GET /orgs/{code}/obligations counts them)
// and the membership's changes month by month over the last year (admitted,
// converted, transferred in and out, left: GET /orgs/{code}/lifecycle/monthly).
// A part whose module is not built in is left out.
import { h } from './dom.js';
import { get } from './api.js';
import { chartCard, pie, lines } from './charts.js';
import { stat } from './widgets.js';
import { meetingFigures } from './life.js';

const enc = encodeURIComponent;

/** Branches by light, as the obligations summary counts them: {green, amber, red}. */
export function branchLights(ob) {
  const { branches: n, orgs_red: red, orgs_amber: amber } = ob.summary;
  return { red, amber, green: Math.max(0, n - red - amber) };
}

const SERIES = [['admitted', '发展党员（入党）'], ['converted', '预备党员转正'], ['transferred_in', '转入'], ['transferred_out', '转出'], ['left', '出党、去世等']];

export async function trendSection(code, ctx) {
  const [ob, mo] = await Promise.all([
    get(`/api/v1/orgs/${enc(code)}/obligations`, { limit: 1 }).catch((e) => (e.noRoute || e.status === 403 ? null : Promise.reject(e))),
    get(`/api/v1/orgs/${enc(code)}/lifecycle/monthly`, { months: 12 }).catch((e) => (e.noRoute || e.status === 403 ? null : Promise.reject(e))),
  ]);
  if (!ob && !mo) return null;
  const cards = [], charts = [];
  if (ob) {
    const l = branchLights(ob);
    const n = ob.summary.branches;
    cards.push(stat('三会一课全部落实', n ? `${Math.round((l.green / n) * 100)}%` : '—', `${l.green} / ${n} 个党支部（${ob.from.slice(0, 4)} 年已结束的月份）`, { testid: 'card-obligations' }));
    const m = meetingFigures(ob.summary);
    const tile = stat('应开 / 已开', `${m.due} / ${m.held}`, `缺开 ${m.missing} 次 · 补开 ${m.late} 次`, { text: true, testid: 'card-meetings' });
    tile.title = m.balance;
    Object.assign(tile.dataset, { due: m.due, held: m.held, missing: m.missing, late: m.late });
    cards.push(tile);
    charts.push(chartCard('党支部三会一课落实情况', pie([
      { name: '全部落实', value: l.green }, { name: '需注意', value: l.amber }, { name: '有缺开', value: l.red },
    ].filter((d) => d.value > 0)), ctx, { testid: 'chart-obligations' }));
    charts[charts.length - 1].dataset.green = l.green;
    charts[charts.length - 1].dataset.amber = l.amber;
    charts[charts.length - 1].dataset.red = l.red;
  }
  if (mo) {
    const sum = (k) => mo.months.reduce((t, x) => t + x[k], 0);
    cards.push(stat('近 12 个月发展党员', sum('admitted'), `转正 ${sum('converted')} 人`, { testid: 'card-admitted' }));
    cards.push(stat('近 12 个月转入 / 转出', `${sum('transferred_in')} / ${sum('transferred_out')}`, '跨出本组织范围的转接', { text: true, testid: 'card-transfers' }));
    const names = mo.months.map((x) => `${Number(x.month.slice(5))}月`);
    charts.push(chartCard(`党员队伍变化（${mo.from} 至 ${mo.to}）`,
      lines(names, SERIES.map(([k, n]) => ({ name: n, values: mo.months.map((x) => x[k]) })), { type: 'bar', unit: '人' }), ctx, { testid: 'chart-trend' }));
    charts[charts.length - 1].classList.add('wide');
  }
  return h('section', { 'data-testid': 'trends' }, h('h2', null, '组织生活与党员队伍变化'),
    h('div', { class: 'stats' }, cards), h('div', { class: 'charts' }, charts));
}
