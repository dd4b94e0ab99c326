// Audit: every API write is logged with actor, before and after (personal
// data masked), newest first, scoped like everything else; the log is
// append-only and `qiangji audit verify` finds a tampered entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import {
  startServer, assertError, assertStatus, cli, fixture, MEMBERS, GBK_MEMBERS, makeId, maskId, maskPhone,
} from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const east = await srv.as('east');
const viewer = await srv.as('viewer');
const westview = await srv.as('westview');
const zsf = await srv.as('zsf');

const ENTRY_KEYS = ['action', 'actor', 'after', 'at', 'before', 'entity', 'id', 'key', 'object_name', 'org_code', 'org_name'];
const newest = async (who = admin, q = '') => {
  const a = await who.audit(q);
  assert.ok(a.items.length > 0);
  return a.items[0];
};
const secretId = makeId('340104', '1987-03-03', '女', 88);

test('each audit entry has the documented fields; newest first', async () => {
  const a = await admin.audit();
  assert.ok(a.total >= a.items.length && a.items.length > 0, 'the CLI imports of the setup are logged');
  for (const e of a.items) {
    assert.deepEqual(Object.keys(e).sort(), ENTRY_KEYS);
    assert.equal(typeof e.id, 'number');
    assert.equal(typeof e.at, 'string');
    assert.equal(typeof e.actor, 'string');
    assert.equal(typeof e.action, 'string');
    assert.equal(typeof e.entity, 'string');
    assert.ok(e.before === null || typeof e.before === 'object');
    assert.ok(e.after === null || typeof e.after === 'object');
    assert.ok(e.org_name === null || typeof e.org_name === 'string');
    assert.ok(e.object_name === null || typeof e.object_name === 'string');
  }
  for (let i = 1; i < a.items.length; i++) assert.ok(a.items[i - 1].id > a.items[i].id, 'newest first');
  // The setup's imports were done by the CLI.
  assert.ok(a.items.some((e) => e.actor.startsWith('cli:')), 'CLI actor is cli:USER');
});

test('member create, patch, delete are logged with actor and masked before/after', async () => {
  const c = assertStatus(await east.post('/api/v1/members', { name: '审计甲', id_number: secretId, category: '正式党员',
    joined_on: '2012-07-01', full_on: '2013-07-01', org_code: 'QJ0102', phone: '13987654321' }), 201);
  const e1 = await newest();
  assert.equal(e1.actor, 'east');
  assert.equal(e1.org_code, 'QJ0102');
  assert.equal(e1.before, null);
  assert.equal(e1.after.name, '审计甲');
  assert.equal(e1.after.id_number, maskId(secretId));
  assert.equal(e1.after.phone, maskPhone('13987654321'));
  assert.ok(Date.parse(e1.at) > 0, `at is a timestamp: ${e1.at}`);

  assertStatus(await east.patch(`/api/v1/members/${c.id}`, { phone: '13911112222', occupation: '会计' }), 200);
  const e2 = await newest();
  assert.ok(e2.id > e1.id);
  assert.equal(e2.actor, 'east');
  assert.equal(e2.entity, e1.entity);
  assert.equal(String(e2.key), String(e1.key), 'the same key for the same member');
  assert.notEqual(e2.action, e1.action);
  assert.equal(e2.before.phone, maskPhone('13987654321'));
  assert.equal(e2.after.phone, maskPhone('13911112222'));
  assert.equal(e2.after.occupation, '会计');
  assert.equal(e2.before.id_number, maskId(secretId));

  assertStatus(await admin.del(`/api/v1/members/${c.id}`), 200);
  const e3 = await newest();
  assert.equal(e3.actor, 'admin');
  assert.equal(e3.after, null);
  assert.equal(e3.before.name, '审计甲');
  assert.equal(e3.before.id_number, maskId(secretId));
  assert.equal(e3.org_code, 'QJ0102');
  assert.notEqual(e3.action, e2.action);
});

test('a member patching its own phone is logged under its login', async () => {
  assertStatus(await zsf.patch(`/api/v1/members/${zsf.user.member_id}`, { phone: '13800001111' }), 200);
  const e = await newest();
  assert.equal(e.actor, 'zsf');
  assert.equal(e.before.phone, maskPhone(MEMBERS[0].phone));
  assert.equal(e.after.phone, maskPhone('13800001111'));
  assert.equal(e.org_code, 'QJ0101');
});

