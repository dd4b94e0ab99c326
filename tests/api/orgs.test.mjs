// Organizations: read, children, create, patch, move with the subtree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, assertStatus, ORGS } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const east = await srv.as('east');

const ORG_KEYS = ['code', 'name', 'parent_code', 'kind', 'domain', 'formation', 'established_on', 'ended_on',
  'region_code', 'term_started_on', 'updated_at', 'children_count', 'member_count', 'joint', 'temporary', 'project'].sort();

test('GET /orgs/{code}: every field, member_count over the whole subtree', async () => {
  const root = assertStatus(await admin.get('/api/v1/orgs/QJ'), 200);
  assert.deepEqual(Object.keys(root).sort(), ORG_KEYS);
  assert.equal(root.code, 'QJ');
  assert.equal(root.name, '强基县委');
  assert.equal(root.parent_code, null);
  assert.equal(root.kind, '党委');
  assert.equal(root.domain, '机关');
  assert.equal(root.established_on, '1949-10-01');
  assert.equal(root.region_code, '341122');
  assert.equal(root.term_started_on, '2021-09-15');
  assert.equal(root.ended_on, null);
  assert.equal(root.children_count, 2);
  assert.equal(root.member_count, 20);
  assert.equal(typeof root.updated_at, 'string');

  const t = assertStatus(await admin.get('/api/v1/orgs/QJ01'), 200);
  assert.equal(t.parent_code, 'QJ');
  assert.equal(t.children_count, 3);
  assert.equal(t.member_count, 14, 'QJ01 counts the branch under its 党总支 too');
  const gb = assertStatus(await admin.get('/api/v1/orgs/QJ0103'), 200);
  assert.equal(gb.kind, '党总支');
  assert.equal(gb.member_count, 4);
  const joint = assertStatus(await admin.get('/api/v1/orgs/QJ0202'), 200);
  assert.equal(joint.kind, '联合党支部');
  assert.equal(joint.domain, '非公有制企业');
  assert.equal(joint.formation, '联合组建');
  assert.equal(joint.children_count, 0);
  assert.equal(joint.member_count, 3);
  // All nine of the fixture are there, as written.
  for (const o of ORGS) {
    const g = assertStatus(await admin.get(`/api/v1/orgs/${o.code}`), 200);
    assert.equal(g.name, o.name);
    assert.equal(g.parent_code, o.parent_code || null);
    assert.equal(g.kind, o.kind);
    assert.equal(g.formation, o.formation || null);
  }
  assertError(await admin.get('/api/v1/orgs/NOSUCH'), 404, 'not_found');
});

test('GET /orgs/{code}/children: ordered by code, with total', async () => {
  const r = assertStatus(await admin.get('/api/v1/orgs/QJ01/children'), 200);
  assert.equal(r.total, 3);
  assert.deepEqual(r.items.map((o) => o.code), ['QJ0101', 'QJ0102', 'QJ0103']);
  assert.deepEqual(Object.keys(r.items[0]).sort(), ORG_KEYS);
  const leaf = assertStatus(await admin.get('/api/v1/orgs/QJ0101/children'), 200);
  assert.deepEqual(leaf, { items: [], total: 0 });
});

