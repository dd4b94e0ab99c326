// demo.test.mjs: the demo stands on its reference day (issue 12, item 2).
// A small demo built for a given --today dates nothing after that day
// (meetings, attendance, payments, development steps, transfers, mobile
// events, courses, the audit log, the roster), holds meetings up to a week
// before it, has most dues paid up to last month, and shows most branches
// green and a few falling short, in the closing line and in the answers the
// organization page reads. Early in a year the year just ended is judged.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli, cliOk, sqlite, Server } from './lib.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qiangji-demo-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Builds the small demo for day into a new database; returns {db, out}. */
let nBuilt = 0;
function build(day, seed = 1) {
  const db = path.join(dir, `demo-${day}-${seed}-${++nBuilt}.db`);
  // The environment's business day is another one: --today wins.
  const r = cliOk(['demo', '--db', db, '--scale', 'small', '--seed', String(seed), '--today', day],
    { env: { QIANGJI_TODAY: '2026-06-30' } });
  return { db, out: r.stdout };
}

/** The share of green branches the closing line gives for year y. */
function closingShare(out, y) {
  const m = new RegExp(`${y} 年 ([0-9.]+)%（(\\d+)/(\\d+)，(\\d+) 个有缺开，(\\d+) 个需注意）`).exec(out);
  assert.ok(m, `no share for ${y} in:\n${out}`);
  return { pct: Number(m[1]), green: Number(m[2]), branches: Number(m[3]), red: Number(m[4]), amber: Number(m[5]) };
}

const one = (db, sql) => sqlite(db, sql).trim();

/** Every dated record of the demo, with its latest date, none after day. */
function assertNothingAfter(db, day) {
  const probes = {
    meeting: 'SELECT max(held_on) FROM meeting',
    meeting_created: "SELECT max(substr(created_at,1,10)) FROM meeting",
    attendance: 'SELECT max(t.held_on) FROM attendance a JOIN meeting t ON t.id=a.meeting_id',
    payment: 'SELECT max(paid_on) FROM dues_payment',
    payment_period: "SELECT max(period_to) || '-01' FROM dues_payment",
    dues_base: "SELECT max(year) || '-01-01' FROM dues_base",
    step: 'SELECT max(done_on) FROM dev_step',
    applicant: 'SELECT max(applied_on) FROM dev_person',
    negative: 'SELECT max(listed_on) FROM dev_negative',
    transfer: 'SELECT max(max(issued_on, coalesce(closed_on, issued_on))) FROM tr_transfer',
    membership: 'SELECT max(started_on) FROM lc_membership',
    mobile: 'SELECT max(on_date) FROM mob_event',
    course: 'SELECT max(ended_on) FROM course',
    campaign: 'SELECT max(ended_on) FROM campaign',
    member: 'SELECT max(max(joined_on, coalesce(full_on, joined_on))) FROM member',
    org: 'SELECT max(max(established_on, coalesce(term_started_on, established_on))) FROM org',
    audit: 'SELECT max(substr(at,1,10)) FROM audit',
  };
  for (const [what, sql] of Object.entries(probes)) {
    const v = one(db, sql);
    assert.match(v, /^\d{4}-\d{2}-\d{2}$/, `${what}: no dated record (${v})`);
    assert.ok(v <= day, `${what}: ${v} lies after the reference day ${day}`);
  }
}

