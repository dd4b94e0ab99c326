// session.js: who is signed in, and the preferences kept in this browser.
import { get, post, del, setCsrf } from './api.js';
import { hasEnum, enumLabel } from './meta.js';

/** A role's Chinese name (GET /api/v1/meta "role"; meta.js is loaded before any screen). */
export const roleName = (role) => (hasEnum('role') ? enumLabel('role', role) : role);
export const STAFF = ['admin', 'org_admin', 'viewer'];
export const WRITERS = ['admin', 'org_admin'];

let user = null;

/** The signed-in user ({login, role, org_code, org_name, member_id}) or null. */
export function currentUser() { return user; }
export const canWrite = () => !!user && WRITERS.includes(user.role);
export const isStaff = () => !!user && STAFF.includes(user.role);

/** Asks the server whether the cookie still holds a session. */
export async function loadSession() {
  try {
    const s = await get('/api/v1/session');
    user = s.user;
    setCsrf(s.csrf_token);
  } catch (e) {
    if (e.status !== 401) throw e;
    user = null;
  }
  return user;
}

export async function signIn(login, password) {
  const s = await post('/api/v1/session', { login, password });
  user = s.user;
  setCsrf(s.csrf_token);
  return user;
}

export async function signOut() {
  try { await del('/api/v1/session'); } finally { user = null; setCsrf(''); }
}

export function forget() { user = null; setCsrf(''); }

/** The 大字 preference: larger type for older members. */
export function bigFont() { return localStorage.getItem('qj-big') === '1'; }
export function setBigFont(on) {
  localStorage.setItem('qj-big', on ? '1' : '0');
  document.documentElement.classList.toggle('big', on);
  window.dispatchEvent(new Event('qj-fontsize'));
}
