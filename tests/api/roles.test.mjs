// Roles and scope: each role inside and outside its subtree. Outside answers
// 404 not_found exactly as something that does not exist; a role that may
// not use a route at all gets 403 forbidden.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, assertStatus, addUser, password, MEMBERS, makeId, maskId, maskPhone } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const east = await srv.as('east');          // org_admin of QJ01
const viewer = await srv.as('viewer');      // viewer at the root
const westview = await srv.as('westview');  // viewer of QJ02
const zsf = await srv.as('zsf');            // member 张三丰

// Member ids by id number, as the admin sees them.
const ids = {};
for (const m of await admin.allMembers('QJ', true)) ids[m.id_number] = m.id;
const idOf = (name) => ids[MEMBERS.find((m) => m.name === name).id_number];
const EAST_MEMBER = idOf('李秀英');   // QJ0101
const WEST_MEMBER = idOf('胡德明');   // QJ0201
const NOBODY = 987654;

test('fixture: 20 members, every one found', () => {
  assert.equal(Object.keys(ids).length, 20);
  for (const m of MEMBERS) assert.ok(ids[m.id_number], m.name);
});

test('admin reads and writes everything', async () => {
  for (const c of ['QJ', 'QJ01', 'QJ0101', 'QJ02', 'QJ0202', 'QJ010301']) assertStatus(await admin.get(`/api/v1/orgs/${c}`), 200);
  assertStatus(await admin.get(`/api/v1/members/${EAST_MEMBER}`), 200);
  assertStatus(await admin.get(`/api/v1/members/${WEST_MEMBER}`), 200);
  assert.equal((await admin.get('/api/v1/orgs/QJ/members')).json.total, 20);
  assertStatus(await admin.patch(`/api/v1/members/${WEST_MEMBER}`, { occupation: '农民工' }), 200);
});

test('org_admin reads its subtree; outside is 404 exactly like a code that does not exist', async () => {
  for (const c of ['QJ01', 'QJ0101', 'QJ0102', 'QJ0103', 'QJ010301']) assertStatus(await east.get(`/api/v1/orgs/${c}`), 200);
  const missing = assertError(await east.get('/api/v1/orgs/NOSUCH'), 404, 'not_found');
  for (const c of ['QJ', 'QJ02', 'QJ0201', 'QJ0202']) {
    const e = assertError(await east.get(`/api/v1/orgs/${c}`), 404, 'not_found');
    assert.equal(e.field, missing.field);
    assertError(await east.get(`/api/v1/orgs/${c}/children`), 404, 'not_found');
    assertError(await east.get(`/api/v1/orgs/${c}/members`), 404, 'not_found');
  }
  assert.equal((await east.get('/api/v1/orgs/QJ01/members')).json.total, 14);
  assertStatus(await east.get(`/api/v1/members/${EAST_MEMBER}`), 200);
  const a = assertError(await east.get(`/api/v1/members/${WEST_MEMBER}`), 404, 'not_found');
  const b = assertError(await east.get(`/api/v1/members/${NOBODY}`), 404, 'not_found');
  assert.equal(a.field, b.field);
  // The members list of the root does not leak the other township.
  const items = (await east.get('/api/v1/orgs/QJ01/members?limit=200')).json.items;
  assert.ok(items.every((m) => ['QJ0101', 'QJ0102', 'QJ010301'].includes(m.org_code)));
});

test('org_admin writes inside its subtree only; outside is 404', async () => {
  assertStatus(await east.patch(`/api/v1/members/${EAST_MEMBER}`, { occupation: '村民组长' }), 200);
  assertError(await east.patch(`/api/v1/members/${WEST_MEMBER}`, { occupation: 'x' }), 404, 'not_found');
  assertError(await east.del(`/api/v1/members/${WEST_MEMBER}`), 404, 'not_found');
  assertError(await east.patch('/api/v1/orgs/QJ02', { name: '改名' }), 404, 'not_found');
  // Creating under an organization outside: 404 with the field.
  assertError(await east.post('/api/v1/orgs', { code: 'QJ0299', name: '外面', parent_code: 'QJ02', kind: '党支部', domain: '农村' }),
    404, 'not_found', 'parent_code');
  assertError(await east.post('/api/v1/orgs', { code: 'QJ0299', name: '外面', parent_code: 'NOSUCH', kind: '党支部', domain: '农村' }),
    404, 'not_found', 'parent_code');
  const m = { name: '外人', id_number: makeId('341122', '1990-02-02', '男', 33), category: '正式党员', joined_on: '2015-07-01', full_on: '2016-07-01' };
  assertError(await east.post('/api/v1/members', { ...m, org_code: 'QJ0201' }), 404, 'not_found', 'org_code');
  assertError(await east.post('/api/v1/members', { ...m, org_code: 'NOSUCH' }), 404, 'not_found', 'org_code');
  // Moving a member of its own out of the subtree is refused the same way.
  assertError(await east.patch(`/api/v1/members/${EAST_MEMBER}`, { org_code: 'QJ0201' }), 404, 'not_found', 'org_code');
  // Moving an organization of its own under one outside.
  assertError(await east.patch('/api/v1/orgs/QJ0102', { parent_code: 'QJ02' }), 404, 'not_found', 'parent_code');
  // Inside works.
  const created = await east.post('/api/v1/members', { ...m, org_code: 'QJ0102' });
  assertStatus(created, 201);
  assertStatus(await east.del(`/api/v1/members/${created.json.id}`), 200);
  // The west member is untouched.
  const w = await admin.get(`/api/v1/members/${WEST_MEMBER}`);
  assert.equal(w.json.occupation, '农民工');
  assert.equal(w.json.org_code, 'QJ0201');
});

