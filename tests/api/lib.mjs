// lib.mjs: what every black-box test file shares. It builds a database in a
// temporary directory with the real CLI (init, import of the fixture tree and
// members, user add with the password on stdin), starts `qiangji serve` on a
// free loopback port, and gives login and request helpers. The server is
// killed, and the directory removed, in the file's after() hook.
//
// QIANGJI_BIN names the binary; QIANGJI_TODAY is fixed to 2026-06-30 for the
// CLI and the server so that the date rules are deterministic.
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { FIXTURES, MEMBERS, TODAY } from '../fixtures/make-ids.mjs';

export * from '../fixtures/make-ids.mjs';

export const BIN = process.env.QIANGJI_BIN
  ? path.resolve(process.env.QIANGJI_BIN)
  : path.resolve(FIXTURES, '../../build/qiangji');
if (!fs.existsSync(BIN)) {
  throw new Error(`qiangji binary not found at ${BIN}: build it (make) or set QIANGJI_BIN`);
}
export const ENV = { ...process.env, QIANGJI_TODAY: TODAY };
export const fixture = (name) => path.join(FIXTURES, name);

/** The users every server gets. Passwords are never the login. */
export const USERS = {
  admin: { role: 'admin', org: 'QJ' },
  east: { role: 'org_admin', org: 'QJ01' },
  west: { role: 'org_admin', org: 'QJ02' },
  viewer: { role: 'viewer', org: 'QJ' },
  westview: { role: 'viewer', org: 'QJ02' },
  zsf: { role: 'member', org: 'QJ0101', member: MEMBERS[0].id_number },   // 张三丰
  lockme: { role: 'viewer', org: 'QJ' },
};
export const password = (login) => `Pw-${login}-2026!secret`;

