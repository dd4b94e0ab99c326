// members.js: the members of an organization's whole subtree. Search by
// name, full pinyin, pinyin initials (zsf finds 张三丰) or ID number, filter
// by roster status, page through 20 at a time. The address keeps the search
// (?q=&status=&page=), so Back and a shared link show the same list.
import { h, fill, debounce } from '../dom.js';
import { get } from '../api.js';
import { currentUser, canWrite } from '../session.js';
import { orgFrame } from '../orgframe.js';
import { STATUS_NAMES, BRANCH_KINDS, yearsSince } from '../fields.js';
import { table, pager, errorBox } from '../widgets.js';

const SIZE = 20;
const enc = encodeURIComponent;

export default {
  title: '党员名单',
  async render(ctx) {
    const code = ctx.params.code || currentUser().org_code;
    const { org: o, head } = await orgFrame(code);
    let page = Math.max(0, (Number(ctx.query.get('page')) || 1) - 1);
    const q = h('input', { type: 'search', name: 'q', value: ctx.query.get('q') || '', maxlength: 50,
      placeholder: '姓名、拼音、首字母（如 zsf）或身份证号', 'aria-label': '搜索党员' });
    const status = h('select', { name: 'status', 'aria-label': '党籍状态' },
      Object.entries(STATUS_NAMES).map(([v, t]) => h('option', { value: v, selected: (ctx.query.get('status') || 'active') === v }, t)));
    const out = h('div', { 'data-testid': 'member-results' });
    let seq = 0;

    const load = async () => {
      const my = ++seq;
      ctx.setQuery({ q: q.value.trim(), status: status.value === 'active' ? '' : status.value, page: page ? page + 1 : '' });
      out.setAttribute('aria-busy', 'true');
      try {
        const r = await get(`/api/v1/orgs/${enc(code)}/members`, { q: q.value.trim(), status: status.value, limit: SIZE, offset: page * SIZE });
        if (my !== seq || ctx.stale()) return;
        fill(out,
          table([
            { label: '姓名', head: true, cell: (m) => h('a', { href: `/members/${m.id}` }, m.name) },
            { label: '性别', cell: (m) => m.gender || '—' },
            { label: '年龄', cell: (m) => (m.birth_date ? `${yearsSince(m.birth_date)} 岁` : '—') },
            { label: '类别', cell: (m) => m.category },
            { label: '学历', cell: (m) => m.education || '—' },
            { label: '所在支部', cell: (m) => h('a', { href: `/orgs/${enc(m.org_code)}` }, m.org_name || m.org_code) },
            { label: '联系电话', cell: (m) => h('span', { class: 'nowrap' }, m.phone || '—') },
            { label: '状态', cell: (m) => STATUS_NAMES[m.status] || m.status },
          ], r.items, { empty: q.value.trim() ? '没有找到匹配的党员' : '没有党员', testid: 'member-table' }),
          r.total > SIZE ? pager(page, SIZE, r.total, (p) => { page = p; load(); }) : h('p', { class: 'muted small' }, `共 ${r.total} 人`));
      } catch (e) {
        if (my === seq) fill(out, errorBox(e));
      } finally {
        if (my === seq) out.removeAttribute('aria-busy');
      }
    };
    const again = debounce(() => { page = 0; load(); }, 300);
    q.addEventListener('input', again);
    status.addEventListener('change', () => { page = 0; load(); });
    q.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); page = 0; load(); } });
    load();
    return h('div', null,
      head({ crumb: '党员名单', title: `${o.name} · 党员`,
        side: canWrite() && BRANCH_KINDS.includes(o.kind) ? h('a', { class: 'btn primary', href: `/members/new?org=${enc(code)}` }, '新增党员') : null }),
      h('div', { class: 'searchbar' }, q, status),
      out);
  },
};
