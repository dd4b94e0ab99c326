// dues.js: 党费 of an organization's subtree, summary first: how many members
// are tracked and how many owe, aged (1-3, 4-6, 7 or more months), the
// six-month warning (six months in a row unpaid: under the Party constitution,
// without good reason, regarded as having left the Party) as a count with a
// link to those members, the counts by organization one level down (each a
// link to its own page), then the members in arrears and those who paid last
// year but not yet this year, a page at a time from the server (each opening
// the member's page, where a payment is recorded), and the treasurer's sheet of
// the year as Excel or CSV. A county's page stays short: nothing is listed whole.
import { h } from '../dom.js';
import { get, url } from '../api.js';
import { orgFrame, orgOf } from '../orgframe.js';
import { orgLabel } from '../orgs.js';
import { stat, table, orgSummary, pagedBox, staleNote } from '../widgets.js';
import { yuan } from '../lifecycle.js';

const enc = encodeURIComponent;
/** Members per page. */
export const PAGE = 20;
const AGE = { '1-3': '1-3 个月', '4-6': '4-6 个月', '7+': '7 个月以上' };

function arrearsTable(items) {
  const el = table([
    { label: '姓名', cell: (a) => h('a', { href: `/members/${a.member_id}` }, a.name), head: true },
    { label: '组织', cell: (a) => orgLabel(a.org_code, a.org_name) },
    { label: '欠缴月数', cell: (a) => h('span', { 'data-testid': 'months' }, `${a.unpaid_months} 个月`) },
    { label: '连续未缴', cell: (a) => `${a.consecutive_unpaid} 个月` },
    { label: '欠缴金额', cell: (a) => yuan(a.owed) },
    { label: '最早欠缴', cell: (a) => a.oldest_unpaid || '—' },
    { label: '最近交至', cell: (a) => a.last_paid || '未交' },
    { label: '账龄', cell: (a) => (a.six_month_flag ? h('span', { class: 'tag', 'data-testid': 'six' }, '连续六个月未交')
      : h('span', { class: a.ageing === '1-3' ? 'tag grey' : 'tag amber' }, AGE[a.ageing] || a.ageing)) },
  ], items, { empty: '没有欠缴党费的党员', testid: 'arrears' });
  for (const [i, tr] of [...el.querySelectorAll('tbody tr')].entries()) tr.dataset.member = items[i].member_id;
  return el;
}

export default {
  title: '党费',
  async render(ctx) {
    const code = orgOf(ctx);
    const onlySix = ctx.query.get('six') === '1';
    const base = `/api/v1/orgs/${enc(code)}/dues`;
    // Without a year the lapsed list is of the server's current year: asked together with the arrears.
    const [{ org: o, head }, ar, lapsed] = await Promise.all([orgFrame(code, { children: '/dues' }),
      get(`${base}/arrears`, { limit: PAGE, six_months: onlySix ? 1 : '' }), get(`${base}/lapsed`, { limit: PAGE })]);
    const year = lapsed.year;
    document.title = `${o.name} · 党费 · 强基`;
    const here = (extra) => `/dues?${new URLSearchParams({ org: code, ...extra })}`;
    const exp = (format) => h('a', { class: 'btn', href: url('/api/v1/export/dues', { org: code, year, format }), download: '', 'data-testid': `dues-export-${format}` },
      format === 'xlsx' ? `下载 ${year} 年收缴台账（Excel）` : '下载（CSV）');

    /** A section whose table pages on the server: first, fetch(page) for the others. */
    const paged = (first, fetch, draw) => pagedBox(first, fetch, (r) => draw(r.items), PAGE);
    const byOrg = ar.by_org && ar.by_org.length ? h('section', null, h('h2', null, '各下级组织'),
      orgSummary(ar.by_org, {
        testid: 'dues-by-org', href: (b) => `/dues?org=${enc(b.org_code)}`,
        figures: (b) => [`欠缴 ${b.in_arrears} 人 · ${yuan(b.owed)}`, b.six_month_flags ? h('span', { class: 'tag' }, `连续六个月未交 ${b.six_month_flags} 人`) : null],
      })) : null;
    return h('div', { 'data-testid': 'dues-page', 'data-code': code },
      head({ title: `${o.name} · 党费` }),
      h('div', { class: 'row actions scroll' }, exp('xlsx'), exp('csv')),
      staleNote(ar, lapsed),
      h('div', { class: 'stats' },
        stat('纳入核算', ar.tracked, '已核定党费基数的党员'),
        stat('欠缴人数', ar.in_arrears, `截至 ${ar.today}，当月不计`, { testid: 'in-arrears' }),
        stat('欠 1-3 个月', ar.ageing['1-3'], null, { testid: 'age-1-3' }),
        stat('欠 4-6 个月', ar.ageing['4-6'], null, { testid: 'age-4-6' }),
        stat('欠 7 个月以上', ar.ageing['7+'], null, { testid: 'age-7' }),
        stat('连续六个月未交', ar.six_month_flags, '应谈话核实', { testid: 'six-count' }),
        stat(`去年交、${year} 年未交`, lapsed.total ?? lapsed.items.length, null, { testid: 'lapsed-count' })),
      ar.six_month_flags && !onlySix ? h('div', { class: 'alert', role: 'alert', 'data-testid': 'six-warning' },
        h('strong', null, '六个月预警：'), `${ar.six_month_flags} 名党员已连续六个月未交纳党费。`,
        h('a', { href: here({ six: '1' }), 'data-testid': 'six-link' }, '查看名单'),
        '。党章规定：党员无正当理由连续六个月不交纳党费，就被认为是自行脱党。请及时谈话核实。') : null,
      byOrg,
      h('section', null,
        h('h2', null, onlySix ? `连续六个月未交（${ar.total} 人）` : `欠缴党费（${ar.in_arrears} 人）`,
          onlySix ? h('a', { class: 'small inline-link', href: here({}) }, '全部欠缴') : null),
        paged(ar, (p) => get(`${base}/arrears`, { limit: PAGE, offset: p * PAGE, six_months: onlySix ? 1 : '' }),
          arrearsTable)),
      h('section', null, h('h2', null, `去年交纳、${year} 年尚未交纳（${lapsed.total ?? lapsed.items.length} 人）`),
        paged(lapsed, (p) => get(`${base}/lapsed`, { year, limit: PAGE, offset: p * PAGE }), (items) => table([
          { label: '姓名', cell: (a) => h('a', { href: `/members/${a.member_id}` }, a.name), head: true },
          { label: '组织', cell: (a) => orgLabel(a.org_code, a.org_name) },
          { label: '最近交至', cell: (a) => a.last_paid || '—' },
        ], items, { empty: '没有这样的党员', testid: 'lapsed' }))),
      h('p', { class: 'muted small' }, '登记交纳：打开党员信息页，在“党费”一节登记。'));
  },
};
