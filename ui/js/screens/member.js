// member.js: one member's record, where they belong, and what happened to
// them: the organizations they have belonged to with dates, their dues (the
// yearly base, payments, what they owe and the six-month flag), their life
// events (status changes, transfers, mobility, the development steps that
// brought them in, payments) and the audit entries about their record.
// Writers may edit, show the full ID number and phone (which is itself
// written to the audit log), remove a record entered in error, record a dues
// payment, and issue a transfer letter (组织关系介绍信); each form shows the
// server's message beside the field it names.
import { h, toast } from '../dom.js';
import { get, post, del } from '../api.js';
import { canWrite } from '../session.js';
import { forgetOrgs, branches } from '../orgs.js';
import { orgTrail } from '../orgframe.js';
import { MEMBER_FIELDS, STATUS_NAMES, yearsSince, when } from '../fields.js';
import { kv, table, fieldForm, formAlert, onSubmit, stat } from '../widgets.js';
import { enumNames } from '../meta.js';
import { changes, actionName } from './audit.js';
import { STEP_NAME, DUES_CATEGORY_NAME, CHANNELS, CHANNEL_NAME, yuan, compact, serverToday, addMonths, monthsBetween } from '../lifecycle.js';

const enc = encodeURIComponent;
const VIA = enumNames('membership_via');
const MOBILE = enumNames('mobility_kind');
const STATUS_EVENT = (w) => (w || '').split(' -> ').map((s) => STATUS_NAMES[s] || s).join(' → ');

function eventName(e) {
  if (e.kind === 'status') return '党籍状态变更';
  if (e.kind === 'membership') return '组织关系';
  if (e.kind === 'transfer_issued') return '开具转接介绍信';
  if (e.kind === 'transfer_accepted') return '转接已接收';
  if (e.kind === 'transfer_returned') return '转接被退回';
  if (e.kind === 'dues_payment') return '交纳党费';
  if (e.kind.startsWith('mobile_')) return MOBILE[e.kind.slice(7)] || e.kind;
  if (e.kind.startsWith('development_')) return STEP_NAME[e.kind.slice(12)] || e.kind;
  return e.kind;
}
function eventWhat(e) {
  if (e.kind === 'status') return [STATUS_EVENT(e.what), e.detail ? `：${e.detail}` : ''];
  if (e.kind === 'membership') return [e.what || '—', e.detail ? `（${VIA[e.detail] || e.detail}）` : ''];
  if (e.kind === 'dues_payment') return `${(e.what || '').replace('..', ' 至 ')}，${e.detail} 元`;
  return [e.what || '', e.detail ? ` ${e.detail}` : ''];
}

/** Past events, audit entries and organizations from GET /members/{id}/history and /organizations. */
async function historySections(m) {
  let hist, orgs;
  try {
    [hist, orgs] = await Promise.all([get(`/api/v1/members/${m.id}/history`), get(`/api/v1/members/${m.id}/organizations`)]);
  } catch (e) {
    return [h('section', null, h('h2', null, '变更历史'), h('p', { class: 'muted' }, `无法读取历史：${e.message}`))];
  }
  const audit = hist.audit.map((e) => ({ ...e, entity: 'member', key: String(m.id) })).reverse();
  return [
    h('section', null, h('h2', null, '所在组织'), table([
      { label: '组织', head: true, cell: (o) => (o.org_code ? h('a', { href: `/orgs/${enc(o.org_code)}` }, o.org_name || o.org_code) : `${o.outside}（系统外）`) },
      { label: '起', cell: (o) => o.from || '—' },
      { label: '止', cell: (o) => o.to || '至今' },
      { label: '方式', cell: (o) => VIA[o.via] || o.via },
    ], orgs.items, { testid: 'member-orgs' })),
    h('section', null, h('h2', null, '党员经历'), table([
      { label: '日期', head: true, cell: (e) => e.on || '—' },
      { label: '事项', cell: (e) => eventName(e) },
      { label: '内容', cell: eventWhat },
      { label: '经办', cell: (e) => e.by || '—' },
    ], [...hist.events].reverse(), { empty: '没有记录', testid: 'member-events' })),
    h('section', null, h('h2', null, '变更历史'), table([
      { label: '时间', head: true, cell: (e) => when(e.at) },
      { label: '操作人', cell: (e) => e.actor },
      { label: '操作', cell: (e) => actionName(e.action) },
      { label: '变更', cell: (e) => changes(e) },
    ], audit, { empty: '没有变更记录', testid: 'member-history' })),
  ];
}

const PAY_FIELDS = [
  { name: 'period_from', label: '所属月份起', type: 'month', required: true },
  { name: 'period_to', label: '所属月份止', type: 'month', required: true },
  { name: 'amount', label: '金额（元）', type: 'money', required: true },
  { name: 'paid_on', label: '交纳日期', type: 'date', required: true },
  { name: 'channel', label: '交纳方式', type: 'enum', required: true, options: CHANNELS },
];

