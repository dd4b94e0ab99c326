// The error shape {"error":{"code","message","field"}} for every kind of
// refusal the dispatcher makes: unknown route, wrong method, oversize bodies,
// bad JSON, unknown fields and parameters, invalid values, conflicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, assertStatus, MEMBERS, makeId } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');

test('unknown routes are 404 not_found, with or without a session', async () => {
  for (const url of ['/api/v1/nope', '/api/v1/', '/api/v2/orgs/QJ', '/api/v1/orgs/QJ/nothing', '/api/v1/orgs/QJ/children/x']) {
    assertError(await admin.get(url), 404, 'not_found');
  }
  assertError(await srv.request('GET', '/api/v1/nope'), 404, 'not_found');
  assertError(await admin.post('/api/v1/nope', {}), 404, 'not_found');
});

test('a known route with the wrong method is 405 method_not_allowed', async () => {
  assertError(await admin.del('/api/v1/orgs/QJ'), 405, 'method_not_allowed');
  assertError(await admin.req('PUT', '/api/v1/members/1', { json: {} }), 405, 'method_not_allowed');
  assertError(await admin.post('/api/v1/orgs/QJ', {}), 405, 'method_not_allowed');
  assertError(await admin.get('/api/v1/orgs'), 405, 'method_not_allowed');
  assertError(await admin.get('/api/v1/members'), 405, 'method_not_allowed');
  assertError(await admin.post('/api/v1/audit', {}), 405, 'method_not_allowed');
  assertError(await admin.get('/api/v1/import/members'), 405, 'method_not_allowed');
  assertError(await admin.req('PATCH', '/api/v1/export/members', { json: {} }), 405, 'method_not_allowed');
});

test('no session: 401 unauthorized on every non-public route', async () => {
  for (const [m, url] of [['GET', '/api/v1/orgs/QJ'], ['GET', '/api/v1/orgs/QJ/children'], ['GET', '/api/v1/orgs/QJ/members'],
    ['GET', '/api/v1/members/1'], ['GET', '/api/v1/audit'], ['GET', '/api/v1/export/members'],
    ['POST', '/api/v1/orgs'], ['POST', '/api/v1/members'], ['PATCH', '/api/v1/members/1'], ['DELETE', '/api/v1/members/1'],
    ['POST', '/api/v1/import/members']]) {
    const r = await srv.request(m, url, m === 'GET' ? {} : { json: {} });
    assertError(r, 401, 'unauthorized');
  }
  // The OpenAPI document is public.
  assertStatus(await srv.request('GET', '/api/v1/openapi.json'), 200);
});

test('a body that is not JSON is 400 invalid_json', async () => {
  assertError(await admin.post('/api/v1/members', '{"name": "x",'), 400, 'invalid_json');
  assertError(await admin.post('/api/v1/members', 'name=x'), 400, 'invalid_json');
  assertError(await admin.post('/api/v1/members', ''), 400, 'invalid_json');
  assertError(await admin.patch('/api/v1/orgs/QJ01', '[1,2]'), 400, 'invalid_json');
  assertError(await admin.patch('/api/v1/orgs/QJ01', '"text"'), 400, 'invalid_json');
  // Not UTF-8.
  assertError(await admin.req('PATCH', '/api/v1/orgs/QJ01', { body: Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), headers: { 'content-type': 'application/json' } }),
    400, 'invalid_json');
  const org = await admin.get('/api/v1/orgs/QJ01');
  assert.equal(org.json.name, '东湖镇党委');
});

test('an unknown field is 400 unknown_field', async () => {
  // (The contract does not say the field is named; the message does name it.)
  const e1 = assertError(await admin.patch('/api/v1/orgs/QJ01', { name: '新名字', colour: 'red' }), 400, 'unknown_field');
  assert.ok(e1.field === 'colour' || e1.message.includes('colour'), JSON.stringify(e1));
  const e2 = assertError(await admin.post('/api/v1/members', { ...memberBody(), salary: 1 }), 400, 'unknown_field');
  assert.ok(e2.field === 'salary' || e2.message.includes('salary'), JSON.stringify(e2));
  const org = await admin.get('/api/v1/orgs/QJ01');
  assert.equal(org.json.name, '东湖镇党委', 'nothing changed');
});

test('an unknown query parameter is 400 unknown_parameter naming it', async () => {
  assertError(await admin.get('/api/v1/orgs/QJ/members?colour=red'), 400, 'unknown_parameter', 'colour');
  assertError(await admin.get('/api/v1/audit?foo=1'), 400, 'unknown_parameter', 'foo');
  assertError(await admin.get('/api/v1/export/members?fmt=csv'), 400, 'unknown_parameter', 'fmt');
});