test('organization create and patch are logged', async () => {
  assertStatus(await admin.post('/api/v1/orgs', { code: 'QJ0205', name: '西山镇审计党支部', parent_code: 'QJ02', kind: '党支部', domain: '农村' }), 201);
  const e1 = await newest();
  assert.equal(e1.actor, 'admin');
  assert.equal(e1.before, null);
  assert.equal(e1.after.code, 'QJ0205');
  assert.equal(e1.after.name, '西山镇审计党支部');
  assertStatus(await admin.patch('/api/v1/orgs/QJ0205', { name: '西山镇审计第一党支部' }), 200);
  const e2 = await newest();
  assert.equal(e2.before.name, '西山镇审计党支部');
  assert.equal(e2.after.name, '西山镇审计第一党支部');
  assert.equal(e2.entity, e1.entity);
});

test('an API import is logged by its actor, with no ID number in clear', async () => {
  const last = (await newest()).id;
  const r = assertStatus(await admin.upload('/api/v1/import/members', fs.readFileSync(fixture('members-gbk.csv'))), 200);
  assert.equal(r.inserted, 5);
  const fresh = (await admin.audit()).items.filter((e) => e.id > last);
  assert.ok(fresh.length >= 1, 'the import is in the audit log');
  for (const e of fresh) assert.equal(e.actor, 'admin');
  const text = JSON.stringify(fresh);
  for (const m of GBK_MEMBERS) assert.ok(!text.includes(m.id_number), `${m.name}'s ID number in clear`);
  // A refused import writes nothing.
  const last2 = (await newest()).id;
  assertError(await admin.upload('/api/v1/import/members', fs.readFileSync(fixture('members-bad.csv'))), 422, 'invalid_rows', null);
  assert.equal((await newest()).id, last2);
});

test('no full ID number or phone appears anywhere in the audit log', async () => {
  const a = await admin.audit();
  const all = JSON.stringify(a);
  for (const m of MEMBERS) {
    assert.ok(!all.includes(m.id_number), `${m.name}'s ID number in the audit log`);
    if (m.phone && m.phone.length >= 11) assert.ok(!all.includes(m.phone), `${m.name}'s phone in the audit log`);
  }
  for (const x of [secretId, '13987654321', '13911112222', '13800001111']) assert.ok(!all.includes(x), x);
});

test('paging and the org filter; each role sees its subtree only', async () => {
  const all = await admin.audit();
  const page = assertStatus(await admin.get('/api/v1/audit?limit=2&offset=1'), 200);
  assert.equal(page.total, all.total);
  assert.deepEqual(page.items.map((e) => e.id), all.items.slice(1, 3).map((e) => e.id));
  assertError(await admin.get('/api/v1/audit?limit=0'), 400, 'invalid', 'limit');
  assertError(await admin.get('/api/v1/audit?offset=-1'), 400, 'invalid', 'offset');

  const q = assertStatus(await admin.get('/api/v1/audit?org=QJ0102&limit=200'), 200);
  assert.ok(q.items.length >= 3, 'the create, patch and delete of 审计甲');
  assert.ok(q.items.every((e) => e.org_code === 'QJ0102'), JSON.stringify(q.items.map((e) => e.org_code)));

  const ea = await east.audit();
  assert.ok(ea.items.length > 0);
  assert.ok(ea.items.every((e) => e.org_code && e.org_code.startsWith('QJ01')), JSON.stringify(ea.items.map((e) => e.org_code)));
  assert.ok(ea.total < all.total);
  const wa = await westview.audit();
  assert.ok(wa.items.length > 0);
  assert.ok(wa.items.every((e) => e.org_code && e.org_code.startsWith('QJ02')), JSON.stringify(wa.items.map((e) => e.org_code)));
  assertError(await westview.get('/api/v1/audit?org=QJ01'), 404, 'not_found');
  assertStatus(await viewer.get('/api/v1/audit?org=QJ01'), 200);
  assertError(await zsf.get('/api/v1/audit'), 403, 'forbidden');
  assertError(await admin.get('/api/v1/audit?org=NOSUCH'), 404, 'not_found');
});

