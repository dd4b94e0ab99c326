// tree.js: the organization tree of the user's subtree. Each level opens on
// a tap (its children are fetched then); a name leads to the organization's
// page. The search box finds an organization anywhere below by name or code
// and shows where it sits.
import { h, fill, debounce } from '../dom.js';
import { get } from '../api.js';
import { currentUser } from '../session.js';
import { getOrg, searchOrgs } from '../orgs.js';
import { errorBox } from '../widgets.js';

const orgHref = (code) => `/orgs/${encodeURIComponent(code)}`;

function node(o, open) {
  const kids = h('ul', { hidden: true });
  const toggle = h('button', {
    class: 'toggle', type: 'button', disabled: !o.children_count,
    'aria-expanded': 'false', 'aria-label': `展开 ${o.name}`,
  }, '▸');
  let loaded = false;
  const set = async (want) => {
    toggle.setAttribute('aria-expanded', String(want));
    toggle.textContent = want ? '▾' : '▸';
    kids.hidden = !want;
    if (want && !loaded) {
      loaded = true;
      fill(kids, h('li', { class: 'muted small' }, '正在加载…'));
      try {
        const r = await get(`/api/v1/orgs/${encodeURIComponent(o.code)}/children`);
        fill(kids, r.items.map((c) => node(c, false)));
      } catch (e) {
        loaded = false;
        fill(kids, h('li', null, errorBox(e)));
      }
    }
  };
  toggle.addEventListener('click', () => set(kids.hidden));
  const li = h('li', { 'data-code': o.code },
    h('div', { class: 'node' }, toggle,
      h('span', { class: 'name' }, h('a', { href: orgHref(o.code) }, o.name), h('span', { class: 'tag grey' }, o.kind)),
      h('span', { class: 'count', title: '党员人数（含下级）' }, `${o.member_count} 人`)),
    kids);
  if (open && o.children_count) set(true);
  return li;
}

export default {
  title: '组织架构',
  async render() {
    const root = await getOrg(currentUser().org_code);
    const results = h('div', { 'data-testid': 'org-search-results' });
    const q = h('input', { type: 'search', placeholder: '搜索组织名称或编码', 'aria-label': '搜索组织', maxlength: 50 });
    const run = debounce(async () => {
      const s = q.value.trim();
      if (!s) { fill(results); return; }
      fill(results, h('p', { class: 'muted small' }, '正在搜索…'));
      try {
        const found = await searchOrgs(s);
        if (q.value.trim() !== s) return;
        fill(results, found.length
          ? h('ul', { class: 'list card' }, found.map((o) => h('li', null, h('div', { class: 'grow' },
            h('a', { href: orgHref(o.code) }, o.name), h('span', { class: 'tag grey' }, o.kind),
            h('div', { class: 'muted small' }, o.path.length ? o.path.join(' › ') : '（最上级）')))))
          : h('p', { class: 'muted' }, '没有找到匹配的组织'));
      } catch (e) { fill(results, errorBox(e)); }
    }, 250);
    q.addEventListener('input', run);
    return h('div', null,
      h('h1', null, '组织架构'),
      h('div', { class: 'searchbar' }, q),
      results,
      h('div', { class: 'card tree', 'data-testid': 'org-tree' }, h('ul', null, node(root, true))));
  },
};
