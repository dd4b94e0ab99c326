// Findings of the bad-input probes (issue 12, item 8) and the edge of item 4:
// what a body must be (JSON, declared so; no read-only keys; numbers as
// numbers), paths with NUL or bad UTF-8, a huge Content-Length, the errors
// libmicrohttpd answers by itself, security headers, the Secure cookie and
// HSTS behind a trusted proxy, X-Forwarded-For from a trusted proxy only, the
// request log, and a duplicate ID number registered outside the subtree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, assertError, assertStatus, MEMBERS, USERS, makeId, password, sqlite } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const east = await srv.as('east');
// The test's peer is 127.0.0.1: trusted here, not in srv.
const proxied = await startServer({ members: false, users: { admin: USERS.admin, lockme: USERS.lockme },
  env: { QIANGJI_TRUSTED_PROXY: '10.0.0.0/8, 127.0.0.1', QIANGJI_HSTS: 'on' } });
const forced = await startServer({ members: false, users: { admin: USERS.admin },
  env: { QIANGJI_HSTS: 'force', QIANGJI_LOG_LEVEL: 'error' } });

/** Sends raw bytes on a new connection; resolves with what came back
 * (status, headers, body) once the server closes or `wait` ms pass. */
function raw(server, data, { wait = 4000 } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const sock = net.connect(server.port, '127.0.0.1');
    const parts = [];
    let done = false;
    const finish = (timedOut) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const text = Buffer.concat(parts).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const lines = head.split('\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] || '');
      const headers = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      const body = rest.join('\r\n\r\n');
      let json;
      try { json = JSON.parse(body); } catch { json = undefined; }
      resolve({ status: m ? Number(m[1]) : 0, headers, body, json, text, timedOut, ms: Date.now() - t0 });
    };
    const timer = setTimeout(() => finish(true), wait);
    sock.on('data', (d) => parts.push(d));
    sock.on('end', () => finish(false));
    sock.on('close', () => finish(false));
    sock.on('error', (e) => (parts.length ? finish(false) : reject(e)));
    sock.write(data);
  });
}

/** The server's log lines (stderr) that name request id. */
const logLines = (server, id) => server.stderr.split('\n').filter((l) => l.includes(`id=${id} `));
const settle = () => new Promise((r) => setTimeout(r, 150));

test('a JSON body must say it is JSON: text/plain, a form, multipart, XML, none or UTF-16 is 415, nothing written', async () => {
  const before = assertStatus(await admin.get('/api/v1/orgs/QJ0102'), 200).name;
  const body = JSON.stringify({ name: '被改了' });
  const types = ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=xyz', 'application/xml', 'text/xml', 'application/json; charset=utf-16',
    'application/jsonp', 'application/json; charset=latin1'];
  for (const type of types) {
    const e = assertError(await admin.patch('/api/v1/orgs/QJ0102', body, { headers: { 'content-type': type } }),
      415, 'unsupported_media_type', null);
    assert.match(e.message, /application\/json/);
  }
  // No Content-Type at all (fetch would add text/plain: node:http sends none).
  const none = await srv.rawRequest('PATCH', '/api/v1/orgs/QJ0102', {
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf }, body: Buffer.from(body) });
  assertError(none, 415, 'unsupported_media_type');
  // A POST that creates: refused the same way, nobody created.
  const n = await admin.total();
  assertError(await admin.post('/api/v1/members', JSON.stringify(memberBody(1)), { headers: { 'content-type': 'text/plain' } }),
    415, 'unsupported_media_type');
  assert.equal(await admin.total(), n);
  assert.equal(assertStatus(await admin.get('/api/v1/orgs/QJ0102'), 200).name, before, 'nothing written');
  // JSON with or without charset=utf-8 (any case, quoted or not) is taken.
  for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"']) {
    const name = `${before}·${type.length}`;
    const r = await admin.patch('/api/v1/orgs/QJ0102', JSON.stringify({ name }), { headers: { 'content-type': type } });
    assert.equal(assertStatus(r, 200).name, name);
  }
  assertStatus(await admin.patch('/api/v1/orgs/QJ0102', { name: before }), 200);
  // A route that takes a file keeps its own types (the UI sends the file's, or application/octet-stream).
  const csv = Buffer.from('组织编码,组织名称,上级组织编码,组织类别,所属领域\n');
  for (const type of ['text/csv', 'application/octet-stream', 'application/vnd.ms-excel']) {
    const r = await admin.upload('/api/v1/import/orgs?dry_run=1', csv, { headers: { 'content-type': type } });
    assert.notEqual(r.status, 415, `${type}: ${r.text}`);
  }
});