const meta = assertStatus(await srv.request('GET', '/api/v1/meta'), 200);
const label = (name, v) => (meta.enums[name].find((x) => x.value === v) || {}).label;

test('attendance recorded twice: the entry holds each member before and after, named by the meeting', async () => {
  const me = await admin.allMembers('QJ0101');
  const m = assertStatus(await east.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '审计党课', held_on: '2026-06-01' }), 201);
  const put = (state) => east.req('PUT', `/api/v1/meetings/${m.id}/attendance`, { json: { items: [{ member_id: me[0].id, state }] } });
  assertStatus(await put('absent'), 200);
  assertStatus(await put('present'), 200);
  const e = await newest();
  assert.equal(e.action, 'attendance');
  assert.equal(e.entity, 'meeting');
  assert.equal(e.object_name, '审计党课', 'the meeting by its title, though the entry holds only the list');
  assert.equal(e.org_code, 'QJ0101');
  assert.equal(e.org_name, '东湖村党支部');
  const was = e.before.find((a) => a.member_id === me[0].id), is = e.after.find((a) => a.member_id === me[0].id);
  assert.deepEqual([was.name, was.state, is.state], [me[0].name, 'absent', 'present']);
  assert.equal(label('audit_action', e.action), '登记出席');
  assert.equal(label('audit_entity', e.entity), '会议');
});

test('every action and object the log holds after exercising the modules has a Chinese name in GET /meta', async () => {
  const me = await admin.allMembers('QJ0101');
  const id = Object.fromEntries(me.map((m) => [m.name, m.id]));
  const zsf = id['张三丰'];
  // Writes of many modules, each audited.
  assertStatus(await admin.post(`/api/v1/members/${zsf}/dues/base`, { year: 2026, category: 'salaried', income: 3500 }), 200);
  assertStatus(await admin.post(`/api/v1/members/${zsf}/dues/payments`, { paid_on: '2026-06-30', amount: 420,
    channel: 'cash', period_from: '2026-01', period_to: '2026-12' }), 201);
  const t = assertStatus(await east.post(`/api/v1/members/${me[1].id}/transfers`, { to_org_code: 'QJ0102', issued_on: '2026-06-10' }), 201);
  assertStatus(await east.post(`/api/v1/transfers/${t.id}/return`, { on: '2026-06-15', reason: '材料不全' }), 200);
  const p = assertStatus(await admin.post('/api/v1/orgs/QJ0101/applicants', { name: '审计申请人',
    id_number: makeId('340104', '2000-01-01', '男', 377), applied_on: '2026-01-10' }), 201);
  assertStatus(await admin.post(`/api/v1/applicants/${p.id}/steps`, { kind: 'talk', on: '2026-01-20' }), 201);
  assertStatus(await admin.post('/api/v1/orgs/QJ0101/groups', { name: '审计党小组', leader_id: me[2].id, member_ids: [me[2].id] }), 201);
  assertStatus(await admin.post('/api/v1/orgs/QJ01/courses', { title: '审计培训', category: '冬训春训',
    started_on: '2026-01-05', ended_on: '2026-01-09', hours: 5, attendees: [{ member_id: zsf }] }), 201);
  assertStatus(await admin.get(`/api/v1/members/${zsf}?reveal=1`), 200);

  // The whole log, page by page.
  const all = [];
  for (let off = 0; ; off += 500) {
    const page = assertStatus(await admin.get(`/api/v1/audit?limit=500&offset=${off}`), 200);
    all.push(...page.items);
    if (off + 500 >= page.total) break;
  }
  const kinds = new Set(all.map((e) => `${e.action} ${e.entity}`));
  for (const k of ['payment dues', 'base dues', 'issue transfer', 'return transfer', 'create applicant', 'step applicant',
    'create party_group', 'create course', 'reveal member', 'attendance meeting', 'import member', 'create member']) {
    assert.ok(kinds.has(k), `exercised: ${k}`);
  }
  for (const e of all) {
    assert.match(label('audit_action', e.action) || '', /[\u4e00-\u9fff]/, `action ${e.action} (entry ${e.id}) has a Chinese name`);
    assert.match(label('audit_entity', e.entity) || '', /[\u4e00-\u9fff]/, `entity ${e.entity} (entry ${e.id}) has a Chinese name`);
  }
  const pay = all.find((e) => e.action === 'payment');
  assert.equal(pay.object_name, '张三丰', 'a payment names its member');
  assert.equal(all.find((e) => e.action === 'reveal' && e.entity === 'member').object_name, '张三丰');
  assert.equal(all.find((e) => e.action === 'step').object_name, '审计申请人');
});