test('a demo for 2027-03-15: nothing after the day, meetings up to last week, dues up to last month, most branches green', async () => {
  const day = '2027-03-15';
  const { db, out } = build(day);
  assert.match(out, /基准日 2027-03-15/);
  assertNothingAfter(db, day);
  // Organizational life runs up to a week before the day, from January of last year.
  assert.ok(one(db, 'SELECT max(held_on) FROM meeting') <= '2027-03-08');
  assert.ok(one(db, "SELECT count(*) FROM meeting WHERE held_on >= '2027-03-01'") > 0, 'no meeting this month');
  assert.equal(one(db, 'SELECT min(held_on) >= \'2026-01-01\' FROM meeting'), '1');
  assert.ok(Number(one(db, "SELECT count(DISTINCT org_id) FROM meeting WHERE held_on >= '2027-02-01' AND held_on < '2027-03-01'")) >
    Number(one(db, "SELECT count(*) FROM org WHERE kind LIKE '%支部'")) * 0.8, 'most branches met last month');
  // Most members paid up to last month (2027-02).
  const nPaidUp = Number(one(db, "SELECT count(DISTINCT member_id) FROM dues_payment WHERE period_to='2027-02'"));
  const nBase = Number(one(db, 'SELECT count(DISTINCT member_id) FROM dues_base WHERE year=2027'));
  assert.ok(nBase > 1000 && nPaidUp > nBase * 0.75, `paid up to last month: ${nPaidUp} of ${nBase}`);
  // Steps and transfers of the last months, none later.
  assert.ok(Number(one(db, "SELECT count(*) FROM dev_step WHERE done_on >= '2026-12-01'")) > 0);
  assert.ok(Number(one(db, "SELECT count(*) FROM tr_transfer WHERE issued_on >= '2026-11-01'")) > 0);

  // The closing line's share of green branches, this year and last.
  const now = closingShare(out, 2027), last = closingShare(out, 2026);
  for (const s of [now, last]) {
    assert.ok(s.branches > 100, `branches ${s.branches}`);
    assert.ok(s.pct >= 70 && s.pct <= 97, `green share ${s.pct}%`);
    assert.ok(s.red >= 1, 'a few branches fall short');
  }

  // What the organization page reads, from a server standing on the same day.
  // The server removes its own directory when it stops: give it one.
  const srv = new Server(fs.mkdtempSync(path.join(os.tmpdir(), 'qiangji-demo-srv-')), db, { QIANGJI_TODAY: day });
  await srv.start();
  try {
    const admin = await srv.login('admin', 'qiangji-admin');
    for (const [q, s] of [['', now], ['?year=2026', last]]) {
      const r = await srv.request('GET', `/api/v1/orgs/341125/obligations${q}${q ? '&' : '?'}limit=1`, { session: admin });
      assert.equal(r.status, 200, r.text);
      const { branches, orgs_red: red, orgs_amber: amber } = r.json.summary;
      assert.equal(branches, s.branches);
      assert.equal(branches - red - amber, s.green, 'the closing line counts as the organization page does');
      assert.equal(red, s.red);
    }
    const a = await srv.request('GET', '/api/v1/orgs/341125/dues/arrears?limit=1', { session: admin });
    assert.equal(a.status, 200, a.text);
    assert.equal(a.json.today, day);
    assert.ok(a.json.tracked > 1000 && a.json.in_arrears < a.json.tracked * 0.25, `arrears ${a.json.in_arrears} of ${a.json.tracked}`);
  } finally {
    await srv.stop();
  }
});

test('a demo early in the year (2026-01-10): last year judged green for most, nothing after the day; the same day and seed give the same data', () => {
  const day = '2026-01-10';
  const { db, out } = build(day, 5);
  assertNothingAfter(db, day);
  assert.match(out, /2026 年 尚无已结束的月份/);
  const last = closingShare(out, 2025);
  assert.ok(last.pct >= 70 && last.pct <= 97 && last.red >= 1, `2025 green share ${last.pct}%`);
  assert.ok(one(db, 'SELECT max(held_on) FROM meeting') <= '2026-01-03');
  // Deterministic: the same day and seed give the same meetings and payments.
  const again = build(day, 5);
  const digest = (d) => one(d, "SELECT count(*) || ':' || sum(length(held_on) * id) || ':' || max(held_on) FROM meeting") + '/' +
    one(d, "SELECT count(*) || ':' || sum(amount) FROM dues_payment") + '/' + one(d, "SELECT count(*) || ':' || max(done_on) FROM dev_step");
  assert.equal(digest(again.db), digest(db));
});

test('demo --today is checked: not a date, or out of range, is refused with a Chinese message and nothing built', () => {
  for (const bad of ['2026-02-30', '2026/01/10', 'tomorrow', '2019-12-31']) {
    const db = path.join(dir, `bad-${bad.replace(/\W/g, '_')}.db`);
    const r = cli(['demo', '--db', db, '--scale', 'small', '--today', bad]);
    assert.equal(r.status, 2, `${bad}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /--today 应为/);
    assert.equal(fs.existsSync(db), false);
  }
});
