// router.js: a small client-side router over the History API. Each screen is
// one module under screens/ whose default export is
//   { title: '…' or (ctx) => '…', render(ctx) -> Node | Promise<Node> }
// and is listed once in routes.js with its path pattern ('/orgs/:code'), the
// roles that may open it and, if it belongs there, its menu entry. The server
// answers index.html for every such path, so reloads and shared links work.
import { h, fill } from './dom.js';
import { ApiError } from './api.js';

let table = [];
let hooks = {};
let seq = 0;
let leaving = [];

function compile(pattern) {
  const names = [];
  const re = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\/:(\w+)/g, (_, n) => { names.push(n); return '/([^/]+)'; });
  return { re: new RegExp(`^${re}/?$`), names };
}

/**
 * Starts the router. routes: [{path, load, roles?, public?, bare?}];
 * hook.guard(route, ctx) may return a path to go to instead (sign-in, home);
 * hook.after(route, ctx) runs after each screen is shown (menu highlighting).
 */
export function start(routes, hook) {
  table = routes.map((r) => ({ ...r, ...compile(r.path) }));
  hooks = hook || {};
  window.addEventListener('popstate', () => render());
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target.closest('a[href]');
    if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
    if (a.pathname.startsWith('/api/')) return;
    e.preventDefault();
    navigate(a.pathname + a.search);
  });
  return render();
}

/** Goes to path (with its query string); replace: no new history entry. */
export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else if (path !== location.pathname + location.search) history.pushState(null, '', path);
  return render();
}

/** Changes the query string of the current address without showing the screen anew. */
export function setQuery(obj) {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === null || v === '' || v === false) q.delete(k);
    else q.set(k, String(v));
  }
  const s = q.toString();
  history.replaceState(null, '', location.pathname + (s ? `?${s}` : ''));
}

function find(pathname) {
  for (const r of table) {
    const m = r.re.exec(pathname);
    if (m) {
      const params = {};
      r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
      return { route: r, params };
    }
  }
  return null;
}

/** Shows the screen for the current address. */
export async function render() {
  const my = ++seq;
  for (const f of leaving) { try { f(); } catch { /* a screen's clean-up must not stop the next */ } }
  leaving = [];
  const view = document.getElementById('view');
  const found = find(location.pathname);
  const ctx = {
    params: found ? found.params : {},
    query: new URLSearchParams(location.search),
    navigate,
    setQuery,
    onLeave: (f) => leaving.push(f),
    stale: () => my !== seq,
  };
  if (!found) {
    fill(view, h('div', { class: 'card' }, h('h1', null, '页面不存在'), h('p', null, h('a', { href: '/' }, '回到首页'))));
    document.title = '页面不存在 · 强基';
    hooks.after?.(null, ctx);
    return;
  }
  const redirect = hooks.guard?.(found.route, ctx);
  if (redirect) return navigate(redirect, { replace: true });
  view.setAttribute('aria-busy', 'true');
  try {
    const mod = (await found.route.load()).default;
    if (my !== seq) return;
    const node = await mod.render(ctx);
    if (my !== seq) return;
    const title = typeof mod.title === 'function' ? mod.title(ctx) : mod.title;
    document.title = `${title || ''} · 强基`;
    fill(view, node);
    hooks.after?.(found.route, ctx);
    window.scrollTo(0, 0);
  } catch (e) {
    if (my !== seq) return;
    if (!(e instanceof ApiError)) console.error(e);
    const msg = e instanceof ApiError && e.status === 404 ? '没有找到，或不在您的管理范围内。' : e.message;
    fill(view, h('div', { class: 'card' }, h('h1', null, '无法打开此页'), h('p', { class: 'alert' }, msg),
      h('p', null, h('a', { href: '/' }, '回到首页'))));
    hooks.after?.(found.route, ctx);
  } finally {
    if (my === seq) view.removeAttribute('aria-busy');
  }
}