test('filters: action, object, actor, dates; the total counts what they keep', async () => {
  const all = await admin.audit();
  const byAction = assertStatus(await admin.get('/api/v1/audit?action=attendance&limit=200'), 200);
  assert.ok(byAction.total >= 1 && byAction.items.every((e) => e.action === 'attendance'));
  assert.ok(byAction.total < all.total);
  const byEntity = assertStatus(await admin.get('/api/v1/audit?entity=org&limit=200'), 200);
  assert.ok(byEntity.total >= 1 && byEntity.items.every((e) => e.entity === 'org'));
  const byActor = assertStatus(await admin.get('/api/v1/audit?actor=east&limit=200'), 200);
  assert.ok(byActor.total >= 1 && byActor.items.every((e) => e.actor === 'east'));
  const both = assertStatus(await admin.get('/api/v1/audit?actor=east&action=attendance&limit=200'), 200);
  assert.ok(both.total >= 1 && both.items.every((e) => e.actor === 'east' && e.action === 'attendance'));
  // Dates are business days of the server's zone (tz, Asia/Shanghai by default), not this process's:
  // from 16:00 to 24:00 UTC the two are different days (CI once ran then).
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(all.items[0].at));
  const today = assertStatus(await admin.get(`/api/v1/audit?from=${day}&to=${day}&limit=1`), 200);
  assert.ok(today.total >= 1 && today.items[0].id === all.items[0].id);
  assert.equal(assertStatus(await admin.get('/api/v1/audit?from=2099-01-01'), 200).total, 0);
  assert.equal(assertStatus(await admin.get('/api/v1/audit?to=2000-01-01'), 200).total, 0);
  assertError(await admin.get('/api/v1/audit?from=yesterday'), 400, 'invalid', 'from');
  assertError(await admin.get('/api/v1/audit?from=2026-06-02&to=2026-06-01'), 400, 'invalid', 'to');
  assertError(await admin.get('/api/v1/audit?action=nosuch'), 400, 'invalid', 'action');
  assertError(await admin.get('/api/v1/audit?entity=nosuch'), 400, 'invalid', 'entity');
  // Scope still holds under a filter.
  const wa = assertStatus(await westview.get('/api/v1/audit?action=attendance'), 200);
  assert.equal(wa.total, 0, 'the attendance was in QJ0101');
});

test('the audit table is append-only in the database itself', () => {
  const u = spawnSync('sqlite3', [srv.db, "UPDATE audit SET actor='x' WHERE id=1"], { encoding: 'utf8' });
  assert.notEqual(u.status, 0, 'UPDATE must be refused');
  assert.match(u.stderr, /append-only/);
  const d = spawnSync('sqlite3', [srv.db, 'DELETE FROM audit WHERE id=1'], { encoding: 'utf8' });
  assert.notEqual(d.status, 0, 'DELETE must be refused');
});

test('audit verify: ok, then a tampered entry 2 is found', async () => {
  const ok = cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const m = /ok: (\d+) entries/.exec(ok.stdout);
  assert.ok(m, `stdout: ${ok.stdout}`);
  assert.ok(Number(m[1]) >= (await admin.audit()).total);

  const t = spawnSync('sqlite3', [srv.db, "DROP TRIGGER audit_append_only_u; UPDATE audit SET after='{}' WHERE id=2"], { encoding: 'utf8' });
  assert.equal(t.status, 0, t.stderr);
  const bad = cli(['audit', 'verify', '--db', srv.db]);
  assert.notEqual(bad.status, 0, bad.stdout + bad.stderr);
  const out = bad.stdout + bad.stderr;
  assert.ok(!/^ok:/m.test(bad.stdout), out);
  assert.match(out, /(entry|id|#)\s*[=:#]?\s*2\b/i, `names entry 2: ${out}`);
});
