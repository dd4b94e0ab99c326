// session.js: who is signed in, and the preferences kept in this browser.
import { get, post, del, setCsrf } from './api.js';

export const ROLE_NAMES = { admin: '系统管理员', org_admin: '组织管理员', viewer: '查看员', member: '党员' };
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
