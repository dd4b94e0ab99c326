// Sessions: login, the cookie, the same 401 for a wrong password and an
// unknown login, lockout after 5 failures, logout, and the CSRF header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, assertStatus, password, sqlite, cliOk, USERS } from './lib.mjs';

const srv = await startServer({ users: { ...USERS, lockme2: { role: 'viewer', org: 'QJ02' }, lockme3: { role: 'viewer', org: 'QJ01' } } });

test('login answers the user, a csrf token and a HttpOnly SameSite=Strict cookie', async () => {
  const s = await srv.login('admin');
  assert.deepEqual(s.user, { login: 'admin', role: 'admin', org_code: 'QJ', org_name: '强基县委', member_id: null });
  const attrs = s.setCookie.split(';').map((a) => a.trim().toLowerCase());
  assert.ok(attrs.includes('path=/'), s.setCookie);
  assert.ok(attrs.includes('httponly'), s.setCookie);
  assert.ok(attrs.includes('samesite=strict'), s.setCookie);
  assert.match(s.res.headers.get('content-type'), /application\/json/);

  // GET /session gives the same body again (csrf token after a reload).
  const again = await srv.request('GET', '/api/v1/session', { session: s });
  const body = assertStatus(again, 200);
  assert.deepEqual(body.user, s.user);
  assert.equal(body.csrf_token, s.csrf);

  // Two logins are two sessions with different tokens.
  const s2 = await srv.login('admin');
  assert.notEqual(s2.cookie, s.cookie);
});

test('each role logs in with its organization; a member with its member id', async () => {
  const east = await srv.login('east');
  assert.deepEqual(east.user, { login: 'east', role: 'org_admin', org_code: 'QJ01', org_name: '东湖镇党委', member_id: null });
  const v = await srv.login('westview');
  assert.equal(v.user.role, 'viewer');
  assert.equal(v.user.org_code, 'QJ02');
  assert.equal(v.user.org_name, '西山镇党委');
  const m = await srv.login('zsf');
  assert.equal(m.user.role, 'member');
  assert.equal(m.user.org_code, 'QJ0101');
  assert.equal(typeof m.user.member_id, 'number');
  assert.ok(Number.isInteger(m.user.member_id) && m.user.member_id > 0);
  // The member id is 张三丰's record.
  const me = await srv.request('GET', `/api/v1/members/${m.user.member_id}`, { session: m });
  assert.equal(assertStatus(me, 200).name, '张三丰');
});

test('wrong password and unknown login get the same 401 bad_credentials', async () => {
  const a = await srv.request('POST', '/api/v1/session', { json: { login: 'admin', password: 'wrong-password' } });
  const e1 = assertError(a, 401, 'bad_credentials');
  const b = await srv.request('POST', '/api/v1/session', { json: { login: 'nobody-here', password: 'wrong-password' } });
  const e2 = assertError(b, 401, 'bad_credentials');
  assert.deepEqual(e1, e2, 'the two answers must not differ');
  assert.equal(a.headers.getSetCookie().filter((c) => /^qj_session=[^;]+/.test(c) && !/max-age=0/i.test(c)).length, 0,
    'no session cookie on a failed login');
  // An empty password is refused either as wrong or as missing.
  const empty = await srv.request('POST', '/api/v1/session', { json: { login: 'admin', password: '' } });
  if (empty.status === 400) assertError(empty, 400, 'required', 'password');
  else assertError(empty, 401, 'bad_credentials');
});

test('a login body that is not {"login","password"} is refused', async () => {
  assertError(await srv.request('POST', '/api/v1/session', { json: '{"login":"admin",' }), 400, 'invalid_json');
  assertError(await srv.request('POST', '/api/v1/session', { json: { login: 'admin', password: password('admin'), extra: 1 } }),
    400, 'unknown_field', 'extra');
  assertError(await srv.request('POST', '/api/v1/session', { json: { login: 'admin' } }), 400, 'required', 'password');
});

