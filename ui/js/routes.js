// routes.js: every screen of the UI, in one list. A new screen (meetings,
// check-in, obligations, pipeline boards, transfers, dues) is a new file under
// screens/ plus one entry here; `menu` puts it in the main menu for the roles
// listed, `href` gives the menu link when it depends on the user, `match` the
// path prefixes (one or a list) of the screens it stands for, `bar` puts it in
// a phone's bottom bar (the four most used for the role; the rest are under
// 更多).
import { STAFF, WRITERS } from './session.js';

const MEMBER = ['member'];

export const routes = [
  { path: '/login', load: () => import('./screens/login.js'), public: true, bare: true },
  { path: '/', load: () => import('./screens/home.js') },
  { path: '/tree', load: () => import('./screens/tree.js'), roles: STAFF,
    menu: { label: '组织架构', order: 10 } },
  { path: '/orgs/new', load: () => import('./screens/org-form.js'), roles: WRITERS },
  { path: '/orgs/:code', load: () => import('./screens/org.js'), roles: STAFF,
    menu: { label: '本级组织', order: 20, bar: true, href: (u) => `/orgs/${encodeURIComponent(u.org_code)}`, match: '/orgs/' } },
  { path: '/orgs/:code/edit', load: () => import('./screens/org-form.js'), roles: WRITERS },
  { path: '/orgs/:code/members', load: () => import('./screens/members.js'), roles: STAFF },
  { path: '/members', load: () => import('./screens/members.js'), roles: STAFF,
    menu: { label: '党员', order: 30, bar: true, match: '/members' } },
  { path: '/members/new', load: () => import('./screens/member-form.js'), roles: WRITERS },
  { path: '/members/:id', load: () => import('./screens/member.js'), roles: STAFF },
  { path: '/members/:id/edit', load: () => import('./screens/member-form.js'), roles: WRITERS },
  { path: '/import', load: () => import('./screens/import.js'), roles: WRITERS,
    menu: { label: '导入', order: 60 } },
  { path: '/export', load: () => import('./screens/export.js'), roles: STAFF,
    menu: { label: '导出', order: 70 } },
  { path: '/audit', load: () => import('./screens/audit.js'), roles: STAFF,
    menu: { label: '审计日志', order: 80 } },
  { path: '/orgs/:code/meetings', load: () => import('./screens/meetings.js'), roles: STAFF,
    menu: { label: '组织生活', order: 40, bar: true, href: (u) => `/orgs/${encodeURIComponent(u.org_code)}/meetings`, match: '/meetings' } },
  { path: '/meetings/:id', load: () => import('./screens/meeting.js'), roles: STAFF },
  { path: '/obligations', load: () => import('./screens/obligations.js'), roles: STAFF,
    menu: { label: '三会一课', order: 45 } },
  { path: '/development', load: () => import('./screens/development.js'), roles: STAFF,
    menu: { label: '发展党员', order: 50, bar: true, match: ['/development', '/applicants'] } },
  { path: '/applicants/:id', load: () => import('./screens/applicant.js'), roles: STAFF },
  { path: '/transfers', load: () => import('./screens/transfers.js'), roles: STAFF,
    menu: { label: '组织关系转接', order: 52 } },
  { path: '/dues', load: () => import('./screens/dues.js'), roles: STAFF,
    menu: { label: '党费', order: 55 } },
  { path: '/me', load: () => import('./screens/me.js'), roles: MEMBER,
    menu: { label: '我的信息', order: 10, bar: true } },
];