/** The dues section: where the member stands, bases, payments, and a payment form for writers. */
async function duesSection(m, today, ctx) {
  let d;
  try { d = await get(`/api/v1/members/${m.id}/dues`); } catch (e) {
    return h('section', null, h('h2', null, '党费'), h('p', { class: 'muted' }, e.noRoute ? '本系统未启用党费模块' : e.message));
  }
  const st = d.state;
  const thisYear = Number(today.slice(0, 4));
  const base = d.bases.find((b) => b.year === thisYear) || d.bases[d.bases.length - 1];
  const lastMonth = addMonths(today.slice(0, 7), -1);
  let form = null;
  if (canWrite() && m.status === 'active' && d.bases.length) {
    // Make-up reaches 6 months back from the month of payment (dues.makeup_6m): start there at the earliest.
    const earliest = addMonths(today.slice(0, 7), -6);
    // After the last month paid when that is within reach, else the oldest unpaid month within reach.
    const next = st.last_paid ? addMonths(st.last_paid, 1) : null;
    const first = next && next >= earliest ? next : st.oldest_unpaid || next || today.slice(0, 7);
    const from = first < earliest ? earliest : first;
    const to = from <= lastMonth ? lastMonth : from;
    const due = (a, b) => {
      let sum = 0;
      for (let i = 0, n = monthsBetween(a, b); i < n; i++) {
        const y = Number(addMonths(a, i).slice(0, 4));
        const bb = d.bases.find((x) => x.year === y);
        if (!bb) return null;
        sum += bb.amount;
      }
      return Math.round(sum * 100) / 100;
    };
    const f = fieldForm(PAY_FIELDS, { period_from: from, period_to: to, amount: due(from, to), paid_on: today, channel: 'cash' });
    const refill = () => {
      const a = f.inputs.period_from.value, b = f.inputs.period_to.value;
      if (a && b) { const v = due(a, b); if (v !== null) f.inputs.amount.value = v.toFixed(2); }
    };
    f.inputs.period_from.addEventListener('change', refill);
    f.inputs.period_to.addEventListener('change', refill);
    const msg = formAlert();
    const save = h('button', { class: 'btn primary', type: 'submit' }, '登记交纳');
    form = h('form', { class: 'card', novalidate: true, 'data-testid': 'payment-form' }, h('h3', null, '登记党费交纳'), f.el,
      h('p', { class: 'muted small' }, '金额按所属月份的核定月缴额自动带出，可以多交，不能少交；补交最多补到交纳月份前 6 个月。'), msg,
      h('div', { class: 'row end' }, save));
    onSubmit(form, async () => {
      await post(`/api/v1/members/${m.id}/dues/payments`, compact(f.values()));
      toast('党费交纳已登记');
      ctx.navigate(location.pathname + location.search, { replace: true });
    }, { places: f.places, alert: msg, button: save });
  }
  return h('section', { 'data-testid': 'member-dues' }, h('h2', null, '党费'),
    h('div', { class: 'stats' },
      stat('每月党费', base ? yuan(base.amount) : '未核定', base ? `${base.year} 年 · ${DUES_CATEGORY_NAME[base.category] || base.category}` : '请先核定党费基数', { text: true, testid: 'dues-monthly' }),
      stat('欠缴', st.unpaid_months ? `${st.unpaid_months} 个月` : '无', st.unpaid_months ? `${yuan(st.owed)}，自 ${st.oldest_unpaid} 起` : null, { text: true, testid: 'dues-unpaid' }),
      stat('最近交至', st.last_paid || '未交', null, { text: true, testid: 'dues-last' }),
      st.six_month_flag ? stat('预警', '连续六个月未交', `连续 ${st.consecutive_unpaid} 个月`, { text: true, testid: 'dues-six' }) : null),
    d.payments.length ? table([
      { label: '所属月份', head: true, cell: (p) => `${p.period_from} 至 ${p.period_to}` },
      { label: '金额', cell: (p) => yuan(p.amount) },
      { label: '交纳日期', cell: (p) => p.paid_on },
      { label: '方式', cell: (p) => CHANNEL_NAME[p.channel] || p.channel },
    ], [...d.payments].reverse().slice(0, 24), { testid: 'payments' }) : h('p', { class: 'muted' }, d.bases.length ? '还没有交纳记录' : '尚未核定党费基数，暂不核算党费'),
    form);
}

