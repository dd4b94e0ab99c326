// org.js: one organization: where it sits (breadcrumbs), its figures as
// cards, its sub-organizations, charts from what the API gives cheaply (the
// sub-organizations' member counts, kinds and domains; for a branch, its own
// members by sex, education, age band and category from one page of the
// member list), the statistics section when the server has that module, and
// how it is doing over time (三会一课 this year, membership changes by month),
// and its details. Actions lead to its members, meetings, the lifecycle
// boards (development, transfers, dues), export, edit and new records.
import { h } from '../dom.js';
import { get } from '../api.js';
import { canWrite } from '../session.js';
import { orgFrame } from '../orgframe.js';
import { getOrg, orgLabel } from '../orgs.js';
import { ORG_FIELDS, ORG_KINDS, BRANCH_KINDS, PARENT_KINDS, EDUCATIONS, GENDERS, CATEGORIES, yearsSince } from '../fields.js';
import { chartCard, pie, bar, countBy, preloadCharts } from '../charts.js';
import { statsSection } from '../stats.js';
import { trendSection } from '../orgcharts.js';
import { kv, stat } from '../widgets.js';

const enc = encodeURIComponent;

/** Term length by the default rules: grassroots committees and village or community organizations 5 years, others 3. */
export function termYears(o) {
  if (o.kind === '党委' || o.kind === '党工委') return 5;
  return o.domain === '农村' || o.domain === '城市社区' ? 5 : 3;
}

