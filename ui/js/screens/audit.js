// audit.js: the audit log of a subtree, newest first: who did what to which
// record and what changed, in words (ID numbers and phones come masked).
// The names of actions, objects and of the fields no form names are the
// server's (GET /api/v1/meta: audit_action, audit_entity, audit_field), as
// are the attendance states. ?org= narrows it to an organization's subtree;
// ?action=, ?entity=, ?actor=, ?from=, ?to= filter it (on the server, so the
// total and the pages count what is kept); paged by 50.
import { h, fill } from '../dom.js';
import { get } from '../api.js';
import { roleName } from '../session.js';
import { orgFrame, orgOf } from '../orgframe.js';
import { MEMBER_FIELDS, ORG_FIELDS, when } from '../fields.js';
import { enumNames, enumPairs } from '../meta.js';
import { table, pager, errorBox } from '../widgets.js';

const ACTIONS = enumNames('audit_action');
const ENTITIES = enumNames('audit_entity');
const FIELDS = enumNames('audit_field');
const STATES = enumNames('attendance_state', [{ value: 'present', label: '出席' }]);

/** An action's Chinese name (the server's), or the word itself. */
export const actionName = (a) => ACTIONS[a] || a;
/** An object kind's Chinese name (the server's), or the word itself. */
export const entityName = (e) => ENTITIES[e] || e;

const LABELS = {
  member: Object.fromEntries(MEMBER_FIELDS.map((f) => [f.name, f.label])),
  org: Object.fromEntries(ORG_FIELDS.map((f) => [f.name, f.label])),
};
const label = (entity, k) => (LABELS[entity] || {})[k] || FIELDS[k] || k;
const SKIP = new Set(['updated_at', 'created_at', 'org_name', 'children_count', 'member_count', 'joint', 'temporary', 'project', 'id']);

/** A value in words: 空, 是/否, an attendance state, a list or record as its size; never [object Object]. */
function text(v, k) {
  if (v === null || v === undefined || v === '') return '空';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (Array.isArray(v)) return v.length ? `${v.length} 项` : '无';
  if (typeof v === 'object') return v.name || v.title || `${Object.keys(v).length} 项`;
  if (k === 'state' && STATES[v]) return STATES[v];
  if (k.endsWith('_at') && typeof v === 'string') return when(v);
  return String(v);
}

const same = (x, y) => JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
const li = (what, b, a) => h('li', null, `${what}：`, h('del', null, b), ' → ', h('ins', null, a));

/** Attendance lists before and after: per member whose state changed, 姓名：旧 → 新. */
function attendance(b, a) {
  const was = new Map((Array.isArray(b) ? b : []).map((x) => [x.member_id, x]));
  const rows = [];
  for (const x of Array.isArray(a) ? a : []) {
    const y = was.get(x.member_id) || {};
    if (same(x.state, y.state) && same(x.reason, y.reason)) continue;
    const st = (s, r) => (s ? STATES[s] || s : '未登记') + (r ? `（${r}）` : '');
    rows.push(li(x.name || `#${x.member_id}`, st(y.state, y.reason), st(x.state, x.reason)));
  }
  if (!rows.length) return h('span', { class: 'small muted' }, '出席情况无变化');
  return h('ul', { class: 'changes' }, rows);
}

/** What an entry changed, as a short list in words (field: old → new). */
export function changes(e) {
  const b = e.before, a = e.after;
  if (e.action === 'attendance' || Array.isArray(a) || Array.isArray(b)) return attendance(b, a);
  if (e.action === 'reveal') {
    return h('span', { class: 'small muted' }, e.entity === 'export' ? '导出了含未遮盖身份证号和电话的文件' : '显示了未遮盖的身份证号和电话');
  }
  if (e.action === 'delete') return h('span', { class: 'small' }, `删除了记录${b && b.name ? '：' + b.name : ''}`);
  if (e.action === 'create') {
    const what = e.entity === 'user' ? `${(a && a.login) || e.key}（${a && a.role ? roleName(a.role) : ''}）` : (a && (a.name || a.title)) || e.object_name || e.key;
    return h('span', { class: 'small' }, `新建：${what}`);
  }
  const bo = b && typeof b === 'object' ? b : {}, ao = a && typeof a === 'object' ? a : {};
  if (!b && a) {
    // Nothing before (an import, a step, a payment, the demo): what was recorded.
    // An import's answer: its counts and file, not its checksums.
    const keys = Object.keys(ao).filter((k) => !SKIP.has(k) && !k.endsWith('_id') && (e.action !== 'import' || FIELDS[k]));
    if (!keys.length) return h('span', { class: 'small muted' }, '—');
    return h('span', { class: 'small' }, keys.map((k) => `${label(e.entity, k)} ${text(ao[k], k)}`).join('，'));
  }
  const keys = [...new Set([...Object.keys(bo), ...Object.keys(ao)])].filter((k) => !SKIP.has(k) && !same(bo[k], ao[k]));
  if (!keys.length) return h('span', { class: 'small muted' }, '无字段变化');
  return h('ul', { class: 'changes' }, keys.map((k) => li(label(e.entity, k), text(bo[k], k), text(ao[k], k))));
}

