// obligations.js: 三会一课 dashboard: for an organization's subtree and a
// period of a year, each organization directly below (or the branch itself)
// shown red (a meeting missing), amber (made up late, no quorum, members
// without a lecture or six months without attending) or green; a parent
// organization opens its own level, a branch its findings: the rule, the
// period and the evidence.
import { h, fill } from '../dom.js';
import { get } from '../api.js';
import { orgFrame, orgOf } from '../orgframe.js';
import { BRANCH_KINDS } from '../fields.js';
import { stat, table } from '../widgets.js';
import { periods, meetingFigures } from '../life.js';
import { enumNames } from '../meta.js';

const enc = encodeURIComponent;
const LIGHT = { red: '未落实', amber: '需注意', green: '已落实' };
const TYPE_NAME = enumNames('finding_type');

/** red / amber / green of an obligations summary. */
export function light(s) {
  if (s.missing > 0) return 'red';
  if (s.late + s.quorum_failures + s.members_no_lecture + s.members_six_months > 0) return 'amber';
  return 'green';
}

async function pool(items, n, fn) {
  const out = new Array(items.length);
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (i < items.length) { const k = i++; out[k] = await fn(items[k]).catch((e) => ({ error: e })); }
  }));
  return out;
}

function findingsList(r) {
  return table([
    { label: '问题', cell: (f) => h('span', { class: `tag ${f.type === 'missing' ? '' : 'amber'}` }, TYPE_NAME[f.type] || f.type), head: true },
    { label: '组织', cell: (f) => f.org_name || f.org_code },
    { label: '规定', cell: (f) => f.rule_description || f.rule },
    { label: '期间', cell: (f) => f.period },
    { label: '应/实', cell: (f) => `${f.due ?? '—'} / ${f.held ?? '—'}` },
    { label: '依据', cell: (f) => [f.member_name ? `${f.member_name}：` : '', f.evidence] },
  ], r.findings, { empty: '本期没有发现问题', testid: 'findings' });
}

export default {
  title: '三会一课',
  async render(ctx) {
    const code = orgOf(ctx);
    const year = Number(ctx.query.get('year')) || new Date().getFullYear();
    const per = ctx.query.get('period') || '';
    const ps = periods(year);
    const p = ps.find((x) => x[0] === per) || ps[0];
    const q = { from: p[2], to: p[3] };
    const [{ org: o, head }, own] = await Promise.all([orgFrame(code), get(`/api/v1/orgs/${enc(code)}/obligations`, { ...q, limit: 500 })]);
    const go = (c, extra = {}) => {
      const u = new URLSearchParams({ org: c, year, ...(per ? { period: per } : {}), ...extra });
      for (const [k, v] of [...u]) if (!v) u.delete(k);
      ctx.navigate(`/obligations?${u}`);
    };
    const yearSel = h('select', { 'aria-label': '年度', onchange: (e) => go(code, { year: e.target.value }) },
      [0, 1, 2, 3].map((d) => new Date().getFullYear() - d).concat([year]).filter((y, i, a) => a.indexOf(y) === i)
        .map((y) => h('option', { value: y, selected: y === year }, `${y} 年`)));
    const perSel = h('select', { 'aria-label': '期间', onchange: (e) => go(code, { period: e.target.value }) },
      ps.map(([v, label]) => h('option', { value: v, selected: v === per }, label)));
    const s = own.summary;
    const fig = meetingFigures(s);
    const isBranch = BRANCH_KINDS.includes(o.kind);
    const board = h('div', { 'data-testid': 'board' });
    if (!isBranch && o.children_count) {
      fill(board, h('p', { class: 'muted' }, '正在汇总下级组织……'));
      const kids = (await get(`/api/v1/orgs/${enc(code)}/children`)).items.filter((k) => !k.ended_on);
      const res = await pool(kids, 4, (k) => get(`/api/v1/orgs/${enc(k.code)}/obligations`, { ...q, limit: 1 }));
      const rows = kids.map((k, i) => ({ k, r: res[i], l: res[i].error ? 'grey' : light(res[i].summary) }));
      const order = { red: 0, amber: 1, green: 2, grey: 3 };
      rows.sort((a, b) => order[a.l] - order[b.l]);
      fill(board, h('ul', { class: 'list card lights' }, rows.map(({ k, r, l }) => h('li', { 'data-light': l, 'data-code': k.code },
        h('span', { class: `light ${l}`, 'aria-hidden': 'true' }),
        h('div', { class: 'grow' }, h('a', { href: '#', onclick: (e) => { e.preventDefault(); go(k.code); } }, k.name),
          h('div', { class: 'muted small' }, r.error ? r.error.message
            : `应开 ${r.summary.due} 次，已开 ${r.summary.held} 次${r.summary.missing ? `，缺 ${r.summary.missing} 次` : ''}${r.summary.late ? `，补开 ${r.summary.late}` : ''}${r.summary.quorum_failures ? `，未过半 ${r.summary.quorum_failures}` : ''}`)),
        h('span', { class: `tag light-tag ${l}` }, LIGHT[l] || '—')))));
    }
    const l = light(s);
    return h('div', { 'data-testid': 'obligations-page', 'data-light': l },
      head({ title: `${o.name} · 三会一课` }),
      h('div', { class: 'row actions' }, yearSel, perSel,
        isBranch ? h('a', { class: 'btn', href: `/orgs/${enc(code)}/meetings?year=${year}` }, '记录会议') : null),
      h('p', { class: 'muted small' }, `${own.from} 至 ${own.to}，已结束的整月计入。`),
      h('div', { class: 'stats' },
        stat('总体', LIGHT[l], null, { text: true, testid: 'o-light' }),
        stat('党支部', s.branches), stat('应开', fig.due, '次', { testid: 'o-due' }), stat('已开', fig.held, '按期召开的次数', { testid: 'o-held' }),
        stat('缺开', fig.missing, '未补开', { testid: 'o-missing' }), stat('补开', fig.late, '期后 10 天内补开', { testid: 'o-late' }),
        stat('未过半数', s.quorum_failures), stat('连续六个月未参加', s.members_six_months)),
      h('p', { class: 'muted small', 'data-testid': 'o-balance' }, fig.balance),
      isBranch ? null : h('section', null, h('h2', null, '下级组织'), board),
      h('section', null, h('h2', null, isBranch ? '发现的问题' : `发现的问题（${own.total}）`),
        h('div', { class: 'card' }, own.total > own.findings.length ? h('p', { class: 'muted small' }, `仅显示前 ${own.findings.length} 条`) : null, findingsList(own))));
  },
};