test('GET /session without a session or with an unknown cookie is 401 unauthorized', async () => {
  assertError(await srv.request('GET', '/api/v1/session'), 401, 'unauthorized');
  assertError(await srv.request('GET', '/api/v1/session', { cookie: 'qj_session=' + 'A'.repeat(43) }), 401, 'unauthorized');
  assertError(await srv.request('GET', '/api/v1/orgs/QJ'), 401, 'unauthorized');
});

test('after 5 failures in a row the login is locked: 429 even with the right password', async () => {
  // One success resets the count: 4 failures, a success, 4 failures: never locked.
  for (let i = 0; i < 4; i++) {
    assertError(await srv.request('POST', '/api/v1/session', { json: { login: 'lockme', password: 'bad' + i } }), 401, 'bad_credentials');
  }
  await srv.login('lockme');
  for (let i = 0; i < 4; i++) {
    assertError(await srv.request('POST', '/api/v1/session', { json: { login: 'lockme', password: 'bad' + i } }), 401, 'bad_credentials');
  }
  await srv.login('lockme');

  for (let i = 0; i < 5; i++) {
    assertError(await srv.request('POST', '/api/v1/session', { json: { login: 'lockme', password: 'bad' + i } }), 401, 'bad_credentials');
  }
  assertError(await srv.request('POST', '/api/v1/session', { json: { login: 'lockme', password: password('lockme') } }),
    429, 'too_many_attempts');
  assertError(await srv.request('POST', '/api/v1/session', { json: { login: 'lockme', password: 'bad' } }),
    429, 'too_many_attempts');
  // Another login is not affected.
  await srv.login('viewer');
});

test('a disabled user gets 401 bad_credentials with the right password, and its sessions end', async () => {
  const s = await srv.login('westview');
  cliOk(['user', 'disable', '--db', srv.db, '--login', 'westview']);
  const r = await srv.request('POST', '/api/v1/session', { json: { login: 'westview', password: password('westview') } });
  assertError(r, 401, 'bad_credentials');
  const wrong = await srv.request('POST', '/api/v1/session', { json: { login: 'westview', password: 'wrong-password' } });
  assert.deepEqual(assertError(wrong, 401, 'bad_credentials'), r.json.error, 'disabled answers like a wrong password');
  assertError(await srv.request('GET', '/api/v1/orgs/QJ02', { session: s }), 401, 'unauthorized');
  cliOk(['user', 'enable', '--db', srv.db, '--login', 'westview']);
  await srv.login('westview');
});

// Moves the time of a login's last failure back by secs seconds. The contract
// has no clock to turn, so this reaches into the database: the failures live
// in login_throttle(login, failed, failed_at), or in older schemas on user.
function ageFailures(login, secs) {
  const tables = sqlite(srv.db, "SELECT name FROM sqlite_master WHERE type='table' AND name IN ('login_throttle','user')");
  const table = tables.includes('login_throttle') ? 'login_throttle' : 'user';
  sqlite(srv.db, `UPDATE ${table} SET failed_at=failed_at-${secs} WHERE login='${login}'`);
}

test('the lockout lasts 60 s, then doubles with each further failure', async () => {
  const fail = async (status, code) => assertError(
    await srv.request('POST', '/api/v1/session', { json: { login: 'lockme3', password: 'not-it' } }), status, code);
  const right = () => srv.request('POST', '/api/v1/session', { json: { login: 'lockme3', password: password('lockme3') } });
  for (let i = 0; i < 5; i++) await fail(401, 'bad_credentials');
  assertError(await right(), 429, 'too_many_attempts');
  // 61 seconds later (the clock of the database moved back): one more try.
  ageFailures('lockme3', 61);
  await fail(401, 'bad_credentials');
  // The sixth failure locks for 120 s: after 61 s still locked, after 121 s open.
  assertError(await right(), 429, 'too_many_attempts');
  ageFailures('lockme3', 61);
  assertError(await right(), 429, 'too_many_attempts');
  ageFailures('lockme3', 60);
  assertStatus(await right(), 200);
  // A success resets the count.
  await fail(401, 'bad_credentials');
  assertStatus(await right(), 200);
});