/** Runs the CLI; returns {status, stdout, stderr}. */
export function cli(args, { input, env } = {}) {
  const r = spawnSync(BIN, args, {
    input: input ?? '', env: { ...ENV, ...(env || {}) }, encoding: 'utf8',
    timeout: 120_000, maxBuffer: 64 << 20,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
/** Runs the CLI and insists on exit 0. */
export function cliOk(args, opts) {
  const r = cli(args, opts);
  assert.equal(r.status, 0, `qiangji ${args.join(' ')} exited ${r.status} ${r.signal || ''}\n${r.stdout}\n${r.stderr}`);
  return r;
}
/** Runs the sqlite3 CLI on a database. */
export function sqlite(db, sql) {
  const r = spawnSync('sqlite3', [db, sql], { encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `sqlite3 ${sql}: ${r.stderr}`);
  return r.stdout;
}

export function addUser(db, login, { role, org, member }) {
  const args = ['user', 'add', '--db', db, '--login', login, '--role', role, '--org', org];
  if (member) args.push('--member', member);
  args.push('--password-stdin');
  cliOk(args, { input: password(login) + '\n' });
}

/**
 * Builds a database and starts a server for one test file; registers after()
 * to stop it. Options: members (import members.csv, default true), users
 * (default USERS), env (variables for the server; null removes one).
 */
export async function startServer({ members = true, users = USERS, env } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qiangji-api-'));
  const db = path.join(dir, 'qj.db');
  const srv = new Server(dir, db, env);
  after(() => srv.stop());
  try {
    cliOk(['init', '--db', db]);
    cliOk(['import', 'orgs', '--db', db, fixture('orgs.csv')]);
    if (members) cliOk(['import', 'members', '--db', db, fixture('members.csv')]);
    for (const [login, u] of Object.entries(users)) addUser(db, login, u);
    await srv.start();
  } catch (e) {
    // A failed setup ends the file before after() hooks run: clean up here.
    if (srv.proc && srv.proc.exitCode === null) srv.proc.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    srv.stopped = true;
    throw e;
  }
  return srv;
}

export class Server {
  constructor(dir, db, env) {
    this.dir = dir;
    this.db = db;
    // env: more variables for the server; a null value removes one (QIANGJI_TODAY: null lets the clock run).
    this.env = env ? Object.fromEntries(Object.entries({ ...ENV, ...env }).filter(([, v]) => v != null)) : ENV;
    this.stderr = '';
    this.stopped = false;
  }

  start() {
    const proc = spawn(BIN, ['serve', '--db', this.db, '--listen', '127.0.0.1:0'], {
      env: this.env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    const onExit = () => { try { proc.kill('SIGKILL'); } catch { /* gone */ } };
    process.once('exit', onExit);
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (d) => { this.stderr = (this.stderr + d).slice(-65536); });
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => {
        reject(new Error(`server did not print "listening on" within 20 s\nstdout: ${out}\nstderr: ${this.stderr}`));
        proc.kill('SIGKILL');
      }, 20_000);
      proc.stdout.setEncoding('utf8');
      proc.stdout.on('data', (d) => {
        out += d;
        const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(out);
        if (m && !this.base) {
          this.base = m[1];
          this.port = Number(m[2]);
          clearTimeout(timer);
          resolve(this);
        }
      });
      proc.on('exit', (code, sig) => {
        if (!this.base) {
          clearTimeout(timer);
          reject(new Error(`server exited (${code} ${sig}) before listening\nstdout: ${out}\nstderr: ${this.stderr}`));
        }
      });
    });
  }

  /** Stops the server; fails if it had died on its own (a crash, an ASan report). */
  async stop() {
    if (this.stopped) return;
    this.stopped = true;
    const proc = this.proc;
    if (!proc) {   // the setup failed before the server started
      fs.rmSync(this.dir, { recursive: true, force: true });
      return;
    }
    const died = proc.exitCode !== null || proc.signalCode !== null;
    if (!died) {
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(t);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
    if (died) throw new Error(`server died during the tests (exit ${proc.exitCode} ${proc.signalCode})\n${this.stderr}`);
    if (/ERROR: AddressSanitizer|runtime error:|LeakSanitizer/.test(this.stderr)) {
      throw new Error(`sanitizer report from the server:\n${this.stderr}`);
    }
  }

  /** Raw request: returns {status, headers, buf, text, json}. */
  async request(method, url, { session, csrf, json, body, headers = {}, cookie } = {}) {
    const h = { ...headers };
    if (session) h.cookie = session.cookie;
    if (cookie !== undefined) h.cookie = cookie;
    if (method !== 'GET' && method !== 'HEAD' && session && csrf !== false && h['x-csrf-token'] === undefined) {
      h['x-csrf-token'] = csrf ?? session.csrf;
    } else if (typeof csrf === 'string') {
      h['x-csrf-token'] = csrf;
    }
    if (json !== undefined) {
      body = typeof json === 'string' ? json : JSON.stringify(json);
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
    }
    const res = await fetch(this.base + url, { method, headers: h, body, redirect: 'manual' });
    return wrap(res.status, res.headers, Buffer.from(await res.arrayBuffer()));
  }

  /** POST /api/v1/session; returns {cookie, csrf, user, res}. Fails on anything but 200. */
  async login(login, pw = password(login)) {
    const res = await this.request('POST', '/api/v1/session', { json: { login, password: pw } });
    assert.equal(res.status, 200, `login ${login}: ${res.status} ${res.text}`);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('qj_session='));
    assert.ok(setCookie, `login ${login}: no qj_session cookie in ${JSON.stringify(res.headers.getSetCookie())}`);
    const cookie = setCookie.split(';')[0];
    assert.ok(cookie.length > 'qj_session='.length + 16, 'session token too short');
    assert.equal(typeof res.json.csrf_token, 'string');
    assert.ok(res.json.csrf_token.length >= 16, 'csrf token too short');
    return { login, cookie, csrf: res.json.csrf_token, user: res.json.user, res, setCookie };
  }

  /** A signed-in client with get/post/patch/del/upload. */
  async as(login) {
    const s = await this.login(login);
    return new Client(this, s);
  }

  /** Sends a body with node:http (for bodies the server may refuse before
   * reading them all): resolves with the answer as soon as it comes. */
  rawRequest(method, url, { headers = {}, body, chunks, expectContinue = false } = {}) {
    return new Promise((resolve, reject) => {
      const h = { ...headers };
      if (body) h['content-length'] = String(body.length);
      if (expectContinue) h.expect = '100-continue';
      const req = http.request({ host: '127.0.0.1', port: this.port, method, path: url, headers: h });
      let answered = false;
      req.on('response', (res) => {
        answered = true;
        const parts = [];
        res.on('data', (d) => parts.push(d));
        res.on('end', () => resolve(wrap(res.statusCode, new Headers(flat(res.headers)), Buffer.concat(parts))));
        res.on('error', (e) => reject(e));
      });
      req.on('error', (e) => { if (!answered) reject(e); });
      const drained = () => new Promise((r) => {
        const done = () => { req.off('drain', done); req.off('close', done); r(); };
        req.on('drain', done);
        req.on('close', done);
      });
      const send = async () => {
        try {
          if (body) {
            for (let i = 0; i < body.length && !answered; i += 1 << 20) {
              if (!req.write(body.subarray(i, Math.min(body.length, i + (1 << 20))))) await drained();
            }
          } else if (chunks) {
            for (const c of chunks()) {
              if (answered) break;
              if (!req.write(c)) await drained();
            }
          }
          if (!answered) req.end();
        } catch { /* the server answered and closed; the answer decides */ }
      };
      if (expectContinue) req.on('continue', send); else send();
    });
  }
}

function flat(h) {
  const o = {};
  for (const [k, v] of Object.entries(h)) o[k] = Array.isArray(v) ? v.join(', ') : String(v);
  return o;
}

function wrap(status, headers, buf) {
  const text = buf.toString('utf8');
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status, headers, buf, text, json };
}

export class Client {
  constructor(srv, s) {
    this.srv = srv;
    this.s = s;
    this.cookie = s.cookie;
    this.csrf = s.csrf;
    this.user = s.user;
    this.login = s.login;
  }
  req(method, url, opts = {}) { return this.srv.request(method, url, { session: this.s, ...opts }); }
  get(url, opts) { return this.req('GET', url, opts); }
  post(url, json, opts = {}) { return this.req('POST', url, { json, ...opts }); }
  patch(url, json, opts = {}) { return this.req('PATCH', url, { json, ...opts }); }
  del(url, opts) { return this.req('DELETE', url, opts); }
  /** POST a file's bytes (Buffer) as the body. */
  upload(url, buf, opts = {}) {
    return this.req('POST', url, { body: buf, headers: { 'content-type': 'text/csv', ...(opts.headers || {}) }, ...opts });
  }
  /** Member count of an organization's subtree, by the members list. */
  async total(code = 'QJ') {
    const r = await this.get(`/api/v1/orgs/${code}/members?limit=1`);
    assert.equal(r.status, 200, r.text);
    return r.json.total;
  }
  /** Every member of a subtree (paged by 200). */
  async allMembers(code = 'QJ', reveal = false) {
    const out = [];
    for (let off = 0; ; off += 200) {
      const r = await this.get(`/api/v1/orgs/${code}/members?limit=200&offset=${off}${reveal ? '&reveal=1' : ''}`);
      assert.equal(r.status, 200, r.text);
      out.push(...r.json.items);
      if (out.length >= r.json.total || r.json.items.length === 0) break;
    }
    return out;
  }
  /** The fixture's members by their index in MEMBERS: a function i -> member id. */
  async fixtureIds() {
    const ids = {};
    for (const m of await this.allMembers('QJ', true)) ids[m.id_number] = m.id;
    return (i) => ids[MEMBERS[i].id_number];
  }
  /** Newest audit entries (up to 200). */
  async audit(query = '') {
    const r = await this.get(`/api/v1/audit?limit=200${query}`);
    assert.equal(r.status, 200, r.text);
    return r.json;
  }
}

/** Asserts the error shape {"error":{"code","message","field"}} and its values.
 * field: undefined = don't care (but the key must exist), else exact. */
export function assertError(res, status, code, field) {
  assert.ok(res && typeof res.status === 'number', 'assertError wants a response');
  const where = `${res.status} ${res.text.slice(0, 600)}`;
  assert.equal(res.status, status, `expected ${status} ${code}${field ? ' field ' + field : ''}, got ${where}`);
  assert.ok(res.json && typeof res.json === 'object' && res.json.error, `no error object: ${where}`);
  const e = res.json.error;
  if (Array.isArray(code)) assert.ok(code.includes(e.code), `error code ${e.code} not one of ${code}: ${where}`);
  else assert.equal(e.code, code, `error code: ${where}`);
  assert.equal(typeof e.message, 'string', `error message: ${where}`);
  assert.ok(e.message.length > 0, `empty error message: ${where}`);
  assert.ok('field' in e, `error without "field": ${where}`);
  assert.ok(e.field === null || typeof e.field === 'string', `field must be a string or null: ${where}`);
  if (Array.isArray(field)) assert.ok(field.includes(e.field), `error field ${e.field} not one of ${field}: ${where}`);
  else if (field !== undefined) assert.equal(e.field, field, `error field: ${where}`);
  const ct = res.headers.get('content-type') || '';
  assert.match(ct, /application\/json/, `error content-type ${ct}`);
  return e;
}

/** Asserts a 200..299 status with a message that shows the body. */
export function assertStatus(res, status) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status} ${res.text.slice(0, 800)}`);
  return res.json;
}

/** A minimal RFC 4180 reader (quotes, doubled quotes, CRLF/LF); strips a BOM. */
export function parseCsv(text) {
  if (text.charCodeAt(0) === 0xFEFF) text = text.slice(1);
  const rows = [];
  let row = [], f = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"') {
        if (text[i + 1] === '"') { f += '"'; i++; } else q = false;
      } else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(f); f = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { /* CR of CRLF */ }
    else if (c === '\n') { row.push(f); rows.push(row); row = []; f = ''; }
    else f += c;
  }
  if (f !== '' || row.length) { row.push(f); rows.push(row); }
  return rows;
}

/** A CSV as objects keyed by header. */
export function csvObjects(text) {
  const [head, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}