test('org_admin audit and export are limited to its subtree', async () => {
  assertError(await east.get('/api/v1/audit?org=QJ02'), 404, 'not_found');
  assertError(await east.get('/api/v1/audit?org=QJ'), 404, 'not_found');
  assertStatus(await east.get('/api/v1/audit?org=QJ0101'), 200);
  assertError(await east.get('/api/v1/export/members?org=QJ02'), 404, 'not_found');
  const ex = await east.get('/api/v1/export/members');
  assertStatus(ex, 200);
  const text = ex.buf.toString('utf8');
  assert.ok(text.includes('张三丰') && !text.includes('胡德明'), 'export of QJ01 holds QJ01 members only');
});

test('viewer at the root reads everything and writes nothing: 403 forbidden', async () => {
  assertStatus(await viewer.get('/api/v1/orgs/QJ0202'), 200);
  assertStatus(await viewer.get(`/api/v1/members/${WEST_MEMBER}`), 200);
  assertStatus(await viewer.get('/api/v1/audit'), 200);
  assertStatus(await viewer.get('/api/v1/export/members'), 200);
  assertError(await viewer.post('/api/v1/orgs', { code: 'QJ0298', name: '看客', parent_code: 'QJ02', kind: '党支部', domain: '农村' }),
    403, 'forbidden');
  assertError(await viewer.patch('/api/v1/orgs/QJ02', { name: '看客' }), 403, 'forbidden');
  assertError(await viewer.patch(`/api/v1/members/${WEST_MEMBER}`, { phone: '13900000000' }), 403, 'forbidden');
  assertError(await viewer.del(`/api/v1/members/${WEST_MEMBER}`), 403, 'forbidden');
  assertError(await viewer.post('/api/v1/members', { name: 'x' }), 403, 'forbidden');
  assertError(await viewer.upload('/api/v1/import/members', Buffer.from('姓名\n')), 403, 'forbidden');
  assertError(await viewer.upload('/api/v1/import/orgs', Buffer.from('组织编码\n')), 403, 'forbidden');
  assert.equal((await admin.get('/api/v1/orgs/QJ02')).json.name, '西山镇党委');
});

test('viewer asking reveal=1 still gets masked values', async () => {
  const zhang = MEMBERS[0];
  const r = await viewer.get(`/api/v1/members/${ids[zhang.id_number]}?reveal=1`);
  const m = assertStatus(r, 200);
  assert.equal(m.id_number, maskId(zhang.id_number));
  assert.equal(m.phone, maskPhone(zhang.phone));
  const list = await viewer.get('/api/v1/orgs/QJ0101/members?reveal=1&limit=200');
  for (const x of assertStatus(list, 200).items) assert.match(x.id_number, /^\d{4}\*{10}[\dX]{4}$/);
  const ex = await viewer.get('/api/v1/export/members?reveal=1');
  assertStatus(ex, 200);
  const text = ex.buf.toString('utf8');
  assert.ok(!text.includes(zhang.id_number), 'viewer export must not reveal id numbers');
  assert.ok(text.includes(maskId(zhang.id_number)));
});

test('viewer of a township: outside is 404, inside read only', async () => {
  assertStatus(await westview.get('/api/v1/orgs/QJ0201'), 200);
  assertError(await westview.get('/api/v1/orgs/QJ01'), 404, 'not_found');
  assertError(await westview.get('/api/v1/orgs/QJ'), 404, 'not_found');
  assertError(await westview.get(`/api/v1/members/${EAST_MEMBER}`), 404, 'not_found');
  assertStatus(await westview.get(`/api/v1/members/${WEST_MEMBER}`), 200);
  assert.equal((await westview.get('/api/v1/orgs/QJ02/members')).json.total, 6);
  assertError(await westview.patch(`/api/v1/members/${WEST_MEMBER}`, { phone: '13900000000' }), 403, 'forbidden');
  assertError(await westview.get('/api/v1/audit?org=QJ01'), 404, 'not_found');
});

