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

/**
 * The one menu entry of this screen: the entry of the route itself, else the
 * one whose link is this address, else the one whose match (a path prefix, or
 * several) is the longest prefix of it. Never two: on a branch's meetings page
 * 组织生活 wins over 本级组织 (whose match, '/orgs/', is shorter).
 */
export function activeEntry(items, route, here, user) {
  if (!route) return null;
  const own = items.find((r) => r.path === route.path);
  if (own) return own;
  const exact = items.find((r) => (r.menu.href ? r.menu.href(user) : r.path) === here);
  if (exact) return exact;
  let best = null, len = 0;
  for (const r of items) {
    for (const m of [].concat(r.menu.match || r.path)) {
      const hit = here === m || here.startsWith(m.endsWith('/') ? m : `${m}/`);
      if (hit && m.length > len) { best = r; len = m.length; }
    }
  }
  return best;
}

/** The header's who line: the organization's name and the role (the login only on a wide screen). */
function who(user) {
  return [
    h('span', { class: 'who-org' }, user.org_name || user.org_code),
    h('span', { class: 'who-role' }, roleName(user.role)),
    h('span', { class: 'who-login' }, user.login),
  ];
}

/**
 * The menu: on a desktop one row of every entry; on a phone a bar at the
 * bottom with the entries marked `bar` (the four most used for the role) and
 * 更多, which opens the rest as a sheet above the bar. Each entry is in the
 * page once; the style sheet alone decides where it shows.
 */
function drawMenu(menu, items, active, user) {
  const rest = items.filter((r) => !r.menu.bar);
  const more = rest.length ? h('button', {
    type: 'button', class: `menu-more${rest.includes(active) ? ' holds-active' : ''}`,
    'aria-expanded': 'false', 'aria-controls': 'menu', onclick: () => setOpen(menu, !menu.classList.contains('open')),
  }, '更多') : null;
  fill(menu, items.map((r) => {
    const href = r.menu.href ? r.menu.href(user) : r.path;
    const on = r === active;
    return h('a', { href, class: [r.menu.bar ? 'bar' : 'sheet', on ? 'active' : ''].join(' ').trim(), 'aria-current': on ? 'page' : null }, r.menu.label);
  }), more);
  menu.dataset.bar = items.length - rest.length + (more ? 1 : 0);   // the bar's columns (app.css)
  setOpen(menu, false);
}

function setOpen(menu, open) {
  menu.classList.toggle('open', open);
  const b = menu.querySelector('.menu-more');
  if (b) b.setAttribute('aria-expanded', open ? 'true' : 'false');
}

function drawFrame(route) {
  const user = currentUser();
  const bare = !route || route.bare || !user;
  document.getElementById('top').hidden = !user;
  const menu = document.getElementById('menu');
  menu.hidden = bare;
  document.body.classList.toggle('has-menu', !bare);
  if (!user) return;
  fill(document.getElementById('who'), who(user));
  document.getElementById('who').title = `${user.org_name || user.org_code} · ${roleName(user.role)} · ${user.login}`;
  const items = routes.filter((r) => r.menu && (!r.roles || r.roles.includes(user.role)))
    .sort((a, b) => a.menu.order - b.menu.order);
  drawMenu(menu, items, activeEntry(items, route, location.pathname, user), user);
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
  const menu = document.getElementById('menu');
  // The sheet closes on a tap beside it (the shade is the menu's own ::before) and on Escape.
  menu.addEventListener('click', (e) => { if (e.target === menu) setOpen(menu, false); });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && menu.classList.contains('open')) { setOpen(menu, false); menu.querySelector('.menu-more')?.focus(); }
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
