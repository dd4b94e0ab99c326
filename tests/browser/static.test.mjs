// static.test.mjs: the UI's static files as the server sends them (ui.c):
// types, caching, the Content-Security-Policy, the single-page fallback, and
// that nothing outside the UI directory can be read, by "..", by encoded
// forms of it, or through a symbolic link. The server reads a copy of build/ui
// (QIANGJI_UI_DIR) with links planted in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const uiDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qiangji-ui-'));
fs.cpSync(path.join(ROOT, 'build/ui'), uiDir, { recursive: true });
fs.symlinkSync('/etc/passwd', path.join(uiDir, 'evil.txt'));
fs.symlinkSync('/', path.join(uiDir, 'rootdir'));
fs.symlinkSync(path.join(uiDir, 'index.html'), path.join(uiDir, 'inside.txt'));
fs.writeFileSync(path.join(uiDir, '.secret.txt'), 'TOP-SECRET-QJ');
process.env.QIANGJI_UI_DIR = uiDir;
const { startServer } = await import('../api/lib.mjs');
const ASSETS = fs.readdirSync(uiDir).find((n) => n.startsWith('assets-'));

const srv = await startServer({ users: { admin: { role: 'admin', org: 'QJ' } } });
process.on('exit', () => fs.rmSync(uiDir, { recursive: true, force: true }));

const CSP = /default-src 'self'/;

test('index.html: html, not cached, with a Content-Security-Policy that allows only this server', async () => {
  const r = await srv.request('GET', '/');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html; charset=utf-8/);
  assert.equal(r.headers.get('cache-control'), 'no-cache');
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, CSP);
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /object-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:|\*/);
  assert.match(r.text, /<html lang="zh-CN">/);
  assert.ok(r.text.includes(`/${ASSETS}/js/main.js`), 'index.html names the hashed assets');
  assert.doesNotMatch(r.text, /%ASSETS%|https?:\/\//);
});

test('paths that name no file get index.html (client-side routes)', async () => {
  const index = (await srv.request('GET', '/')).text;
  for (const p of ['/login', '/orgs/QJ01', '/members/1/edit', '/tree/', '/orgs/%E4%B8%9C']) {
    const r = await srv.request('GET', p);
    assert.equal(r.status, 200, p);
    assert.equal(r.text, index, p);
  }
});

test('assets: their MIME types, cached for a year under the hashed directory', async () => {
  const want = {
    'js/main.js': /^text\/javascript/, 'app.css': /^text\/css/, 'favicon.svg': /^image\/svg\+xml/,
    'vendor/echarts.esm.min.mjs': /^text\/javascript/,
  };
  for (const [f, type] of Object.entries(want)) {
    const r = await srv.request('GET', `/${ASSETS}/${f}`);
    assert.equal(r.status, 200, f);
    assert.match(r.headers.get('content-type'), type, f);
    assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable', f);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.buf.length, fs.statSync(path.join(uiDir, ASSETS, f)).size, f);
  }
  const head = await srv.rawRequest('HEAD', `/${ASSETS}/app.css`);
  assert.equal(head.status, 200);
  assert.equal(head.buf.length, 0);
});

test('a missing file with an ending is 404, not the page', async () => {
  for (const p of [`/${ASSETS}/js/nope.js`, '/favicon.ico', '/robots.txt']) {
    const r = await srv.request('GET', p);
    assert.equal(r.status, 404, p);
    assert.equal(r.json.error.code, 'not_found', p);
  }
});

test('no way out of the UI directory: .., encoded .., hidden files, links to outside', async () => {
  const tries = [
    '/../../../../etc/passwd', `/${ASSETS}/../../../../etc/passwd`, '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', '/..%2f..%2f..%2fetc%2fpasswd', '/%252e%252e/%252e%252e/etc/passwd',
    '/..%5c..%5cetc%5cpasswd', '/.\\./etc/passwd', '/./index.html', '/.secret.txt', '//etc/passwd',
    '/evil.txt', '/rootdir/etc/passwd', '/rootdir/etc/hostname.txt', `/${ASSETS}/js/..%00/x.js`,
  ];
  const index = fs.readFileSync(path.join(uiDir, 'index.html'), 'utf8');
  for (const p of tries) {
    const r = await srv.rawRequest('GET', p);
    // Refused, or (a path with no file ending) the page itself: never the file.
    const page = r.status === 200 && r.buf.toString('utf8') === index && !/\.[a-z]+$/.test(p);
    assert.ok(r.status === 404 || r.status === 400 || page, `${p}: ${r.status} ${r.buf.toString('utf8').slice(0, 80)}`);
    assert.doesNotMatch(r.buf.toString('latin1'), /root:|TOP-SECRET-QJ/, p);
  }
  const inside = await srv.request('GET', '/inside.txt');   // a link that stays inside is fine
  assert.equal(inside.status, 200);
  assert.match(inside.text, /<div id="app">/);
});

test('the API keeps its own answers: JSON 404 and 405, never the page', async () => {
  const r = await srv.request('GET', '/api/v1/nothing-here');
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'not_found');
  const p = await srv.request('POST', '/orgs/QJ');
  assert.equal(p.status, 404);
  assert.ok(p.json && p.json.error, 'a POST outside /api/ is not the page');
});