test('read-only keys in a body are refused by name: id, status, updated_at on POST /members; status on PATCH', async () => {
  const n = await admin.total();
  for (const [key, value] of [['id', 999], ['status', 'active'], ['updated_at', '2026-06-30T08:00:00Z']]) {
    const e = assertError(await admin.post('/api/v1/members', { ...memberBody(2), [key]: value }), 400, 'read_only', key);
    assert.match(e.message, /只读/);
  }
  assert.equal(await admin.total(), n, 'nobody created');
  const id = MEMBERS[1].id_number;
  const m = (await admin.get(`/api/v1/orgs/QJ/members?q=${id}&reveal=1`)).json.items[0];
  assertError(await admin.patch(`/api/v1/members/${m.id}`, { status: 'left' }), 400, 'read_only', 'status');
  assertError(await admin.patch(`/api/v1/members/${m.id}`, { occupation: '教师', id: m.id + 1 }), 400, 'read_only', 'id');
  const after = assertStatus(await admin.get(`/api/v1/members/${m.id}`), 200);
  assert.equal(after.status, 'active');
  assert.equal(after.occupation, m.occupation, 'nothing written');
  // Every route, not only members: an organization's counts, a meeting's id.
  assertError(await admin.patch('/api/v1/orgs/QJ0102', { member_count: 3 }), 400, 'read_only', 'member_count');
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2026-06-01', id: 5 }),
    400, 'read_only', 'id');
});

test('a number sent as a string is refused for every numeric type: money, whole numbers, ids, years', async () => {
  const mid = await memberId(0);
  const payments = (await admin.get(`/api/v1/members/${mid}/dues`)).text;
  const e = assertError(await east.post(`/api/v1/members/${mid}/dues/payments`, {
    period_from: '2026-01', period_to: '2026-01', amount: '50', paid_on: '2026-06-30', channel: 'cash' }),
  400, 'invalid', 'amount');
  assert.match(e.message, /数字/);
  assert.equal((await admin.get(`/api/v1/members/${mid}/dues`)).text, payments, 'no payment written');
  // FT_ID (a meeting's host), FT_INT (a plan's count), FT_YEAR, FT_MONEY on a member.
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2026-06-01',
    host_id: String(mid) }), 400, 'invalid', 'host_id');
  assertError(await admin.req('PUT', '/api/v1/orgs/QJ0101/development/plan', {
    json: { year: 2026, activists: '3', candidates: 1, members: 1 } }), 400, 'invalid', 'activists');
  assertError(await admin.req('PUT', '/api/v1/orgs/QJ0101/development/plan', {
    json: { year: '2026', activists: 3, candidates: 1, members: 1 } }), 400, 'invalid', 'year');
  assertError(await admin.patch(`/api/v1/members/${mid}`, { monthly_income: '3500' }), 400, 'invalid', 'monthly_income');
  // The same values as numbers are taken.
  assertStatus(await admin.req('PUT', '/api/v1/orgs/QJ0101/development/plan', {
    json: { year: 2026, activists: 3, candidates: 1, members: 1 } }), 200);
  assert.equal(assertStatus(await admin.patch(`/api/v1/members/${mid}`, { monthly_income: 3500 }), 200).monthly_income, 3500);
});

test('a remote check-in window is at most 7 days: 9 days and 7 days and a minute are refused, 7 days is taken', async () => {
  const body = (opens, closes) => ({ kind: 'theme_day', title: '线上主题党日', held_on: '2026-06-30', mode: 'online',
    checkin_opens_at: opens, checkin_closes_at: closes });
  const list = async () => (await admin.get('/api/v1/orgs/QJ0101/meetings?limit=200')).json.total;
  const n = await list();
  for (const closes of ['2026-07-09T08:00:00Z', '2026-07-07T08:01:00Z', '2026-07-30T08:00:00Z']) {
    assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', body('2026-06-30T08:00:00Z', closes)),
      400, 'invalid', 'checkin_closes_at');
  }
  // Across a month's end, and across a year's.
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', body('2025-12-28T00:00:00Z', '2026-01-05T00:00:00Z')),
    400, 'invalid', 'checkin_closes_at');
  assert.equal(await list(), n, 'nothing written');
  const ok = assertStatus(await admin.post('/api/v1/orgs/QJ0101/meetings', body('2026-06-30T08:00:00Z', '2026-07-07T08:00:00Z')), 201);
  assertError(await admin.patch(`/api/v1/meetings/${ok.id}`, {
    checkin_opens_at: '2026-06-30T08:00:00Z', checkin_closes_at: '2026-07-09T08:00:00Z' }), 400, 'invalid', 'checkin_closes_at');
});