const TRANSFER_FIELDS = [
  { name: 'to_org_code', label: '转入党支部（系统内，编码）', type: 'text', max: 32, hint: '输入名称或编码选择；转往系统外则不填' },
  { name: 'to_outside', label: '转入党组织名称（系统外）', type: 'text', max: 100 },
  { name: 'letter_no', label: '介绍信编号', type: 'text', max: 50, hint: '转往系统外必填' },
  { name: 'issued_on', label: '开具日期', type: 'date', required: true },
  { name: 'reason', label: '转接原因', type: 'text', max: 200, wide: true },
];

function transferForm(m, today, ctx) {
  const f = fieldForm(TRANSFER_FIELDS, { issued_on: today }, {
    suggest: {
      to_org_code: async (t) => (await branches()).filter((b) => b.code !== m.org_code && (!t || b.code.includes(t) || b.name.includes(t)))
        .slice(0, 30).map((b) => ({ value: b.code, label: b.name })),
    },
  });
  const msg = formAlert();
  const form = h('form', { class: 'card', novalidate: true, 'data-testid': 'transfer-form', hidden: true },
    h('h3', null, '开具组织关系介绍信'), f.el, msg,
    h('div', { class: 'row end' }, h('button', { class: 'btn primary', type: 'submit' }, '开具')));
  return onSubmit(form, async () => {
    const t = await post(`/api/v1/members/${m.id}/transfers`, compact(f.values()));
    toast(`已开具，待${t.to_org_name || t.to_outside}接收`);
    ctx.navigate(location.pathname + location.search, { replace: true });
  }, { places: f.places, alert: msg });
}

export default {
  title: '党员信息',
  async render(ctx) {
    const id = ctx.params.id;
    const reveal = ctx.query.get('reveal') === '1' && canWrite();
    const m = await get(`/api/v1/members/${enc(id)}`, { reveal: reveal ? 1 : '' });
    document.title = `${m.name} · 强基`;
    const [trail, today] = await Promise.all([orgTrail(m.org_code, m.name), serverToday(m.org_code).catch(() => null)]);
    const day = today || new Date().toISOString().slice(0, 10);
    const [hist, dues] = await Promise.all([historySections(m), duesSection(m, day, ctx)]);
    const age = yearsSince(m.birth_date);
    const standing = m.category === '正式党员' && m.full_on ? yearsSince(m.full_on) : null;
    const w = canWrite();
    const remove = async () => {
      if (!window.confirm(`确定删除 ${m.name} 的记录吗？只用于删除录入错误的记录；党员离开组织请办理转出或出党。`)) return;
      try {
        await del(`/api/v1/members/${m.id}`);
        forgetOrgs();
        toast('已删除');
        ctx.navigate(`/orgs/${enc(m.org_code)}/members`, { replace: true });
      } catch (e) { toast(e.message, { error: true }); }
    };
    const tform = w && m.status === 'active' ? transferForm(m, day, ctx) : null;
    return h('div', { 'data-testid': 'member-page', 'data-id': m.id },
      trail,
      h('h1', null, m.name, h('span', { class: 'tag' }, m.category), m.mobile ? h('span', { class: 'tag' }, '流动党员') : null,
        m.status !== 'active' ? h('span', { class: 'tag grey' }, STATUS_NAMES[m.status] || m.status) : null),
      h('p', { class: 'muted' }, [m.gender, age !== null ? `${age} 岁` : null, m.org_name, standing !== null ? `党龄 ${standing} 年` : null].filter(Boolean).join(' · ')),
      w ? h('div', { class: 'row actions' },
        h('a', { class: 'btn primary', href: `/members/${m.id}/edit` }, '编辑'),
        reveal ? h('a', { class: 'btn', href: `/members/${m.id}` }, '隐藏完整信息')
          : h('a', { class: 'btn', href: `/members/${m.id}?reveal=1`, title: '查看将记入审计日志' }, '显示完整身份证号和电话'),
        tform ? h('button', { class: 'btn', type: 'button', 'aria-expanded': 'false', onclick: (e) => {
          tform.hidden = !tform.hidden;
          e.currentTarget.setAttribute('aria-expanded', String(!tform.hidden));
          if (!tform.hidden) tform.querySelector('input').focus();
        } }, '转出组织关系') : null,
        h('span', { class: 'spacer' }),
        h('button', { class: 'btn danger', type: 'button', onclick: remove }, '删除')) : null,
      tform,
      h('div', { class: 'split' },
        h('section', null, h('h2', null, '基本信息'), h('div', { class: 'card' }, kv(MEMBER_FIELDS.filter((f) => f.name !== 'org_code'), m, [
          ['所在党支部', h('a', { href: `/orgs/${enc(m.org_code)}` }, m.org_name || m.org_code)],
          ['最后更新', when(m.updated_at)]]))),
        h('div', null, dues, hist[0])),
      hist.slice(1));
  },
};
