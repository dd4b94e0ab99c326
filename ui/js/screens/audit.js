// audit.js: the audit log of a subtree, newest first: who did what to which
// record and which fields changed (ID numbers and phones come masked).
// ?org= narrows it to an organization's subtree; paged by 50.
import { h, fill } from '../dom.js';
import { get } from '../api.js';
import { roleName } from '../session.js';
import { orgFrame, orgOf } from '../orgframe.js';
import { MEMBER_FIELDS, ORG_FIELDS, when } from '../fields.js';
import { table, pager, errorBox } from '../widgets.js';

export const ACTION_NAMES = { create: '新增', update: '修改', delete: '删除', reveal: '查看完整信息', import: '导入', move: '移动' };
const ENTITY_NAMES = { member: '党员', org: '组织', user: '用户', export: '导出' };
const LABELS = {
  member: Object.fromEntries(MEMBER_FIELDS.map((f) => [f.name, f.label])),
  org: Object.fromEntries(ORG_FIELDS.map((f) => [f.name, f.label])),
  user: { login: '账号', role: '角色', org_code: '组织', member_id: '党员', disabled: '停用' },
};
const IMPORT_LABELS = { file: '文件', inserted: '新增', updated: '更新', unchanged: '未变', rejected: '拒绝', rows: '行数' };
const SKIP = new Set(['updated_at', 'org_name', 'children_count', 'member_count', 'joint', 'temporary', 'project', 'id']);

const text = (v) => (v === null || v === undefined || v === '' ? '空' : typeof v === 'boolean' ? (v ? '是' : '否') : String(v));

/** What an entry changed, as a short list (field: old → new). */
export function changes(e) {
  const names = LABELS[e.entity] || {};
  const b = e.before || {}, a = e.after || {};
  if (e.action === 'import') {
    return h('span', { class: 'small' }, Object.entries(a).filter(([k]) => IMPORT_LABELS[k]).map(([k, v]) => `${IMPORT_LABELS[k]} ${v}`).join('，'));
  }
  if (e.action === 'reveal') return h('span', { class: 'small muted' }, '显示了未遮盖的身份证号和电话');
  if (e.action === 'delete') return h('span', { class: 'small' }, `删除了记录${b.name ? '：' + b.name : ''}`);
  if (e.action === 'create') {
    const what = e.entity === 'user' ? `${a.login || e.key}（${a.role ? roleName(a.role) : ''}）` : a.name || e.key;
    return h('span', { class: 'small' }, `新建：${what}`);
  }
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])]
    .filter((k) => !SKIP.has(k) && JSON.stringify(b[k] ?? null) !== JSON.stringify(a[k] ?? null));
  if (!keys.length) return h('span', { class: 'small muted' }, '无字段变化');
  return h('ul', { class: 'changes' }, keys.map((k) => h('li', null, `${names[k] || k}：`,
    h('del', null, text(b[k])), ' → ', h('ins', null, text(a[k])))));
}

const SIZE = 50;

export default {
  title: '审计日志',
  async render(ctx) {
    const code = orgOf(ctx);
    const { org: o, head } = await orgFrame(code);
    let page = Math.max(0, (Number(ctx.query.get('page')) || 1) - 1);
    const out = h('div', { 'data-testid': 'audit-results' });
    const load = async () => {
      ctx.setQuery({ page: page ? page + 1 : '' });
      try {
        const r = await get('/api/v1/audit', { org: code, limit: SIZE, offset: page * SIZE });
        if (ctx.stale()) return;
        fill(out, table([
          { label: '时间', head: true, cell: (e) => h('span', { class: 'nowrap' }, when(e.at)) },
          { label: '操作人', cell: (e) => e.actor },
          { label: '操作', cell: (e) => `${ACTION_NAMES[e.action] || e.action}${ENTITY_NAMES[e.entity] || e.entity}` },
          { label: '对象', cell: (e) => (e.entity === 'member' && /^\d+$/.test(e.key) && e.action !== 'delete'
            ? h('a', { href: `/members/${e.key}` }, (e.after && e.after.name) || (e.before && e.before.name) || `#${e.key}`)
            : e.entity === 'org' ? h('a', { href: `/orgs/${encodeURIComponent(e.key)}` }, e.key)
              : (e.before && e.before.name) || e.key) },
          { label: '组织', cell: (e) => e.org_code || '—' },
          { label: '变更', cell: (e) => changes(e) },
        ], r.items, { empty: '没有审计记录', testid: 'audit-table' }),
        pager(page, SIZE, r.total, (p) => { page = p; load(); }));
      } catch (e) { fill(out, errorBox(e)); }
    };
    load();
    return h('div', null, head({ crumb: '审计日志', title: `审计日志 · ${o.name}` }),
      h('p', { class: 'muted small' }, '记录本组织及下级的每一次新增、修改、删除、导入和查看完整信息，不可篡改。'), out);
  },
};