/** A name with a smaller line under it (a code, the kind of object). */
const twoLines = (main, sub) => h('span', { class: 'two-lines' }, main, sub ? h('span', { class: 'sub small muted' }, sub) : null);

function object(e) {
  const name = e.object_name;
  if (e.entity === 'member' && /^\d+$/.test(e.key || '') && e.action !== 'delete' && e.action !== 'transfer_out') {
    return h('a', { href: `/members/${e.key}` }, name || `#${e.key}`);
  }
  if (e.entity === 'org' && e.key && e.action !== 'import') return twoLines(h('a', { href: `/orgs/${encodeURIComponent(e.key)}` }, name || e.key), name ? e.key : null);
  return name || e.key || '—';
}

const SIZE = 50;
const FILTERS = ['action', 'entity', 'actor', 'from', 'to'];

export default {
  title: '审计日志',
  async render(ctx) {
    const code = orgOf(ctx);
    const { org: o, head } = await orgFrame(code);
    let page = Math.max(0, (Number(ctx.query.get('page')) || 1) - 1);
    const q = (k) => ctx.query.get(k) || '';
    const select = (name, pairs, title) => h('select', { name, id: `audit-${name}` },
      h('option', { value: '' }, `全部${title}`), pairs.map(([v, t]) => h('option', { value: v, selected: q(name) === v }, t)));
    const ctl = {
      action: select('action', enumPairs('audit_action'), '操作'),
      entity: select('entity', enumPairs('audit_entity'), '对象'),
      actor: h('input', { type: 'search', name: 'actor', id: 'audit-actor', value: q('actor'), maxlength: 64, placeholder: '账号，如 admin' }),
      from: h('input', { type: 'date', name: 'from', id: 'audit-from', value: q('from') }),
      to: h('input', { type: 'date', name: 'to', id: 'audit-to', value: q('to') }),
    };
    const field = (k, text) => h('div', { class: 'field' }, h('label', { for: `audit-${k}` }, text), ctl[k]);
    const out = h('div', { 'data-testid': 'audit-results' });
    const values = () => Object.fromEntries(FILTERS.map((k) => [k, ctl[k].value.trim()]));
    let seq = 0;
    const load = async () => {
      const my = ++seq;
      ctx.setQuery({ ...values(), page: page ? page + 1 : '' });
      out.setAttribute('aria-busy', 'true');
      try {
        const r = await get('/api/v1/audit', { org: code, ...values(), limit: SIZE, offset: page * SIZE });
        if (my !== seq || ctx.stale()) return;
        const filtered = FILTERS.some((k) => values()[k]);
        fill(out, table([
          { label: '时间', head: true, cell: (e) => h('span', { class: 'nowrap' }, when(e.at)) },
          { label: '操作人', cell: (e) => e.actor },
          { label: '操作', cell: (e) => twoLines(h('strong', { class: 'nowrap' }, actionName(e.action)), entityName(e.entity)) },
          { label: '对象', cell: object },
          { label: '组织', cell: (e) => (e.org_code ? twoLines(e.org_name || e.org_code, e.org_name ? e.org_code : null) : '—') },
          { label: '变更', cell: (e) => changes(e) },
        ], r.items, { empty: filtered ? '没有符合条件的审计记录' : '没有审计记录', testid: 'audit-table' }),
        r.total > SIZE ? pager(page, SIZE, r.total, (p) => { page = p; load(); }) : h('p', { class: 'muted small', 'data-testid': 'audit-total' }, `共 ${r.total} 条`));
      } catch (e) {
        if (my === seq) fill(out, errorBox(e));
      } finally {
        if (my === seq) out.removeAttribute('aria-busy');
      }
    };
    const form = h('form', { class: 'audit-filters', 'data-testid': 'audit-filters', onsubmit: (ev) => { ev.preventDefault(); page = 0; load(); } },
      field('action', '操作'), field('entity', '对象'), field('actor', '操作人'), field('from', '起始日期'), field('to', '截止日期'),
      h('div', { class: 'buttons row' },
        h('button', { class: 'btn primary', type: 'submit' }, '筛选'),
        h('button', { class: 'btn', type: 'button', onclick: () => { for (const k of FILTERS) ctl[k].value = ''; page = 0; load(); } }, '清除')));
    for (const k of ['action', 'entity', 'from', 'to']) ctl[k].addEventListener('change', () => { page = 0; load(); });
    load();
    return h('div', null, head({ crumb: '审计日志', title: `审计日志 · ${o.name}` }),
      h('p', { class: 'muted small' }, '记录本组织及下级的每一次新增、修改、删除、导入和查看完整信息，不可篡改。'), form, out);
  },
};
