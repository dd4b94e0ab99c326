// transfers.js: 组織关系转接 of an organization's subtree, summary first: how
// many wait to be received (and how many of them more than 30 days), how
// many it sent beyond itself that wait, how many were closed; the pending
// ones by organization one level down (each a link to its own page); then,
// a page at a time from the server: pending transfers addressed to it, each
// with its age in days, which a writer accepts (the member moves) or returns
// with a reason (required: the server's message appears beside the reason
// when it is missing); pending transfers it sent beyond itself, where a
// transfer to an organization outside the system is closed by the sender
// (receipt or return recorded); and the closed transfers, newest first. A
// viewer sees the lists without buttons.
import { h, fill, toast } from '../dom.js';
import { get, post } from '../api.js';
import { canWrite } from '../session.js';
import { orgFrame, orgOf } from '../orgframe.js';
import { table, stat, showFieldError, clearFieldErrors, orgSummary, pagedBox } from '../widgets.js';
import { addDays, compact } from '../lifecycle.js';
import { enumNames } from '../meta.js';

const enc = encodeURIComponent;
const STATE = enumNames('transfer_state');
/** Transfers per page. */
export const PAGE = 20;

const receiver = (t) => t.to_org_name || (t.to_outside ? `${t.to_outside}（系统外）` : t.to_org_code) || '—';

/** The accept / return controls of a pending transfer; outside: the sender records what the outside organization did. */
function actions(t, ctx, { outside = false } = {}) {
  const today = addDays(t.issued_on, t.age_days);
  const err = h('div', { class: 'err', role: 'alert', hidden: true });
  const on = h('input', { type: 'date', value: today, min: t.issued_on, max: today, 'aria-label': `${t.member_name}的办理日期` });
  const reason = h('input', { type: 'text', maxlength: 200, placeholder: '退回原因（退回时必填）', 'aria-label': `${t.member_name}的退回原因` });
  const box = h('div', { class: 'transfer-actions', 'data-testid': 'transfer-actions' });
  const busy = (b) => { for (const x of box.querySelectorAll('button')) x.disabled = b; };
  const act = async (what, body, done) => {
    clearFieldErrors(places, err);
    busy(true);
    try {
      await post(`/api/v1/transfers/${t.id}/${what}`, compact(body));
      toast(done);
      ctx.navigate(location.pathname + location.search, { replace: true });
    } catch (e) {
      showFieldError(places, err, e);
      busy(false);
    }
  };
  fill(box, h('div', { class: 'row' }, on,
    h('button', { class: 'btn small primary', type: 'button', onclick: () => act('accept', { on: on.value }, `已${outside ? '登记回执' : '接收'}：${t.member_name}`) },
      outside ? '登记回执' : '接收')),
  h('div', { class: 'row' }, reason,
    h('button', { class: 'btn small danger', type: 'button', onclick: () => act('return', { on: on.value, reason: reason.value.trim() }, `已退回：${t.member_name}`) }, '退回')),
  err);
  // The server's error goes to the date or the reason it names; both share the one message line below them.
  const places = { on: { input: on, box: on.parentElement, err }, reason: { input: reason, box: reason.parentElement, err } };
  return box;
}

function list(items, ctx, { kind }) {
  const cols = [
    { label: '党员', cell: (t) => (kind === 'out' || kind === 'history' ? h('a', { href: `/members/${t.member_id}` }, t.member_name) : t.member_name), head: true },
    { label: '转出组织', cell: (t) => t.from_org_name || t.from_org_code },
    { label: '转入组织', cell: (t) => receiver(t) },
    { label: '开具日期', cell: (t) => t.issued_on },
  ];
  if (kind === 'history') {
    cols.push({ label: '办结', cell: (t) => [h('span', { class: t.state === 'returned' ? 'tag' : 'tag grey', 'data-testid': 'state' }, STATE[t.state] || t.state), ` ${t.closed_on || ''}`] });
    cols.push({ label: '说明', cell: (t) => t.close_reason || '—' });
  } else {
    cols.push({ label: '已等待', cell: (t) => h('span', { class: t.age_days > 30 ? 'tag' : null, 'data-testid': 'age' }, `${t.age_days} 天`) });
  }
  cols.push({ label: '介绍信', cell: (t) => [t.letter_no || '—', t.reason ? h('div', { class: 'muted small' }, t.reason) : null] });
  if (canWrite() && kind === 'in') cols.push({ label: '办理', cell: (t) => actions(t, ctx) });
  if (canWrite() && kind === 'out') cols.push({ label: '办理', cell: (t) => (t.to_outside ? actions(t, ctx, { outside: true }) : h('span', { class: 'muted small' }, '等待对方接收')) });
  const el = table(cols, items, {
    empty: { in: '没有待接收的转接', out: '没有待对方接收的转接', history: '还没有办结的转接' }[kind],
    testid: { in: 'inbox', out: 'outbox', history: 'history' }[kind],
  });
  for (const [i, tr] of [...el.querySelectorAll('tbody tr')].entries()) { tr.dataset.id = items[i].id; tr.dataset.member = items[i].member_id; }
  return el;
}

export default {
  title: '组织关系转接',
  async render(ctx) {
    const code = orgOf(ctx);
    const base = `/api/v1/orgs/${enc(code)}/transfers`;
    const IN = { direction: 'in' }, OUT = { direction: 'leaving' }, DONE = { state: 'closed', order: 'newest' };
    const page = (q) => (p) => get(base, { ...q, limit: PAGE, offset: p * PAGE });
    const [{ org: o, head }, inn, out, done] = await Promise.all([orgFrame(code, { children: '/transfers' }),
      page(IN)(0), page(OUT)(0), page(DONE)(0)]);
    document.title = `${o.name} · 组织关系转接 · 强基`;
    return h('div', { 'data-testid': 'transfers-page', 'data-code': code },
      head({ title: `${o.name} · 组织关系转接` }),
      h('div', { class: 'stats' },
        stat('待接收', inn.total, '转入本组织及下级组织', { testid: 'in-total' }),
        stat('等待超过 30 天', inn.over_30, null, { testid: 'in-old' }),
        stat('已转出待接收', out.total, '转往本组织以外', { testid: 'out-total' }),
        stat('已办结', done.total, '已接收或已退回', { testid: 'done-total' })),
      inn.by_org.length ? h('section', null, h('h2', null, '待接收，按下级组织'), orgSummary(inn.by_org, {
        testid: 'transfers-by-org', href: (b) => `/transfers?org=${enc(b.org_code)}`,
        figures: (b) => [`待接收 ${b.count} 件`, b.over_30 ? h('span', { class: 'tag' }, `超过 30 天 ${b.over_30} 件`) : null],
      })) : null,
      h('section', null, h('h2', null, `待接收（${inn.total}）`),
        pagedBox(inn, page(IN), (r) => list(r.items, ctx, { kind: 'in' }), PAGE)),
      h('section', null, h('h2', null, `已转出，待对方接收（${out.total}）`),
        pagedBox(out, page(OUT), (r) => list(r.items, ctx, { kind: 'out' }), PAGE)),
      h('section', null, h('h2', null, `办结记录（${done.total}）`),
        pagedBox(done, page(DONE), (r) => list(r.items, ctx, { kind: 'history' }), PAGE)),
      h('p', { class: 'muted small' }, '开具转接介绍信：在党员信息页办理。'));
  },
};
