// obligations.js: 三会一课 dashboard: for an organization's subtree and a
// period of a year (by default the server's current year: its business day,
// not the browser's clock), summary first: the figures, then each
// organization directly below red (a meeting missing), amber (made up late,
// no quorum, members without a lecture or six months without attending) or
// green, from the same answer (by_org), each opening its own level; then the
// findings (the rule, the period and the evidence) a page at a time from the
// server. A county's page stays short: nothing is listed whole.
import { h } from '../dom.js';
import { get } from '../api.js';
import { orgFrame, orgOf } from '../orgframe.js';
import { BRANCH_KINDS } from '../fields.js';
import { stat, table, orgSummary, pagedBox, staleNote } from '../widgets.js';
import { periods, meetingFigures } from '../life.js';
import { serverToday } from '../lifecycle.js';
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

/** Findings per page. */
export const FINDINGS_PAGE = 20;

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
    const per = ctx.query.get('period') || '';
    const base = `/api/v1/orgs/${enc(code)}/obligations`;
    // The year: as asked, else the server's (an answer without from/to is of its current year).
    let year = Number(ctx.query.get('year')) || null;
    let thisYear = null;
    if (!year && per) year = thisYear = Number((await serverToday(code)).slice(0, 4));
    const ps = year ? periods(year) : null;
    const p = ps ? ps.find((x) => x[0] === per) || ps[0] : null;
    const q = p ? { from: p[2], to: p[3] } : {};
    const [{ org: o, head }, own, today] = await Promise.all([orgFrame(code), get(base, { ...q, limit: FINDINGS_PAGE }),
      year && !thisYear ? serverToday(code).catch(() => null) : null]);
    if (!year) year = thisYear = Number(own.from.slice(0, 4));
    if (!thisYear) thisYear = today ? Number(today.slice(0, 4)) : year;
    const range = { from: own.from, to: own.to };
    const go = (c, extra = {}) => {
      const u = new URLSearchParams({ org: c, year, ...(per ? { period: per } : {}), ...extra });
      for (const [k, v] of [...u]) if (!v) u.delete(k);
      ctx.navigate(`/obligations?${u}`);
    };
    const yearSel = h('select', { 'aria-label': '年度', onchange: (e) => go(code, { year: e.target.value }) },
      [0, 1, 2, 3].map((d) => thisYear - d).concat([year]).filter((y, i, a) => a.indexOf(y) === i)
        .map((y) => h('option', { value: y, selected: y === year }, `${y} 年`)));
    const perSel = h('select', { 'aria-label': '期间', onchange: (e) => go(code, { period: e.target.value }) },
      periods(year).map(([v, label]) => h('option', { value: v, selected: v === per }, label)));
    const s = own.summary;
    const fig = meetingFigures(s);
    const isBranch = BRANCH_KINDS.includes(o.kind);
    const here = (c) => {
      const u = new URLSearchParams({ org: c, year, ...(per ? { period: per } : {}) });
      return `/obligations?${u}`;
    };
    const board = !isBranch && own.by_org && own.by_org.length ? orgSummary(own.by_org, {
      testid: 'board', light: (k) => k.light, href: (k) => here(k.org_code),
      figures: (k) => [`应开 ${k.due} 次，已开 ${k.held} 次${k.missing ? `，缺 ${k.missing} 次` : ''}${k.late ? `，补开 ${k.late}` : ''}${k.quorum_failures ? `，未过半 ${k.quorum_failures}` : ''}`,
        ' ', h('span', { class: `tag light-tag ${k.light}` }, LIGHT[k.light] || '—')],
    }) : null;
    const l = light(s);
    return h('div', { 'data-testid': 'obligations-page', 'data-light': l },
      head({ title: `${o.name} · 三会一课` }),
      h('div', { class: 'row actions' }, yearSel, perSel,
        isBranch ? h('a', { class: 'btn', href: `/orgs/${enc(code)}/meetings?year=${year}` }, '记录会议') : null),
      h('p', { class: 'muted small' }, `${own.from} 至 ${own.to}，已结束的整月计入。`),
      staleNote(own),
      h('div', { class: 'stats' },
        stat('总体', LIGHT[l], null, { text: true, testid: 'o-light' }),
        stat('党支部', s.branches), stat('应开', fig.due, '次', { testid: 'o-due' }), stat('已开', fig.held, '按期召开的次数', { testid: 'o-held' }),
        stat('缺开', fig.missing, '未补开', { testid: 'o-missing' }), stat('补开', fig.late, '期后 10 天内补开', { testid: 'o-late' }),
        stat('未过半数', s.quorum_failures), stat('连续六个月未参加', s.members_six_months)),
      h('p', { class: 'muted small', 'data-testid': 'o-balance' }, fig.balance),
      isBranch ? null : h('section', null, h('h2', null, '下级组织'), board || h('p', { class: 'muted', 'data-testid': 'board' }, '没有下级组织')),
      h('section', null, h('h2', null, isBranch ? '发现的问题' : `发现的问题（${own.total}）`),
        h('div', { class: 'card' }, pagedBox(own, (pg) => get(base, { ...range, limit: FINDINGS_PAGE, offset: pg * FINDINGS_PAGE }), findingsList, FINDINGS_PAGE))));
  },
};
