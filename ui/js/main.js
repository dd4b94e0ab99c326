// main.js: starts the UI: the session and the server's lists (meta.js), the
// frame (header, menu, 大字 switch) and the router over the screens of
// routes.js. No screen is drawn before both are in, so a form never shows
// with its options missing.
import { h, fill, toast } from './dom.js';
import { onUnauthorized } from './api.js';
import { loadMeta } from './meta.js';
import { routes } from './routes.js';
import { start, navigate } from './router.js';
import { currentUser, loadSession, signOut, forget, bigFont, setBigFont, roleName, isStaff } from './session.js';

/** Where a user starts: their organization, or a member's own record. */
export function home(user) {
  if (!user) return '/login';
  return isStaff() ? `/orgs/${encodeURIComponent(user.org_code)}` : '/me';
}

function loginPath() {
  const here = location.pathname + location.search;
  return here === '/' || here.startsWith('/login') ? '/login' : `/login?next=${encodeURIComponent(here)}`;
}

function guard(route) {
  const user = currentUser();
  if (!route.public && !user) return loginPath();
  if (route.path === '/') return home(user);
  if (route.path === '/login' && user) return home(user);
  if (route.roles && !route.roles.includes(user.role)) return home(user);
  return null;
}

function drawFrame(route) {
  const user = currentUser();
  const bare = !route || route.bare || !user;
  document.getElementById('top').hidden = !user;
  const menu = document.getElementById('menu');
  menu.hidden = bare;
  if (!user) return;
  fill(document.getElementById('who'), `${user.login} · ${roleName(user.role)} · ${user.org_name || user.org_code}`);
  const items = routes.filter((r) => r.menu && (!r.roles || r.roles.includes(user.role)))
    .sort((a, b) => a.menu.order - b.menu.order);
  const here = location.pathname;
  fill(menu, items.map((r) => {
    const href = r.menu.href ? r.menu.href(user) : r.path;
    const match = r.menu.match || r.path;
    const active = route && (route.path === r.path || here === href || here.startsWith(match + (match.endsWith('/') ? '' : '/')) || here === match);
    return h('a', { href, class: active ? 'active' : null, 'aria-current': active ? 'page' : null }, r.menu.label);
  }));
}

async function main() {
  const big = document.getElementById('bigfont');
  const paint = () => big.setAttribute('aria-pressed', bigFont() ? 'true' : 'false');
  document.documentElement.classList.toggle('big', bigFont());
  paint();
  big.addEventListener('click', () => { setBigFont(!bigFont()); paint(); });
  document.getElementById('logout').addEventListener('click', async () => {
    try { await signOut(); } catch { forget(); }
    navigate('/login');
  });
  onUnauthorized(() => {
    if (!currentUser()) return;
    forget();
    toast('登录已过期，请重新登录', { error: true });
    navigate(loginPath(), { replace: true });
  });
  try {
    await Promise.all([loadSession(), loadMeta()]);
  } catch (e) {
    fill(document.getElementById('view'), h('p', { class: 'alert' }, e.message));
    return;
  }
  await start(routes, { guard, after: drawFrame });
}

main();