test('a path with a NUL (%00) or invalid UTF-8 is 400 JSON, not cut short into another route', async () => {
  for (const path of ['/api/v1/orgs/QJ%00/members', '/api/v1/orgs/341125%00/members', '/api/v1/orgs/QJ%00',
    '/api/v1/orgs/%FF%FE/members', '/api/v1/orgs/QJ%C3/members', '/api/v1/members?q=%00', '/index.html%00.js', '/%FF']) {
    const e = assertError(await admin.get(path), 400, 'bad_request', null);
    assert.match(e.message, /UTF-8/);
  }
  // The same paths without the bad byte are what they were.
  assertStatus(await admin.get('/api/v1/orgs/QJ'), 200);
});

test('Content-Length: 99999999999 is answered 413 at once, without waiting for the body', async () => {
  const head = (extra = '') => `POST /api/v1/members HTTP/1.1\r\nHost: x\r\nCookie: ${admin.cookie}\r\n` +
    `X-CSRF-Token: ${admin.csrf}\r\nContent-Type: application/json\r\nContent-Length: 99999999999\r\n${extra}\r\n`;
  for (const extra of ['', 'Expect: 100-continue\r\n']) {
    const r = await raw(srv, head(extra) + '{"name":', { wait: 5000 });
    assert.equal(r.timedOut, false, `no answer within 5 s: ${r.text}`);
    assert.equal(r.status, 413, r.text);
    assert.equal(r.json.error.code, 'too_large');
    assert.match(r.headers['content-type'], /application\/json/);
    assert.ok(r.ms < 3000, `answered after ${r.ms} ms`);
  }
  assertStatus(await admin.get('/api/v1/orgs/QJ'), 200);
});

test('errors of the HTTP layer: the application answers JSON where it can; libmicrohttpd\'s own answers are logged', async () => {
  // A cookie too big for us but not for libmicrohttpd's buffer: JSON 431.
  const big = await srv.request('GET', '/api/v1/orgs/QJ', { cookie: `${admin.cookie}; junk=${'x'.repeat(6000)}` });
  assertError(big, 431, 'too_large');
  // What libmicrohttpd 0.9.75 answers before any callback can shape it (connection.c, transmit_error_response_len
  // with a fixed HTML or empty body: docs/api.md "Errors of the HTTP layer"): the status is right, the connection
  // closes, the server keeps serving, and the log says libmicrohttpd answered.
  const cases = [
    ['malformed Content-Length', 'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 12abc\r\n\r\n{}', 400],
    ['malformed chunking', 'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n', 400],
    ['headers over the connection memory', `GET /api/v1/orgs/QJ HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(64 * 1024)}\r\n\r\n`, 431],
  ];
  for (const [what, data, status] of cases) {
    const r = await raw(srv, data);
    assert.equal(r.timedOut, false, `${what}: no answer`);
    assert.equal(r.status, status, `${what}: ${r.text.slice(0, 300)}`);
    assert.notEqual(r.headers['content-type'] || '', 'application/json; charset=utf-8', `${what}: JSON now? update docs/api.md`);
  }
  await settle();
  assert.match(srv.stderr, /path=\/api\/v1\/session status=- bytes=0 .* answered_by=libmicrohttpd/);
  assert.match(srv.stderr, /method=- path=\/api\/v1\/orgs\/QJ status=- bytes=0 .* client=127\.0\.0\.1 .*answered_by=libmicrohttpd/);
  // An HTTP/1.1 request without Host gets through libmicrohttpd 0.9.75: the application answers it, in JSON.
  const noHost = await raw(srv, 'GET /api/v1/orgs/QJ HTTP/1.1\r\nConnection: close\r\n\r\n');
  assert.equal(noHost.status, 401, noHost.text);
  assert.equal(noHost.json.error.code, 'unauthorized');
  assertStatus(await admin.get('/api/v1/orgs/QJ'), 200);
});