test('after 5 failures an unknown login answers like a locked one (no way to tell logins exist)', async () => {
  const answers = {};
  for (const login of ['lockme2', 'ghost-login']) {
    for (let i = 0; i < 5; i++) {
      assertError(await srv.request('POST', '/api/v1/session', { json: { login, password: 'bad' + i } }), 401, 'bad_credentials');
    }
    answers[login] = await srv.request('POST', '/api/v1/session', { json: { login, password: 'bad-again' } });
  }
  assertError(answers['lockme2'], 429, 'too_many_attempts');
  assert.equal(answers['ghost-login'].status, answers['lockme2'].status,
    `known login: ${answers['lockme2'].status}, unknown login: ${answers['ghost-login'].status} ${answers['ghost-login'].text}`);
});

test('logout: 200 {"ok":true}, cookie cleared, the session is gone', async () => {
  const s = await srv.login('viewer');
  assertStatus(await srv.request('GET', '/api/v1/orgs/QJ', { session: s }), 200);
  // Logout is a write: it needs the CSRF header too.
  assertError(await srv.request('DELETE', '/api/v1/session', { session: s, csrf: false }), 403, 'csrf');
  const out = await srv.request('DELETE', '/api/v1/session', { session: s });
  assert.deepEqual(assertStatus(out, 200), { ok: true });
  const cleared = out.headers.getSetCookie().find((c) => c.startsWith('qj_session='));
  assert.ok(cleared, 'logout must send a Set-Cookie clearing qj_session');
  assert.ok(/max-age=0/i.test(cleared) || /expires=[^;]*19[0-9]{2}/i.test(cleared) || /^qj_session=;/.test(cleared),
    `cookie not cleared: ${cleared}`);
  assertError(await srv.request('GET', '/api/v1/session', { session: s }), 401, 'unauthorized');
  assertError(await srv.request('GET', '/api/v1/orgs/QJ', { session: s }), 401, 'unauthorized');
});

test('writes without the X-CSRF-Token header, or with a wrong one, are 403 csrf and change nothing', async () => {
  const s = await srv.login('admin');
  const body = { code: 'QJ0299', name: '测试党支部', parent_code: 'QJ02', kind: '党支部', domain: '农村' };
  assertError(await srv.request('POST', '/api/v1/orgs', { session: s, json: body, csrf: false }), 403, 'csrf');
  assertError(await srv.request('POST', '/api/v1/orgs', { session: s, json: body, csrf: 'x' + s.csrf.slice(1) }), 403, 'csrf');
  assertError(await srv.request('POST', '/api/v1/orgs', { session: s, json: body, csrf: '' }), 403, 'csrf');
  // Another session's token does not fit this session.
  const other = await srv.login('admin');
  assertError(await srv.request('POST', '/api/v1/orgs', { session: s, json: body, csrf: other.csrf }), 403, 'csrf');
  assertError(await srv.request('PATCH', '/api/v1/orgs/QJ02', { session: s, json: { name: 'x' }, csrf: false }), 403, 'csrf');
  assertError(await srv.request('DELETE', '/api/v1/members/1', { session: s, csrf: false }), 403, 'csrf');
  assertError(await srv.request('POST', '/api/v1/import/members', { session: s, body: 'a,b\n', csrf: false }), 403, 'csrf');
  assertError(await srv.request('GET', '/api/v1/orgs/QJ0299', { session: s }), 404, 'not_found');
  // The right token works.
  assertStatus(await srv.request('POST', '/api/v1/orgs', { session: s, json: body }), 201);
  // GET needs no token.
  assertStatus(await srv.request('GET', '/api/v1/orgs/QJ0299', { session: s, csrf: false }), 200);
});
