// member.js: one member's record, where they belong, and their history (the
// audit entries about them: created, changed, imported, shown unmasked).
// Writers may edit, show the full ID number and phone (which is itself
// written to the audit log), or remove a record entered in error.
import { h, toast } from '../dom.js';
import { get, del } from '../api.js';
import { canWrite } from '../session.js';
import { ancestors, crumbs, forgetOrgs } from '../orgs.js';
import { MEMBER_FIELDS, STATUS_NAMES, yearsSince, when } from '../fields.js';
import { kv, table } from '../widgets.js';
import { changes, ACTION_NAMES } from './audit.js';

export default {
  title: '党员信息',
  async render(ctx) {
    const id = ctx.params.id;
    const reveal = ctx.query.get('reveal') === '1' && canWrite();
    const m = await get(`/api/v1/members/${encodeURIComponent(id)}`, { reveal: reveal ? 1 : '' });
    document.title = `${m.name} · 强基`;
    const chain = await ancestors(m.org_code).catch(() => []);
    let history = h('p', { class: 'muted' }, '无');
    try {
      const a = await get('/api/v1/audit', { org: m.org_code, limit: 200 });
      const mine = a.items.filter((e) => e.entity === 'member' && e.key === String(m.id));
      history = table([
        { label: '时间', head: true, cell: (e) => when(e.at) },
        { label: '操作人', cell: (e) => e.actor },
        { label: '操作', cell: (e) => ACTION_NAMES[e.action] || e.action },
        { label: '变更', cell: (e) => changes(e) },
      ], mine, { empty: '最近没有变更记录', testid: 'member-history' });
    } catch (e) {
      history = h('p', { class: 'muted' }, `无法读取历史：${e.message}`);
    }
    const age = yearsSince(m.birth_date);
    const standing = m.category === '正式党员' && m.full_on ? yearsSince(m.full_on) : null;
    const w = canWrite();
    const remove = async () => {
      if (!window.confirm(`确定删除 ${m.name} 的记录吗？只用于删除录入错误的记录；党员离开组织请办理转出或出党。`)) return;
      try {
        await del(`/api/v1/members/${m.id}`);
        forgetOrgs();
        toast('已删除');
        ctx.navigate(`/orgs/${encodeURIComponent(m.org_code)}/members`, { replace: true });
      } catch (e) { toast(e.message, { error: true }); }
    };
    return h('div', { 'data-testid': 'member-page' },
      chain.length ? crumbs(chain, m.name) : null,
      h('h1', null, m.name, h('span', { class: 'tag' }, m.category), m.mobile ? h('span', { class: 'tag' }, '流动党员') : null,
        m.status !== 'active' ? h('span', { class: 'tag grey' }, STATUS_NAMES[m.status] || m.status) : null),
      h('p', { class: 'muted' }, [m.gender, age !== null ? `${age} 岁` : null, m.org_name, standing !== null ? `党龄 ${standing} 年` : null].filter(Boolean).join(' · ')),
      w ? h('div', { class: 'row actions' },
        h('a', { class: 'btn primary', href: `/members/${m.id}/edit` }, '编辑'),
        reveal ? h('a', { class: 'btn', href: `/members/${m.id}` }, '隐藏完整信息')
          : h('a', { class: 'btn', href: `/members/${m.id}?reveal=1`, title: '查看将记入审计日志' }, '显示完整身份证号和电话'),
        h('span', { class: 'spacer' }),
        h('button', { class: 'btn danger', type: 'button', onclick: remove }, '删除')) : null,
      h('div', { class: 'split' },
        h('section', null, h('h2', null, '基本信息'), h('div', { class: 'card' }, kv(MEMBER_FIELDS.filter((f) => f.name !== 'org_code'), m, [
          ['所在党支部', h('a', { href: `/orgs/${encodeURIComponent(m.org_code)}` }, m.org_name || m.org_code)],
          ['最后更新', when(m.updated_at)]]))),
        h('section', null, h('h2', null, '变更历史'), history)));
  },
};
