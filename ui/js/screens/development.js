// development.js: 发展党员 board for an organization's subtree, summary
// first: the figures, the four pools (入党申请人, 入党积极分子, 发展对象, 预备党员)
// as columns of cards on a desktop and stacked lists on a phone, each headed
// by its count from /development/pools and showing a page of names (a pager
// for the rest), each card opening the person's page; the counts by
// organization one level down (each a link to its own board); the alerts
// (talks overdue, probation ending this month or past, conversions overdue,
// approvals waiting past 3 months) as a count of each kind and a page of the
// chosen kind from the server; and the year's plan, quota against what was
// done, which writers may set. A county's page stays short: nothing is
// listed whole.
import { h, fill, toast } from '../dom.js';
import { get, request } from '../api.js';
import { canWrite } from '../session.js';
import { orgFrame, orgOf } from '../orgframe.js';
import { orgLabel } from '../orgs.js';
import { stat, table, fieldForm, formAlert, onSubmit, orgSummary, pagedBox } from '../widgets.js';
import { compact, STAGES, STAGE_NAME } from '../lifecycle.js';
import { enumPairs } from '../meta.js';

const enc = encodeURIComponent;
/** Names per pool and alerts per page. */
export const POOL_PAGE = 6;
export const ALERT_PAGE = 10;
/** The kinds of alert and their names from the server (dev_alert); the UI adds what each asks for. */
const ALERT_NOTE = {
  talk_overdue: '收到入党申请书后一个月内应派人谈话',
  probation_ending: '预备期届满应及时讨论转正',
  conversion_overdue: '预备期已满，尚未讨论转正',
  approval_waiting: '支部大会通过后，上级党委超过三个月未审批',
  conversion_approval_waiting: '支部大会讨论转正后，上级党委超过三个月未审批（2027 年起转正的）',
};
const ALERTS = enumPairs('dev_alert').map(([k, label]) => [k, label, ALERT_NOTE[k] || '']);
const PLAN = [['activists', '确定入党积极分子'], ['candidates', '确定发展对象'], ['members', '发展党员']];

function card(p) {
  const since = p.steps && p.steps.length ? p.steps[p.steps.length - 1] : null;
  return h('li', { class: 'pcard', 'data-id': p.id },
    h('a', { href: `/applicants/${p.id}` }, p.name),
    h('div', { class: 'muted small' }, p.org_name),
    since ? h('div', { class: 'muted small' }, `${since.on} ${since.kind === 'application' ? '递交申请' : '最近环节'}`) : null);
}

function alertTable(key, items) {
  return table([
    { label: '姓名', cell: (a) => h('a', { href: `/applicants/${a.id}` }, a.name), head: true },
    { label: '组织', cell: (a) => orgLabel(a.org_code, a.org_name) },
    { label: '阶段', cell: (a) => STAGE_NAME[a.stage] || a.stage },
    { label: '起算日期', cell: (a) => a.since || '—' },
    { label: '应办日期', cell: (a) => h('span', { class: 'tag' }, a.due_on || '—') },
  ], items, { empty: '无', testid: `alert-${key}` });
}

function planSection(code, plan, ctx) {
  const q = plan.quota;
  const rows = PLAN.map(([k, label]) => {
    const done = plan.done[k] ?? 0, quota = q ? q[k] : null;
    const pct = quota ? Math.min(100, Math.round((done / quota) * 100)) : null;
    return h('div', { class: 'progress-row', 'data-plan': k },
      h('div', { class: 'row' }, h('span', { class: 'grow' }, label),
        h('strong', { 'data-testid': `plan-${k}` }, quota === null ? `${done} 人（未定计划）` : `${done} / ${quota} 人`)),
      h('progress', { max: 100, value: pct ?? 0, 'aria-label': `${label}完成情况` }, pct === null ? '—' : `${pct}%`));
  });
  let form = null;
  if (canWrite()) {
    const f = fieldForm(PLAN.map(([k, label]) => ({ name: k, label: `${label}计划数`, type: 'number', required: true })), q || {});
    const msg = formAlert();
    form = h('form', { class: 'card', novalidate: true, 'data-testid': 'plan-form' }, h('h3', null, `设定 ${plan.year} 年计划`), f.el, msg,
      h('div', { class: 'row end' }, h('button', { class: 'btn primary', type: 'submit' }, '保存计划')));
    onSubmit(form, async () => {
      await request('PUT', `/api/v1/orgs/${enc(code)}/development/plan`, { json: compact({ year: plan.year, ...f.values() }) });
      toast('发展计划已保存');
      ctx.navigate(location.pathname + location.search, { replace: true });
    }, { places: f.places, alert: msg });
  }
  return h('section', { 'data-testid': 'plan' }, h('h2', null, `${plan.year} 年发展计划`),
    h('div', { class: 'card' }, rows,
      q ? h('p', { class: 'muted small' }, `计划由 ${q.updated_by} 于 ${q.updated_at.slice(0, 10)} 设定；完成数按本组织及下级组织当年记录的环节日期统计。`)
        : h('p', { class: 'muted small' }, '本组织尚未设定今年的发展计划。')),
    form);
}