test('an invalid query parameter value is 400 invalid naming it', async () => {
  assertError(await admin.get('/api/v1/orgs/QJ/members?limit=0'), 400, 'invalid', 'limit');
  assertError(await admin.get('/api/v1/orgs/QJ/members?limit=201'), 400, 'invalid', 'limit');
  assertError(await admin.get('/api/v1/orgs/QJ/members?limit=abc'), 400, 'invalid', 'limit');
  assertError(await admin.get('/api/v1/orgs/QJ/members?offset=-1'), 400, 'invalid', 'offset');
  assertError(await admin.get('/api/v1/orgs/QJ/members?offset=1x'), 400, 'invalid', 'offset');
  assertError(await admin.get('/api/v1/export/members?format=pdf'), 400, 'invalid', 'format');
  // The edges are fine.
  assertStatus(await admin.get('/api/v1/orgs/QJ/members?limit=1'), 200);
  assertStatus(await admin.get('/api/v1/orgs/QJ/members?limit=200&offset=0'), 200);
});

test('an invalid field value is 400 invalid with the field name', async () => {
  assertError(await admin.patch('/api/v1/orgs/QJ01', { kind: '大队' }), 400, 'invalid', 'kind');
  assertError(await admin.patch('/api/v1/orgs/QJ01', { established_on: '2020-02-30' }), 400, 'invalid', 'established_on');
  assertError(await admin.patch('/api/v1/orgs/QJ01', { region_code: '12345' }), 400, 'invalid', 'region_code');
  assertError(await admin.post('/api/v1/members', { ...memberBody(), category: '群众' }), 400, 'invalid', 'category');
  assertError(await admin.post('/api/v1/members', { ...memberBody(), mobile: 'maybe' }), 400, 'invalid', 'mobile');
  assertError(await admin.post('/api/v1/members', { ...memberBody(), name: 42 }), 400, 'invalid', 'name');
});

test('a missing required field is 400 required with the field name', async () => {
  const b = memberBody();
  delete b.name;
  assertError(await admin.post('/api/v1/members', b), 400, 'required', 'name');
  assertError(await admin.post('/api/v1/orgs', { code: 'QJ0290', parent_code: 'QJ02', kind: '党支部', domain: '农村' }),
    400, 'required', 'name');
});

test('a duplicate is 409 conflict with the field name', async () => {
  assertError(await admin.post('/api/v1/orgs', { code: 'QJ0201', name: '重复', parent_code: 'QJ02', kind: '党支部', domain: '农村' }),
    409, 'conflict', 'code');
  assertError(await admin.post('/api/v1/members', { ...memberBody(), id_number: MEMBERS[0].id_number }), 409, 'conflict', 'id_number');
});

test('a JSON body over 1 MiB is 413 too_large', async () => {
  const big = JSON.stringify({ name: 'x'.repeat((1 << 20) + 10) });
  assert.ok(Buffer.byteLength(big) > 1 << 20);
  const r = await srv.rawRequest('PATCH', '/api/v1/orgs/QJ01', {
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
    body: Buffer.from(big),
  });
  assertError(r, 413, 'too_large');
  // Just under the limit is parsed (and refused for what it says, not its size).
  const fits = JSON.stringify({ name: 'x'.repeat((1 << 20) - 100) });
  assertError(await admin.patch('/api/v1/orgs/QJ01', fits), 400, 'invalid', 'name');
  // The server still answers.
  assertStatus(await admin.get('/api/v1/orgs/QJ01'), 200);
});

test('an import body over 64 MiB is 413 too_large (with a length, and streamed without one)', async () => {
  const before = await admin.total();
  const size = (64 << 20) + 1;
  const head = Buffer.from('姓名,公民身份号码,人员类别,入党日期,所在党组织编码\n');
  const body = Buffer.alloc(size, 0x41);
  head.copy(body);
  const r1 = await srv.rawRequest('POST', '/api/v1/import/members', {
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'text/csv' },
    body, expectContinue: true,
  });
  assertError(r1, 413, 'too_large');
  const r2 = await srv.rawRequest('POST', '/api/v1/import/members', {
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'text/csv' },
    body,
  });
  assertError(r2, 413, 'too_large');
  // Chunked, no Content-Length: the server counts.
  const r3 = await srv.rawRequest('POST', '/api/v1/import/orgs', {
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'text/csv' },
    chunks: function* () {
      yield head;
      const mib = Buffer.alloc(1 << 20, 0x42);
      for (let i = 0; i < 64; i++) yield mib;
      yield Buffer.from('CC');
    },
  });
  assertError(r3, 413, 'too_large');
  assert.equal(await admin.total(), before);
  assertStatus(await admin.get('/api/v1/orgs/QJ'), 200);
});

test('the error answers are JSON with the right content type, also for 404 and 405', async () => {
  const r = await admin.get('/api/v1/definitely/not/here');
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(Object.keys(r.json), ['error']);
  assert.deepEqual(Object.keys(r.json.error).sort(), ['code', 'field', 'message']);
});

function memberBody() {
  return {
    name: '测试人', id_number: makeId('341122', '1990-01-01', '男', 7), category: '正式党员',
    joined_on: '2015-07-01', full_on: '2016-07-01', org_code: 'QJ0201',
  };
}
