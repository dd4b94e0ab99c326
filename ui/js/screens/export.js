// export.js: download an organization's subtree as CSV (opens in Excel, and
// re-imports unchanged when the full numbers are included) or as .xlsx.
// Writers may include full ID numbers and phones; that is audited.
import { h } from '../dom.js';
import { url } from '../api.js';
import { canWrite } from '../session.js';
import { orgFrame, orgOf } from '../orgframe.js';

export default {
  title: '导出',
  async render(ctx) {
    const code = orgOf(ctx);
    const { org: o, head } = await orgFrame(code);
    const reveal = h('input', { id: 'exp-reveal', type: 'checkbox' });
    const link = (what, format, label) => {
      const a = h('a', { class: 'btn', href: url(`/api/v1/export/${what}`, { org: code, format }), download: '', 'data-testid': `export-${what}-${format}` }, label);
      a.addEventListener('click', () => { a.href = url(`/api/v1/export/${what}`, { org: code, format, reveal: reveal.checked ? 1 : '' }); });
      return a;
    };
    return h('div', null, head({ crumb: '导出', title: `导出 · ${o.name}` }),
      h('div', { class: 'card' },
        h('h2', null, '党员信息'), h('p', { class: 'muted small' }, `${o.name}及下级组织的全部在册党员（${o.member_count} 人）。`),
        h('div', { class: 'row' }, link('members', 'xlsx', '下载 Excel（.xlsx）'), link('members', 'csv', '下载 CSV')),
        canWrite() ? h('div', { class: 'field check' }, reveal, h('label', { for: 'exp-reveal' }, '包含完整身份证号和电话（将记入审计日志）')) : null),
      h('div', { class: 'card' },
        h('h2', null, '组织信息'), h('p', { class: 'muted small' }, `${o.name}及全部下级组织。`),
        h('div', { class: 'row' }, link('orgs', 'xlsx', '下载 Excel（.xlsx）'), link('orgs', 'csv', '下载 CSV'))),
      h('p', { class: 'muted small' }, '其他组织的数据：在组织页面点击“导出”。'));
  },
};
