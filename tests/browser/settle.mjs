// settle.mjs: how long a screen takes to settle in the browser and how tall it
// is, measured one way for bench/ui-settle.mjs and tests/browser/scale.test.mjs
// (issue 11: every screen under 1 s at county level).
//
// Settled: no screen loading (aria-busy) and every chart drawn, as the browser
// tests wait for it. The time runs from the navigation's start (the page's
// performance.timeOrigin) to the first animation frame at which the page is
// settled, read in the page itself, so that the polling of the driver adds
// nothing. A screen is opened by a full navigation (page.goto), as a link
// typed or bookmarked is: the UI's modules, /meta and the session are loaded
// each time. Each measurement also lists the requests the screen made, in the
// order they started, with their start and duration relative to the
// navigation (where the time goes).

const enc = encodeURIComponent;

/** The screens measured, [name, path] for the organization code. */
export function screens(org) {
  return [
    ['本级组织', `/orgs/${enc(org)}`], ['党员', `/members?org=${enc(org)}`], ['组织生活', `/meetings?org=${enc(org)}`],
    ['三会一课', `/obligations?org=${enc(org)}`], ['发展党员', `/development?org=${enc(org)}`],
    ['组织关系转接', `/transfers?org=${enc(org)}`], ['党费', `/dues?org=${enc(org)}`], ['审计日志', `/audit?org=${enc(org)}`],
  ];
}

export const WIDTHS = [{ width: 360, height: 740 }, { width: 1366, height: 900 }];

/** Signs in through the login form and waits to leave it. */
export async function login(page, base, user, password) {
  await page.goto(base + '/login');
  await page.getByLabel('账号').fill(user);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.waitForFunction(SETTLED, null, { polling: 'raf', timeout: 120_000 });
}

/** In the page: settled (no screen loading, every chart drawn); notes the first moment it is. */
const SETTLED = () => {
  const ok = document.querySelector('#view') && !document.querySelector('#view[aria-busy], [aria-busy="true"]')
    && [...document.querySelectorAll('.chart')].every((c) => c.dataset.drawn === '1');
  if (ok && window.__qjSettledAt === undefined) window.__qjSettledAt = performance.now();
  return ok;
};

/** The median of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Opens base+path once and waits until it is settled: {seconds, height
 * (document scrollHeight, px), requests: [{url (path and query), start,
 * ms}] (start: ms after the navigation began)}.
 */
export async function measureOnce(page, base, path, { timeout = 120_000 } = {}) {
  const reqs = [];
  const onReq = (r) => reqs.push(r);
  page.on('request', onReq);
  try {
    await page.goto(base + path);
    await page.waitForFunction(SETTLED, null, { polling: 'raf', timeout });
    const { at, height, origin } = await page.evaluate(() => ({
      at: window.__qjSettledAt, height: document.documentElement.scrollHeight, origin: performance.timeOrigin,
    }));
    const requests = [];
    for (const r of reqs) {
      const t = r.timing();
      if (t.startTime < origin) continue;   // the page before, still asking
      const u = new URL(r.url());
      const done = t.responseEnd >= 0 ? t.responseEnd : null;
      requests.push({ url: u.pathname + u.search, start: Math.round(t.startTime - origin), ms: done === null ? null : Math.round(done) });
    }
    requests.sort((a, b) => a.start - b.start);
    return { seconds: at / 1000, height, requests };
  } finally {
    page.off('request', onReq);
  }
}

/**
 * Measures a screen runs times: {seconds (the median), runs (each run's
 * seconds), height, requests (of the median run)}.
 */
export async function measure(page, base, path, { runs = 1, timeout } = {}) {
  const all = [];
  for (let i = 0; i < runs; i++) all.push(await measureOnce(page, base, path, { timeout }));
  const secs = all.map((m) => m.seconds);
  const mid = median(secs);
  const m = all.find((x) => x.seconds === mid) || all[all.length - 1];
  return { seconds: mid, runs: secs, height: m.height, requests: m.requests };
}

/** The table of figures, as markdown: rows [{name, width, seconds, runs, height, requests}]. */
export function table(rows) {
  const lines = ['| screen | width | settle (s) | runs (s) | height (px) | requests |', '| --- | --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    lines.push(`| ${r.name} | ${r.width} | ${r.seconds.toFixed(2)} | ${r.runs.map((s) => s.toFixed(2)).join(' ')} | ${r.height} | ${r.requests.length} |`);
  }
  return lines.join('\n');
}

/** The requests of a measurement, one a line: start, duration, path. */
export function waterfall(requests) {
  return requests.map((r) => `  ${String(r.start).padStart(6)} ms  ${r.ms === null ? '     ?' : String(r.ms).padStart(6)} ms  ${r.url}`).join('\n');
}