test('every answer carries CSP, frame and type options and a request id; the UI keeps its own CSP', async () => {
  const ids = new Set();
  for (const r of [await admin.get('/api/v1/orgs/QJ'), await admin.get('/api/v1/nowhere'), await srv.request('GET', '/api/v1/session')]) {
    assert.equal(r.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('referrer-policy'), 'same-origin');
    assert.equal(r.headers.get('strict-transport-security'), null, 'no HSTS by default');
    assert.match(r.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
    ids.add(r.headers.get('x-request-id'));
  }
  assert.equal(ids.size, 3, 'one id per request');
  const page = await srv.request('GET', '/');
  if (page.status === 200) {
    const csp = page.headers.get('content-security-policy');
    assert.match(csp, /script-src 'self'/, `the UI's own CSP: ${csp}`);
    assert.doesNotMatch(csp, /^default-src 'none'; frame-ancestors 'none'$/);
  }
});

test('behind a trusted proxy: Secure cookie and HSTS over https; neither from an untrusted peer or over http', async () => {
  const login = (server, headers) => server.request('POST', '/api/v1/session',
    { json: { login: 'admin', password: password('admin') }, headers });
  const cookieOf = (r) => r.headers.getSetCookie().find((c) => c.startsWith('qj_session='));
  const https = await login(proxied, { 'x-forwarded-proto': 'https' });
  assertStatus(https, 200);
  assert.match(cookieOf(https), /; Secure$/);
  assert.equal(https.headers.get('strict-transport-security'), 'max-age=31536000');
  const http = await login(proxied, {});
  assert.doesNotMatch(cookieOf(http), /Secure/);
  assert.equal(http.headers.get('strict-transport-security'), null);
  // srv trusts no proxy: the header is the client's word, and ignored.
  const spoofed = await login(srv, { 'x-forwarded-proto': 'https' });
  assert.doesNotMatch(cookieOf(spoofed), /Secure/);
  assert.equal(spoofed.headers.get('strict-transport-security'), null);
  // hsts=force: on every answer.
  assert.equal((await forced.request('GET', '/api/v1/session')).headers.get('strict-transport-security'), 'max-age=31536000');
});

test('X-Forwarded-For counts only from a trusted proxy: the log and the login throttle see the right address', async () => {
  const xff = (server, value) => server.request('GET', '/api/v1/session', { headers: { 'x-forwarded-for': value } });
  const seen = async (server, value) => {
    const r = await xff(server, value);
    await settle();
    const [line] = logLines(server, r.headers.get('x-request-id'));
    assert.ok(line, `no log line for ${value}`);
    return /client=(\S+)/.exec(line)[1];
  };
  // Trusted peer: the right-most address that is not a trusted proxy.
  assert.equal(await seen(proxied, '203.0.113.7'), '203.0.113.7');
  assert.equal(await seen(proxied, '198.51.100.1, 203.0.113.9, 10.1.2.3'), '203.0.113.9');
  assert.equal(await seen(proxied, '10.9.9.9, 10.1.2.3'), '10.9.9.9');
  assert.equal(await seen(proxied, 'garbage, 10.1.2.3'), '10.1.2.3');
  // Untrusted peer: the peer, whatever the header says.
  assert.equal(await seen(srv, '203.0.113.7'), '127.0.0.1');
  // Login throttling by address (20 failures in a row, any logins): through the trusted proxy each client is
  // its own address; without trust every spoofed address is the one peer.
  const fail = (server, addr, i) => server.request('POST', '/api/v1/session',
    { json: { login: `nobody${i}`, password: 'wrong-password' }, headers: { 'x-forwarded-for': addr } });
  for (let i = 0; i < 20; i++) assertError(await fail(proxied, `203.0.113.${100 + i}`, i), 401, 'bad_credentials');
  assertError(await fail(proxied, '203.0.113.200', 99), 401, 'bad_credentials');
  for (let i = 0; i < 20; i++) assertError(await fail(proxied, '192.0.2.1', i), 401, 'bad_credentials');
  assertError(await fail(proxied, '192.0.2.1', 99), 429, 'too_many_attempts');
  const right = await proxied.request('POST', '/api/v1/session', { json: { login: 'lockme', password: password('lockme') },
    headers: { 'x-forwarded-for': '192.0.2.1' } });
  assertError(right, 429, 'too_many_attempts');
  assertStatus(await proxied.request('POST', '/api/v1/session', { json: { login: 'lockme', password: password('lockme') },
    headers: { 'x-forwarded-for': '192.0.2.2' } }), 200);
});

test('the request log: one line per request with id, method, path without the query, status, bytes, ms, client, user', async () => {
  const id = MEMBERS[0].id_number;
  const r = await admin.get(`/api/v1/orgs/QJ/members?q=${id}&limit=1`);
  assertStatus(r, 200);
  await settle();
  const lines = logLines(srv, r.headers.get('x-request-id'));
  assert.equal(lines.length, 1, lines.join('\n'));
  const m = /^qiangji: request id=[0-9a-f]{16} method=GET path=\/api\/v1\/orgs\/QJ\/members status=200 bytes=(\d+) ms=[\d.]+ client=127\.0\.0\.1 user=admin$/.exec(lines[0]);
  assert.ok(m, lines[0]);
  assert.equal(Number(m[1]), r.buf.length);
  // Never a query string, an ID number, a cookie, a CSRF token or a password.
  await srv.request('POST', '/api/v1/session', { json: { login: 'admin', password: 'Secret-In-Body-1' } });
  await settle();
  for (const secret of [id, id.slice(0, 10), admin.cookie.split('=')[1], admin.csrf, 'Secret-In-Body-1', 'q=']) {
    assert.ok(!srv.stderr.includes(secret), `the log holds ${secret}`);
  }
  // log_level=error keeps 2xx and 4xx out of the log.
  const q = await forced.request('GET', '/api/v1/session');
  await settle();
  assert.equal(logLines(forced, q.headers.get('x-request-id')).length, 0);
  assert.doesNotMatch(forced.stderr, /qiangji: request /);
});

test('an ID number registered outside the user\'s subtree is 409 for a member or an applicant, naming no one and nowhere', async () => {
  const hu = MEMBERS[14];   // 胡德明, of 西山村党支部 (QJ0201), outside east's QJ01
  assert.equal(hu.name, '胡德明');
  const n = await admin.total();
  const body = { name: '某某', id_number: hu.id_number, category: '正式党员', joined_on: '1992-07-01', full_on: '1993-07-01',
    org_code: 'QJ0101' };
  const check = (e) => {
    for (const word of ['胡德明', 'QJ0201', '西山', 'QJ02', String(hu.id_number)]) assert.ok(!e.message.includes(word), `${word} in ${e.message}`);
  };
  check(assertError(await east.post('/api/v1/members', body), 409, 'conflict', 'id_number'));
  check(assertError(await east.post('/api/v1/orgs/QJ0101/applicants', { name: '某某', id_number: hu.id_number, applied_on: '2026-01-10' }),
    409, 'conflict', 'id_number'));
  // An applicant registered in the other subtree: the same.
  const other = makeId('341122', '1999-09-09', '女', 77);
  assertStatus(await srv.as('west').then((w) => w.post('/api/v1/orgs/QJ0201/applicants', { name: '西山申请人', id_number: other, applied_on: '2026-01-10' })), 201);
  check(assertError(await east.post('/api/v1/orgs/QJ0101/applicants', { name: '某某', id_number: other, applied_on: '2026-01-10' }),
    409, 'conflict', 'id_number'));
  assert.equal(await admin.total(), n, 'nobody created');
});

test('a 500 carries the request id of its log line', async () => {
  // Take the audit log away under the running server (a fault an operator could meet): a write cannot end.
  const fa = await forced.as('admin');
  sqlite(forced.db, 'ALTER TABLE audit RENAME TO audit_gone');
  let r;
  try {
    r = await fa.patch('/api/v1/orgs/QJ02', { name: '不会写入' });
  } finally {
    sqlite(forced.db, 'ALTER TABLE audit_gone RENAME TO audit');
  }
  const e = assertError(r, 500, 'internal', null);
  assert.equal(e.request_id, r.headers.get('x-request-id'));
  assert.match(e.message, new RegExp(e.request_id));
  await settle();
  const lines = logLines(forced, e.request_id);
  assert.equal(lines.length, 1, 'log_level=error still logs a 5xx');
  assert.match(lines[0], /method=PATCH path=\/api\/v1\/orgs\/QJ02 status=500 /);
  assert.notEqual((await fa.get('/api/v1/orgs/QJ02')).json.name, '不会写入');
});

let k = 0;
function memberBody(i) {
  k++;
  return { name: '探针' + i, id_number: makeId('340104', '1990-03-03', '男', 200 + 10 * i + k), category: '正式党员',
    joined_on: '2015-07-01', full_on: '2016-07-01', org_code: 'QJ0101' };
}
async function memberId(i) {
  const r = await admin.get(`/api/v1/orgs/QJ/members?q=${MEMBERS[i].id_number}`);
  return assertStatus(r, 200).items[0].id;
}