test('POST /orgs: 201 with the org; parent must be 党委/党工委/党总支', async () => {
  const body = { code: 'QJ010302', name: '东湖镇机关第二党支部', parent_code: 'QJ0103', kind: '党支部', domain: '机关',
    formation: '单独组建', established_on: '2024年3月1日', region_code: '341122', term_started_on: '2024/3/1' };
  const r = await east.post('/api/v1/orgs', body);
  const o = assertStatus(r, 201);
  assert.equal(o.code, 'QJ010302');
  assert.equal(o.parent_code, 'QJ0103');
  assert.equal(o.established_on, '2024-03-01', 'dates are stored canonical');
  assert.equal(o.term_started_on, '2024-03-01');
  assert.equal(o.children_count, 0);
  assert.equal(o.member_count, 0);
  assert.equal((await admin.get('/api/v1/orgs/QJ0103')).json.children_count, 2);
  // Under a branch: refused, field parent_code.
  assertError(await admin.post('/api/v1/orgs', { code: 'QJ010101', name: '支部下的支部', parent_code: 'QJ0101', kind: '党支部', domain: '农村' }),
    400, 'invalid', 'parent_code');
  assertError(await admin.post('/api/v1/orgs', { code: 'QJ020201', name: '联合支部下', parent_code: 'QJ0202', kind: '党支部', domain: '农村' }),
    400, 'invalid', 'parent_code');
  // Duplicate code.
  assertError(await admin.post('/api/v1/orgs', { ...body, name: '再来一次' }), 409, 'conflict', 'code');
  // Validation of each field.
  const ok = { code: 'QJ0204', name: '西山镇社区党委', parent_code: 'QJ02', kind: '党委', domain: '城市社区' };
  assertError(await admin.post('/api/v1/orgs', { ...ok, kind: '党小组' }), 400, 'invalid', 'kind');
  assertError(await admin.post('/api/v1/orgs', { ...ok, domain: '火星' }), 400, 'invalid', 'domain');
  assertError(await admin.post('/api/v1/orgs', { ...ok, formation: '随便' }), 400, 'invalid', 'formation');
  assertError(await admin.post('/api/v1/orgs', { ...ok, region_code: '991122' }), 400, 'invalid', 'region_code');
  assertError(await admin.post('/api/v1/orgs', { ...ok, established_on: '2021-13-01' }), 400, 'invalid', 'established_on');
  assertError(await admin.post('/api/v1/orgs', { ...ok, code: 'has space' }), 400, 'invalid', 'code');
  assertError(await admin.post('/api/v1/orgs', { ...ok, code: 'X'.repeat(33) }), 400, 'invalid', 'code');
  assertError(await admin.post('/api/v1/orgs', { ...ok, name: '名'.repeat(101) }), 400, 'invalid', 'name');
  assertError(await admin.post('/api/v1/orgs', { ...ok, kind: undefined }), 400, 'required', 'kind');
  assertError(await admin.post('/api/v1/orgs', { ...ok, code: '' }), 400, 'required', 'code');
  assertError(await admin.post('/api/v1/orgs', { ...ok, name: '   ' }), 400, 'required', 'name');
  // 100 characters is fine; the code is kept as sent (trimmed).
  const made = assertStatus(await admin.post('/api/v1/orgs', { ...ok, name: '名'.repeat(100), code: ' QJ0204 ' }), 201);
  assert.equal(made.code, 'QJ0204');
  assert.equal(made.name.length, 100);
});

test('PATCH /orgs/{code}: a subset of fields; the code cannot change', async () => {
  const before = assertStatus(await admin.get('/api/v1/orgs/QJ0102'), 200);
  const r = assertStatus(await east.patch('/api/v1/orgs/QJ0102', { name: '南岗村党支部委员会', term_started_on: '2024.03.12' }), 200);
  assert.equal(r.name, '南岗村党支部委员会');
  assert.equal(r.term_started_on, '2024-03-12');
  assert.equal(r.domain, before.domain, 'untouched fields stay');
  assert.equal(r.established_on, before.established_on);
  assert.equal(r.member_count, before.member_count);
  assertError(await admin.patch('/api/v1/orgs/QJ0102', { code: 'QJ0109' }), 400, 'invalid', 'code');
  // Sending the same code back is harmless.
  assertStatus(await admin.patch('/api/v1/orgs/QJ0102', { code: 'QJ0102', name: '南岗村党支部' }), 200);
  // Clearing an optional field with null.
  const cleared = assertStatus(await admin.patch('/api/v1/orgs/QJ0102', { formation: null }), 200);
  assert.equal(cleared.formation, null);
  // A required one cannot be cleared.
  assertError(await admin.patch('/api/v1/orgs/QJ0102', { name: null }), 400, 'required', 'name');
  // Another kind of branch is fine.
  const k = assertStatus(await admin.patch('/api/v1/orgs/QJ0102', { kind: '联合党支部' }), 200);
  assert.equal(k.kind, '联合党支部');
  assert.equal((await admin.get('/api/v1/orgs/QJ0102')).json.name, '南岗村党支部');
  assertStatus(await admin.patch('/api/v1/orgs/QJ0102', { kind: '党支部' }), 200);
  assertError(await admin.patch('/api/v1/orgs/NOSUCH', { name: 'x' }), 404, 'not_found');
});

