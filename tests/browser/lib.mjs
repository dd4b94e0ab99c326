// lib.mjs: what the browser tests share. The server and its database come
// from tests/api/lib.mjs (the fixture tree, members and users); the browser is
// Debian's chromium (/usr/bin/chromium, or $CHROMIUM) driven by playwright-core,
// headless, with a fresh profile, and no network beyond the test server: any
// request elsewhere is refused and recorded, and a test fails on it.
//
// Every page records console errors and uncaught exceptions. A 4xx answer of
// the JSON API is expected traffic (a form showing the server's validation
// message, the absent statistics route), and chromium logs each as "Failed to
// load resource": those are not counted; a failed page asset, a 5xx, a
// Content-Security-Policy violation or any script error is.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { FIXTURES } from '../fixtures/make-ids.mjs';

export const ROOT = path.resolve(FIXTURES, '../..');
export const SHOTS = path.join(ROOT, 'build/screenshots');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1366, height: 900 };

if (!fs.existsSync(path.join(ROOT, 'build/ui/index.html'))) {
  throw new Error('build/ui is missing: run make ui');
}

/** Starts headless chromium with a fresh profile directory (removed by close()). */
export async function launch() {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} not found: install Debian's chromium (scripts/install-deps.sh)`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'qiangji-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--no-default-browser-check', '--disable-features=Translate,MediaRouter',
      '--lang=zh-CN'],
    viewport: DESKTOP,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  // The persistent context is only the launcher: each test opens its own
  // context (its own cookies and storage) from the same browser.
  const browser = ctx.browser();
  return {
    browser,
    async close() {
      await ctx.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh context and page on srv: {page, context, problems, outside}.
 * problems: console errors and page errors; outside: URLs of requests that
 * tried to leave the test server (refused).
 */
export async function openPage(browser, srv, { viewport = DESKTOP } = {}) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', deviceScaleFactor: 1 });
  const problems = [];
  const outside = [];
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(srv.base + '/') || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
    outside.push(u);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location()?.url || '';
    const m = /status of (\d{3})/.exec(msg.text());
    if (m && where.startsWith(srv.base + '/api/') && Number(m[1]) >= 400 && Number(m[1]) < 500) return;
    problems.push(`console: ${msg.text()} ${where}`);
  });
  page.setDefaultTimeout(15_000);
  return { page, context, problems, outside };
}

/** Signs in through the login form; waits for the start page. */
export async function signIn(page, srv, login, password) {
  await page.goto(srv.base + '/login');
  await page.getByLabel('账号').fill(login);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.locator('#top').waitFor({ state: 'visible' });
}

/** Waits until the view is drawn (no screen loading, every chart painted). */
export async function settled(page) {
  await page.waitForFunction(() => !document.querySelector('#view[aria-busy], [aria-busy="true"]'));
  await page.waitForFunction(() => [...document.querySelectorAll('.chart')].every((c) => c.dataset.drawn === '1' && c.querySelector('canvas')));
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(350);   // chart animations
}

/**
 * Saves build/screenshots/NAME-phone.png or -desktop.png: the whole page, or
 * with fullPage false the window only (where fixed parts, a phone's bottom
 * menu, show where the user sees them).
 */
export async function shot(page, name, { fullPage = true } = {}) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const w = page.viewportSize().width;
  const file = path.join(SHOTS, `${name}-${w <= 400 ? 'phone' : 'desktop'}.png`);
  await settled(page);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** Asserts the page fits its width (nothing to scroll sideways). */
export async function assertFits(page, what) {
  const r = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, w: window.innerWidth }));
  assert.ok(r.sw <= r.w, `${what}: the page is ${r.sw} px wide in a ${r.w} px window`);
}

/**
 * Opens a page in chrome for the server srv (signed in as login, when given),
 * runs fn(p), checks the page stayed clean (assertClean) and closes it.
 */
export async function withPage(chrome, srv, fn, { viewport = DESKTOP, what = 'page', login, password } = {}) {
  const p = await openPage(chrome.browser, srv, { viewport });
  try {
    if (login) await signIn(p.page, srv, login, password);
    await fn(p);
    assertClean(p, what);
  } finally {
    await p.context.close();
  }
}

/** Asserts no console errors, page errors or outside requests so far. */
export function assertClean(p, what) {
  assert.deepEqual(p.problems, [], `${what}: console or page errors`);
  assert.deepEqual(p.outside, [], `${what}: requests outside the server`);
}
