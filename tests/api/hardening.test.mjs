// Hardening found by review: ID-number search that could rebuild a masked
// number, reused ids, error fields, read-only keys sent back (refused), Allow on 405.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, assertStatus, MEMBERS, makeId } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const viewer = await srv.as('viewer');

test('a viewer finds a member only by the whole ID number, never by a prefix', async () => {
  const id = MEMBERS[0].id_number;
  const whole = assertStatus(await viewer.get(`/api/v1/orgs/QJ/members?q=${id}`), 200);
  assert.equal(whole.total, 1);
  assert.equal(whole.items[0].name, '张三丰');
  for (const n of [6, 10, 17]) {
    const part = assertStatus(await viewer.get(`/api/v1/orgs/QJ/members?q=${id.slice(0, n)}`), 200);
    assert.equal(part.total, 0, `prefix of ${n} digits must find nothing for a viewer`);
  }
  // An org_admin or admin, who may see numbers whole, searches by prefix.
  const byPrefix = assertStatus(await admin.get(`/api/v1/orgs/QJ/members?q=${id.slice(0, 17)}`), 200);
  assert.ok(byPrefix.items.some((m) => m.name === '张三丰'));
});

test('a deleted member\'s id is never given to another', async () => {
  const body = (k) => ({ name: '临时' + k, id_number: makeId('340104', '1991-03-03', '男', 70 + k), category: '正式党员',
    joined_on: '2015-07-01', full_on: '2016-07-01', org_code: 'QJ0101' });
  const a = assertStatus(await admin.post('/api/v1/members', body(1)), 201);
  assertStatus(await admin.del(`/api/v1/members/${a.id}`), 200);
  const b = assertStatus(await admin.post('/api/v1/members', body(2)), 201);
  assert.ok(b.id > a.id, `new id ${b.id} must be greater than the deleted ${a.id}`);
  assertError(await admin.get(`/api/v1/members/${a.id}`), 404, 'not_found');
});

test('an unknown field is named in the error', async () => {
  const e = assertError(await admin.patch('/api/v1/orgs/QJ01', { colour: 'red' }), 400, 'unknown_field', 'colour');
  assert.match(e.message, /colour/);
  assertError(await admin.patch(`/api/v1/members/1`, { nmae: 'x' }), 400, 'unknown_field', 'nmae');
});

test('an organization read and sent back whole is refused by the first read-only key; the fields alone are accepted', async () => {
  const org = assertStatus(await admin.get('/api/v1/orgs/QJ0102'), 200);
  // What the server gives out (counts, names it looked up, time stamps) is never taken back in silence.
  const e = assertError(await admin.patch('/api/v1/orgs/QJ0102', { ...org, name: org.name + '（改）' }), 400, 'read_only');
  assert.ok(['updated_at', 'children_count', 'member_count', 'org_name', 'id', 'status'].includes(e.field), e.field);
  assert.match(e.message, new RegExp(e.field));
  assert.equal(assertStatus(await admin.get('/api/v1/orgs/QJ0102'), 200).name, org.name, 'nothing written');
  const changed = assertStatus(await admin.patch('/api/v1/orgs/QJ0102', { name: org.name + '（改）' }), 200);
  assert.equal(changed.name, org.name + '（改）');
  assert.equal(changed.member_count, org.member_count);
  const m = assertStatus(await admin.get('/api/v1/members/1'), 200);
  assertError(await admin.patch('/api/v1/members/1', { ...m, occupation: '退休' }), 400, 'read_only');
  const back = assertStatus(await admin.patch('/api/v1/members/1', { occupation: '退休' }), 200);
  assert.equal(back.occupation, '退休');
});

test('405 names the allowed methods in an Allow header', async () => {
  const r = await admin.req('PUT', '/api/v1/orgs/QJ');
  assertError(r, 405, 'method_not_allowed');
  assert.equal(r.headers.get('allow'), 'GET, PATCH');
});

test('an id in a path is a plain positive number, or there is no such object', async () => {
  for (const bad of ['0', '01', '1abc', '-1', '%2B1', '9999999999999999999']) {
    assertError(await admin.get(`/api/v1/members/${bad}`), 404, 'not_found');
    assertError(await admin.get(`/api/v1/meetings/${bad}`), 404, 'not_found');
    assertError(await admin.post(`/api/v1/transfers/${bad}/accept`, {}), 404, 'not_found');
  }
});