test('member: reads its own record unmasked; organizations are 403 forbidden', async () => {
  const zhang = MEMBERS[0];
  const me = zsf.user.member_id;
  assert.equal(me, ids[zhang.id_number]);
  const r = assertStatus(await zsf.get(`/api/v1/members/${me}`), 200);
  assert.equal(r.name, '张三丰');
  assert.equal(r.id_number, zhang.id_number);
  assert.equal(r.phone, zhang.phone);
  assertError(await zsf.get('/api/v1/orgs/QJ0101'), 403, 'forbidden');
  assertError(await zsf.get('/api/v1/orgs/QJ0101/children'), 403, 'forbidden');
  assertError(await zsf.get('/api/v1/orgs/QJ0101/members'), 403, 'forbidden');
  assertError(await zsf.get('/api/v1/audit'), 403, 'forbidden');
  assertError(await zsf.get('/api/v1/export/members'), 403, 'forbidden');
  assertError(await zsf.post('/api/v1/members', { name: 'x' }), 403, 'forbidden');
  assertError(await zsf.del(`/api/v1/members/${me}`), 403, 'forbidden');
  assertError(await zsf.upload('/api/v1/import/members', Buffer.from('姓名\n')), 403, 'forbidden');
  // Another member, even of the same branch, does not exist for it.
  assertError(await zsf.get(`/api/v1/members/${EAST_MEMBER}`), 404, 'not_found');
  assertError(await zsf.patch(`/api/v1/members/${EAST_MEMBER}`, { phone: '13900000000' }), 404, 'not_found');
});

test('member: may PATCH its own phone and mobile_location, nothing else (403 with the field)', async () => {
  const me = zsf.user.member_id;
  const r = await zsf.patch(`/api/v1/members/${me}`, { phone: '13912345678' });
  assert.equal(assertStatus(r, 200).phone, '13912345678');
  const r2 = await zsf.patch(`/api/v1/members/${me}`, { mobile_location: '江苏省苏州市', phone: '0550-7123456' });
  const b2 = assertStatus(r2, 200);
  assert.equal(b2.mobile_location, '江苏省苏州市');
  assert.equal(b2.phone, '0550-7123456');
  assertError(await zsf.patch(`/api/v1/members/${me}`, { name: '张三' }), 403, 'forbidden', 'name');
  assertError(await zsf.patch(`/api/v1/members/${me}`, { phone: '13900000001', category: '预备党员' }), 403, 'forbidden', 'category');
  assertError(await zsf.patch(`/api/v1/members/${me}`, { org_code: 'QJ0102' }), 403, 'forbidden', 'org_code');
  assertError(await zsf.patch(`/api/v1/members/${me}`, { mobile: true }), 403, 'forbidden', 'mobile');
  // Its own values are still validated.
  assertError(await zsf.patch(`/api/v1/members/${me}`, { phone: 'call me' }), 400, 'invalid', 'phone');
  // CSRF applies to it as to everyone.
  assertError(await zsf.patch(`/api/v1/members/${me}`, { phone: '13900000002' }, { csrf: false }), 403, 'csrf');
  const now = await admin.get(`/api/v1/members/${me}?reveal=1`);
  assert.equal(now.json.name, '张三丰');
  assert.equal(now.json.phone, '0550-7123456');
  assert.equal(now.json.category, '正式党员');
  assert.equal(now.json.org_code, 'QJ0101');
});

test("a member login whose record is deleted sees nothing, not even a new record that gets the same id", async () => {
  const body = { name: '临时党员', id_number: makeId('341122', '1991-09-09', '男', 44), category: '正式党员',
    joined_on: '2015-07-01', full_on: '2016-07-01', org_code: 'QJ0202', phone: '13700001234' };
  const m = assertStatus(await admin.post('/api/v1/members', body), 201);
  addUser(srv.db, 'tmpmember', { role: 'member', org: 'QJ0202', member: body.id_number });
  const s = await srv.as('tmpmember');
  assert.equal(s.user.member_id, m.id);
  assert.equal(assertStatus(await s.get(`/api/v1/members/${m.id}`), 200).id_number, body.id_number);
  assertStatus(await admin.del(`/api/v1/members/${m.id}`), 200);
  const gone = await s.get(`/api/v1/members/${m.id}`);
  assert.ok(gone.status === 401 || gone.status === 404, `${gone.status} ${gone.text}`);
  // Someone else is entered next (SQLite may give them the freed id).
  const other = { ...body, name: '另一人', id_number: makeId('341122', '1992-10-10', '女', 45), phone: '13700005678' };
  const n = assertStatus(await admin.post('/api/v1/members', other), 201);
  const peek = await s.get(`/api/v1/members/${n.id}`);
  assert.ok(peek.status === 401 || peek.status === 404, `the old login reads the new record: ${peek.status} ${peek.text}`);
  const p = await s.patch(`/api/v1/members/${n.id}`, { phone: '13900000000' });
  assert.ok(p.status === 401 || p.status === 404, `${p.status} ${p.text}`);
  const again = await srv.request('POST', '/api/v1/session', { json: { login: 'tmpmember', password: password('tmpmember') } });
  if (again.status === 200) {
    const s2 = { cookie: again.headers.getSetCookie()[0].split(';')[0], csrf: again.json.csrf_token };
    const r = await srv.request('GET', `/api/v1/members/${n.id}`, { session: s2 });
    assert.notEqual(r.status, 200, `a fresh login of the deleted member reads the new record: ${r.text}`);
  } else {
    assertError(again, 401, 'bad_credentials');
  }
});