/**
 * The alerts: a button for each kind with its count, and a page of the
 * chosen kind's rows; first: the answer with the first page of every kind.
 */
function alertsSection(base, first) {
  const kinds = ALERTS.filter(([k]) => first.counts[k] > 0);
  const box = h('div');
  const tabs = h('div', { class: 'row actions scroll', role: 'group', 'aria-label': '提醒类别' });
  const choose = (k) => {
    for (const b of tabs.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.alertTab === k));
    const [, label, note] = ALERTS.find(([x]) => x === k);
    const fetch = (p) => get(`${base}/development/alerts`, { kind: k, limit: ALERT_PAGE, offset: p * ALERT_PAGE });
    const page = { [k]: first[k], total: first.counts[k] };
    fill(box, h('div', { class: 'card', 'data-alert': k }, h('h3', null, label), h('p', { class: 'muted small' }, note),
      pagedBox(page, fetch, (x) => alertTable(k, x[k]), ALERT_PAGE)));
  };
  fill(tabs, ALERTS.map(([k, label]) => h('button', {
    class: 'btn small', type: 'button', 'data-alert-tab': k, 'aria-pressed': 'false', disabled: !first.counts[k],
    onclick: () => choose(k),
  }, label, h('span', { class: 'tag' + (first.counts[k] ? '' : ' grey') }, String(first.counts[k])))));
  if (kinds.length) choose(kinds[0][0]);
  else fill(box, h('p', { class: 'muted' }, '没有需要提醒的事项'));
  return h('section', { 'data-testid': 'alerts' }, h('h2', null, `提醒（${first.total} 项）`), tabs, box);
}

export default {
  title: '发展党员',
  async render(ctx) {
    const code = orgOf(ctx);
    const base = `/api/v1/orgs/${enc(code)}`;
    const [{ org: o, head }, pools, alerts, ...lists] = await Promise.all([orgFrame(code, { children: '/development' }),
      get(`${base}/development/pools`), get(`${base}/development/alerts`, { limit: ALERT_PAGE }),
      ...STAGES.map(([s]) => get(`${base}/applicants`, { stage: s, limit: POOL_PAGE }))]);
    const plan = await get(`${base}/development/plan`, { year: Number(alerts.today.slice(0, 4)) });
    document.title = `${o.name} · 发展党员 · 强基`;
    const nAlerts = ALERTS.reduce((n, [k]) => n + (alerts.counts[k] || 0), 0);
    const alertsBy = new Map(alerts.by_org.map((b) => [b.org_code, b]));
    const byOrg = pools.by_org.filter((b) => STAGES.some(([s]) => b[s] > 0) || alertsBy.has(b.org_code));
    for (const b of alerts.by_org) if (!byOrg.some((x) => x.org_code === b.org_code)) byOrg.push({ org_code: b.org_code, org_name: b.org_name });
    return h('div', { 'data-testid': 'development-page', 'data-code': code },
      head({ title: `${o.name} · 发展党员` }),
      h('div', { class: 'stats' },
        stat('在发展中', STAGES.reduce((n, [s]) => n + (pools[s] || 0), 0), '申请人至预备党员'),
        stat('已转正', pools.full ?? 0, '经本系统发展', { testid: 'pool-full' }),
        stat('负面清单', pools.negative ?? 0, '不得发展的人员'),
        stat('提醒', nAlerts, `截至 ${alerts.today}`, { testid: 'alerts-count' })),
      h('h2', null, '四个阶段'),
      h('div', { class: 'board', 'data-testid': 'pools' }, STAGES.map(([s, label], i) => h('section', { class: 'column', 'data-stage': s, 'aria-label': label },
        h('h3', null, h('span', null, label), h('span', { class: 'count', 'data-testid': `pool-${s}` }, String(pools[s] ?? 0))),
        pagedBox(lists[i], (p) => get(`${base}/applicants`, { stage: s, limit: POOL_PAGE, offset: p * POOL_PAGE }),
          (l) => (l.items.length ? h('ul', { class: 'pcards' }, l.items.map(card)) : h('p', { class: 'muted small' }, '暂无')), POOL_PAGE)))),
      byOrg.length ? h('section', null, h('h2', null, '各下级组织'), orgSummary(byOrg, {
        testid: 'development-by-org',
        href: (b) => `/development?org=${enc(b.org_code)}`,
        figures: (b) => {
          const al = alertsBy.get(b.org_code);
          const n = al ? ALERTS.reduce((t, [k]) => t + (al[k] || 0), 0) : 0;
          return [STAGES.map(([st, label]) => `${label} ${b[st] ?? 0}`).join(' · '), n ? h('span', { class: 'tag' }, `提醒 ${n}`) : null];
        },
      })) : null,
      alertsSection(base, alerts),
      planSection(code, plan, ctx));
  },
};