function termCard(o) {
  if (!o.term_started_on) return stat('换届', '未登记', '本届任期开始日期未填写', { text: true, testid: 'card-term' });
  const years = termYears(o);
  const [y, m, d] = o.term_started_on.split('-').map(Number);
  const due = new Date(y + years, m - 1, d);
  const dueText = `${due.getFullYear()}-${String(due.getMonth() + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const days = Math.floor((due - new Date()) / 86400000);
  const state = days < 0 ? '已到期，应换届' : days < 183 ? '半年内到期' : '任期内';
  return stat('换届', dueText, `任期 ${years} 年 · ${state}`, { text: true, testid: 'card-term' });
}

/** 上级组织 by its name (code below); one above the user's own organization is not readable to them. */
async function parentLabel(o, chain) {
  const code = o.parent_code;
  if (!code) return null;
  const p = chain.find((x) => x.code === code) || await getOrg(code).catch(() => null);
  return p ? orgLabel(code, p.name, { link: chain.includes(p) })
    : h('span', { class: 'org-name' }, '管理范围以外的组织', h('span', { class: 'code small muted' }, code));
}

const AGE_BANDS = ['30岁及以下', '31-40岁', '41-50岁', '51-60岁', '61岁及以上'];
function ageBand(m) {
  const a = yearsSince(m.birth_date);
  if (a === null) return null;
  return a <= 30 ? AGE_BANDS[0] : a <= 40 ? AGE_BANDS[1] : a <= 50 ? AGE_BANDS[2] : a <= 60 ? AGE_BANDS[3] : AGE_BANDS[4];
}

export default {
  title: () => '组织',
  async render(ctx) {
    const code = ctx.params.code;
    // Everything the page asks for goes out at once (the charts' library
    // too); nothing waits for the organization but the branch's own members.
    preloadCharts();
    const kidsP = get(`/api/v1/orgs/${enc(code)}/children`);
    const statsP = statsSection(code, ctx);
    const trendsP = trendSection(code, ctx);
    for (const p of [kidsP, statsP, trendsP]) p.catch(() => {});   // handled where used; not unhandled if the frame fails first
    const { org: o, chain, head } = await orgFrame(code);
    const isBranch = BRANCH_KINDS.includes(o.kind);
    const kids = o.children_count ? (await kidsP).items : [];
    document.title = `${o.name} · 强基`;

    const charts = [];
    if (kids.length) {
      const sorted = [...kids].sort((a, b) => b.member_count - a.member_count).slice(0, 15);
      charts.push(chartCard('下级组织党员人数', bar(sorted.map((k) => k.name), sorted.map((k) => k.member_count), { horizontal: true, unit: '人', orgs: true }), ctx, { testid: 'chart-children' }));
      charts.push(chartCard('下级组织类别', pie(countBy(kids, (k) => k.kind, ORG_KINDS)), ctx, { testid: 'chart-kinds' }));
      charts.push(chartCard('下级组织所属领域', pie(countBy(kids, (k) => k.domain)), ctx, { testid: 'chart-domains' }));
    } else if (isBranch && o.member_count > 0 && o.member_count <= 200) {
      const ms = (await get(`/api/v1/orgs/${enc(code)}/members`, { limit: 200 })).items;
      charts.push(chartCard('性别', pie(countBy(ms, (m) => m.gender, GENDERS)), ctx, { testid: 'chart-gender' }));
      charts.push(chartCard('年龄段', bar(...(() => { const c = countBy(ms, ageBand, AGE_BANDS); return [c.map((x) => x.name), c.map((x) => x.value)]; })(), { unit: '人' }), ctx, { testid: 'chart-age' }));
      charts.push(chartCard('学历', pie(countBy(ms, (m) => m.education, EDUCATIONS)), ctx, { testid: 'chart-education' }));
      charts.push(chartCard('人员类别', pie(countBy(ms, (m) => m.category, CATEGORIES)), ctx, { testid: 'chart-category' }));
    }

    // Everything awaited comes before the sections that fill in later: they
    // replace their placeholder once it is in the page, and a placeholder not
    // yet placed cannot be replaced (the screen would stay busy).
    const parentCell = await parentLabel(o, chain);
    const stats = h('div');
    statsP.then((s) => { if (s && !ctx.stale()) stats.replaceWith(s); });
    const trends = h('div', { 'aria-busy': 'true' });
    trendsP.then((s) => { if (!ctx.stale()) trends.replaceWith(s || h('div')); })
      .catch((e) => { if (!ctx.stale()) trends.replaceWith(h('p', { class: 'alert' }, e.message)); });

    const w = canWrite();
    const tags = [o.kind, o.domain, o.formation, o.joint ? '联合' : null, o.temporary ? '临时' : null, o.project ? '项目' : null, o.ended_on ? '已撤销' : null].filter(Boolean);
    return h('div', { 'data-testid': 'org-page', 'data-code': o.code },
      head({ tags }),
      h('div', { class: 'row actions scroll', 'data-testid': 'org-actions' },
        h('a', { class: 'btn primary', href: `/orgs/${enc(code)}/members` }, '党员名单'),
        w && isBranch ? h('a', { class: 'btn', href: `/members/new?org=${enc(code)}` }, '新增党员') : null,
        w && PARENT_KINDS.includes(o.kind) ? h('a', { class: 'btn', href: `/orgs/new?parent=${enc(code)}` }, '新建下级组织') : null,
        w ? h('a', { class: 'btn', href: `/orgs/${enc(code)}/edit` }, '编辑') : null,
        h('a', { class: 'btn', href: `/orgs/${enc(code)}/meetings` }, '组织生活'),
        h('a', { class: 'btn', href: `/obligations?org=${enc(code)}` }, '三会一课'),
        h('a', { class: 'btn', href: `/development?org=${enc(code)}` }, '发展党员'),
        h('a', { class: 'btn', href: `/transfers?org=${enc(code)}` }, '组织关系转接'),
        h('a', { class: 'btn', href: `/dues?org=${enc(code)}` }, '党费'),
        h('a', { class: 'btn', href: `/export?org=${enc(code)}` }, '导出'),
        h('a', { class: 'btn', href: `/audit?org=${enc(code)}` }, '审计日志')),
      h('h2', { class: 'sr-only' }, '概况'),
      h('div', { class: 'stats' },
        stat('党员（含下级）', o.member_count, '在册党员', { testid: 'card-members' }),
        stat('下级组织', o.children_count, isBranch ? '党支部无下级组织' : '直属下级', { testid: 'card-children' }),
        stat('成立日期', o.established_on || '未登记', o.established_on ? `已成立 ${yearsSince(o.established_on)} 年` : null, { text: true }),
        termCard(o)),
      kids.length ? h('section', null, h('h2', null, `下级组织（${kids.length}）`),
        h('ul', { class: 'list card', 'data-testid': 'children' }, kids.map((k) => h('li', null,
          h('div', { class: 'grow' }, h('a', { href: `/orgs/${enc(k.code)}` }, k.name), h('span', { class: 'tag grey' }, k.kind)),
          h('span', { class: 'count' }, `${k.member_count} 人`))))) : null,
      charts.length ? h('section', null, h('h2', null, kids.length ? '下级组织分布' : '本支部党员构成'), h('div', { class: 'charts' }, charts)) : null,
      stats,
      trends,
      h('section', null, h('h2', null, '基本信息'), h('div', { class: 'card' }, kv(ORG_FIELDS, o, [], { parent_code: parentCell }))));
  },
};
