// orgframe.js: the frame every screen about an organization shares, built in
// one place: which organization it is (?org=, else the user's own), the
// breadcrumbs from the user's own organization down to it, the heading (its
// name with the screen's, and tags), and for a board that can be looked at
// level by level (发展党员, 转接, 党费) the links to the same screen for the
// organizations directly below. A record that belongs to an organization (a
// member, an applicant, a form for one) gets the same breadcrumbs through
// orgTrail.
import { h } from './dom.js';
import { get } from './api.js';
import { getOrg, ancestors, crumbs } from './orgs.js';
import { currentUser } from './session.js';

const enc = encodeURIComponent;

/** The organization a screen is about: the code of ?org=, or the signed-in user's organization. */
export function orgOf(ctx) { return ctx.query.get('org') || currentUser().org_code; }

/** Beyond this many, the links below fold away under one line: content first. */
const OPEN_LINKS = 8;

/**
 * Links to PATH?org=CODE for each current organization directly below code
 * (none: null); more than OPEN_LINKS (a county's sixty) fold into one line
 * that opens them, so that the screen's own content comes first.
 */
export async function childLinks(code, path, label = '下级组织') {
  const kids = (await get(`/api/v1/orgs/${enc(code)}/children`)).items.filter((k) => !k.ended_on);
  if (!kids.length) return null;
  const chips = kids.map((k) => h('a', { class: 'chip', href: `${path}?org=${enc(k.code)}`, 'data-code': k.code }, k.name));
  if (kids.length > OPEN_LINKS) {
    return h('details', { class: 'chips-fold', 'data-testid': 'child-links-fold' }, h('summary', { class: 'muted small' }, `${label}（${kids.length} 个）`),
      h('nav', { class: 'chips', 'aria-label': label, 'data-testid': 'child-links' }, chips));
  }
  return h('nav', { class: 'chips', 'aria-label': label, 'data-testid': 'child-links' },
    h('span', { class: 'muted small' }, `${label}：`), chips);
}

/**
 * What the frame of a screen about organization code needs, fetched
 * together: {org, chain (ancestors, the user's own first), kids (the child
 * links when opts.children names the screen's path, else null), head(opts)}.
 * head({title, crumb, tags, side}) -> the nodes at the top of the screen:
 * breadcrumbs (ending in crumb, or in the organization itself, not a link),
 * the h1 (title, by default the organization's name, then a tag for each of
 * tags) and the child links. With side (even null: the row is kept for the
 * layout), the h1 stands in a row with side at its end.
 */
export async function orgFrame(code, { children } = {}) {
  const [org, chain, kids] = await Promise.all([getOrg(code), ancestors(code), children ? childLinks(code, children) : null]);
  const head = ({ title = org.name, crumb, tags = [], side } = {}) => {
    const h1 = h('h1', null, title, tags.map((t) => h('span', { class: 'tag' }, t)));
    return [crumbs(chain, crumb), side !== undefined ? h('div', { class: 'row' }, h1, h('span', { class: 'spacer' }), side) : h1, kids];
  };
  return { org, chain, kids, head };
}

/**
 * Breadcrumbs for a record of organization code: its ancestors, then last
 * (the record). null when there is no code or its chain cannot be read (the
 * record's own page still shows).
 */
export async function orgTrail(code, last) {
  const chain = code ? await ancestors(code).catch(() => []) : [];
  return chain.length ? crumbs(chain, last) : null;
}