test('PATCH parent_code moves the organization with its subtree', async () => {
  // Move the 党总支 QJ0103 (with QJ010301 and its 4 members, and QJ010302) from QJ01 to QJ02.
  const r = assertStatus(await admin.patch('/api/v1/orgs/QJ0103', { parent_code: 'QJ02' }), 200);
  assert.equal(r.parent_code, 'QJ02');
  assert.equal(r.member_count, 4);
  assert.equal((await admin.get('/api/v1/orgs/QJ01')).json.member_count, 10);
  assert.equal((await admin.get('/api/v1/orgs/QJ02')).json.member_count, 10);
  assert.equal((await admin.get('/api/v1/orgs/QJ01')).json.children_count, 2);
  assert.equal((await admin.get('/api/v1/orgs/QJ010301')).json.parent_code, 'QJ0103');
  assert.equal((await admin.get('/api/v1/orgs/QJ02/members?limit=1')).json.total, 10);
  // The org_admin of QJ01 lost the moved subtree, members included.
  assertError(await east.get('/api/v1/orgs/QJ0103'), 404, 'not_found');
  assertError(await east.get('/api/v1/orgs/QJ010301'), 404, 'not_found');
  assert.equal((await east.get('/api/v1/orgs/QJ01/members?limit=1')).json.total, 10);
  const west = await srv.as('west');
  assertStatus(await west.get('/api/v1/orgs/QJ010301'), 200);
  assert.equal((await west.get('/api/v1/orgs/QJ02/members?limit=1')).json.total, 10);
  // And back.
  assertStatus(await admin.patch('/api/v1/orgs/QJ0103', { parent_code: 'QJ01' }), 200);
  assert.equal((await admin.get('/api/v1/orgs/QJ01')).json.member_count, 14);
  assertStatus(await east.get('/api/v1/orgs/QJ010301'), 200);
});

test('moving under itself or a descendant, or under a branch, is 400 parent_code', async () => {
  assertError(await admin.patch('/api/v1/orgs/QJ01', { parent_code: 'QJ01' }), 400, 'invalid', 'parent_code');
  assertError(await admin.patch('/api/v1/orgs/QJ01', { parent_code: 'QJ0103' }), 400, 'invalid', 'parent_code');
  assertError(await admin.patch('/api/v1/orgs/QJ', { parent_code: 'QJ010301' }), 400, 'invalid', 'parent_code');
  assertError(await admin.patch('/api/v1/orgs/QJ0103', { parent_code: 'QJ0101' }), 400, 'invalid', 'parent_code');
  assertError(await admin.patch('/api/v1/orgs/QJ0103', { parent_code: 'NOSUCH' }), 404, 'not_found', 'parent_code');
  // Nothing moved.
  assert.equal((await admin.get('/api/v1/orgs/QJ01')).json.parent_code, 'QJ');
  assert.equal((await admin.get('/api/v1/orgs/QJ0103')).json.parent_code, 'QJ01');
  assert.equal((await admin.get('/api/v1/orgs/QJ')).json.member_count, 20);
});

test('the tree keeps its rules: no branch with children, no members outside branches, end dates', async () => {
  // A 党总支 with a branch under it cannot become a branch.
  assertError(await admin.patch('/api/v1/orgs/QJ0103', { kind: '党支部' }), 400, 'invalid', 'kind');
  // A branch with members cannot become a committee.
  assertError(await admin.patch('/api/v1/orgs/QJ0101', { kind: '党委' }), 400, 'invalid', 'kind');
  assert.equal((await admin.get('/api/v1/orgs/QJ0101')).json.kind, '党支部');
  // Only temporary and project branches end; not before they start.
  assertError(await admin.patch('/api/v1/orgs/QJ0201', { ended_on: '2025-01-01' }), 400, 'invalid', 'ended_on');
  const t = assertStatus(await admin.post('/api/v1/orgs', { code: 'QJ0207', name: '防汛临时党支部', parent_code: 'QJ02',
    kind: '临时党支部', domain: '其他', established_on: '2024-07-01', ended_on: '2024-09-30' }), 201);
  assert.equal(t.ended_on, '2024-09-30');
  assertError(await admin.patch('/api/v1/orgs/QJ0207', { ended_on: '2024-06-30' }), 400, 'invalid', 'ended_on');
  // Not founded in the future.
  assertError(await admin.post('/api/v1/orgs', { code: 'QJ0208', name: '未来党支部', parent_code: 'QJ02', kind: '党支部',
    domain: '农村', established_on: '2026-07-01' }), 400, 'invalid', 'established_on');
  // A second root is refused.
  assertError(await admin.post('/api/v1/orgs', { code: 'ROOT2', name: '另一个根', kind: '党委', domain: '机关' }),
    400, ['required', 'invalid'], 'parent_code');
});

test('org_admin may not move its own root out of its subtree', async () => {
  assertError(await east.patch('/api/v1/orgs/QJ01', { parent_code: 'QJ02' }), 404, 'not_found', 'parent_code');
  assert.equal((await admin.get('/api/v1/orgs/QJ01')).json.parent_code, 'QJ');
});
