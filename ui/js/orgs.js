// orgs.js: organizations as the screens need them: single organizations
// (cached for the life of the page, dropped after an edit), the chain of
// ancestors for breadcrumbs, and an index of the whole subtree for search and
// for choosing a branch. The index comes from one request, the subtree's
// organizations CSV (no personal data, not audited), parsed here.
import { get, url } from './api.js';
import { h } from './dom.js';
import { currentUser } from './session.js';
import { BRANCH_KINDS } from './fields.js';

const cache = new Map();
let index = null;

/** GET /api/v1/orgs/{code}, cached. */
export function getOrg(code) {
  if (!cache.has(code)) {
    const p = get(`/api/v1/orgs/${encodeURIComponent(code)}`);
    cache.set(code, p);
    p.catch(() => cache.delete(code));
  }
  return cache.get(code);
}

/** Forget what was cached (after a write). */
export function forgetOrgs() { cache.clear(); index = null; }

/** The organizations from the user's own down to code (both included). */
export async function ancestors(code) {
  const top = currentUser().org_code;
  const chain = [];
  let c = code;
  for (let i = 0; c && i < 32; i++) {
    const o = await getOrg(c);
    chain.unshift(o);
    if (o.code === top) break;
    c = o.parent_code;
  }
  return chain;
}

/** Breadcrumbs: links to every ancestor, the last one (current) plain. */
export function crumbs(chain, last) {
  return h('ol', { class: 'crumbs', 'aria-label': '当前位置' },
    chain.map((o, i) => h('li', null, i === chain.length - 1 && !last
      ? h('span', { 'aria-current': 'page' }, o.name)
      : h('a', { href: `/orgs/${encodeURIComponent(o.code)}` }, o.name))),
    last ? h('li', null, h('span', { 'aria-current': 'page' }, last)) : null);
}

/** A minimal RFC 4180 reader (quotes, doubled quotes, CRLF), BOM stripped. */
export function parseCsv(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = [];
  let row = [], f = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"') { if (text[i + 1] === '"') { f += '"'; i++; } else q = false; } else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(f); f = ''; }
    else if (c === '\n') { row.push(f.replace(/\r$/, '')); rows.push(row); row = []; f = ''; }
    else f += c;
  }
  if (f !== '' || row.length) { row.push(f); rows.push(row); }
  return rows;
}

/**
 * Every organization of the user's subtree: [{code, name, parent_code, kind,
 * domain, path: [names from the top]}], loaded once.
 */
export function orgIndex() {
  if (!index) {
    index = (async () => {
      const top = currentUser().org_code;
      const res = await fetch(url('/api/v1/export/orgs', { org: top, format: 'csv' }), { credentials: 'same-origin' });
      if (!res.ok) throw new Error(`无法读取组织列表（${res.status}）`);
      const [head, ...rows] = parseCsv(await res.text());
      const col = (name) => head.indexOf(name);
      const ix = { code: col('组织编码'), name: col('组织名称'), parent: col('上级组织编码'), kind: col('组织类别'), domain: col('所属领域') };
      const list = rows.filter((r) => r.length > 1).map((r) => ({
        code: r[ix.code], name: r[ix.name], parent_code: r[ix.parent] || null, kind: r[ix.kind], domain: r[ix.domain],
      }));
      const byCode = new Map(list.map((o) => [o.code, o]));
      for (const o of list) {
        const path = [];
        for (let p = byCode.get(o.parent_code), n = 0; p && n < 32; p = byCode.get(p.parent_code), n++) path.unshift(p.name);
        o.path = path;
      }
      return list;
    })();
    index.catch(() => { index = null; });
  }
  return index;
}

/**
 * An organization shown by its name with its code as a small second line
 * (a clerk matches codes against paper); the code alone when the name is unknown.
 */
export function orgLabel(code, name, { link = false } = {}) {
  if (!code) return '—';
  const main = name || code;
  return h('span', { class: 'org-name', 'data-code': code },
    link ? h('a', { href: `/orgs/${encodeURIComponent(code)}` }, main) : main,
    name ? h('span', { class: 'code small muted' }, code) : null);
}

/** Organizations whose name or code contains q (case-insensitive), at most limit. */
export async function searchOrgs(q, limit = 50) {
  const s = q.trim().toLowerCase();
  if (!s) return [];
  const list = await orgIndex();
  return list.filter((o) => o.name.toLowerCase().includes(s) || o.code.toLowerCase().includes(s)).slice(0, limit);
}

/** The branches (党支部 and its kinds) of the subtree, for choosing a member's branch. */
export async function branches() {
  return (await orgIndex()).filter((o) => BRANCH_KINDS.includes(o.kind));
}
