// lifecycle.test.mjs: the member-lifecycle screens in the browser
// (QIANGJI_TODAY=2026-06-30, the fixture county; east is the secretary of
// 东湖镇党委 QJ01). 发展党员: each stage's column shows the API's count and
// names, the overdue talk is among the alerts; a step with a date the rules
// refuse shows the server's message beside the date, a good one is recorded
// and moves the person on; the plan's quotas are set through the form.
// 组织关系转接: transfers waiting in the inbox with their age; returning
// one without a reason is refused (its message beside the reason, nothing
// changed), with a reason it is returned; another is accepted and the member
// moves; a transfer letter issued from a member page waits in the outbox.
// 党费: a member owing 17 months is in arrears with the six-month warning; a
// payment too small is refused on its field, the right one clears the flag.
// The organization page's 三会一课 and membership-change figures equal the
// API's. A viewer sees no write controls. Every screen fits 360 px and is
// saved as a screenshot at 360x740 and 1366x900; no console errors.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, password, makeId, MEMBERS } from '../api/lib.mjs';
import { launch, openPage, signIn, settled, shot, assertFits, assertClean, PHONE, DESKTOP, withPage as withPageIn } from './lib.mjs';

const srv = await startServer();
const chrome = await launch();
after(() => chrome.close());
const admin = await srv.as('admin');
const east = await srv.as('east');
const west = await srv.as('west');
const M = await admin.fixtureIds();
const ok = (r, status = 201) => { assert.equal(r.status, status, r.text); return r.json; };
const orgOf = async (id) => (await admin.get(`/api/v1/members/${id}`)).json.org_code;

const withPage = (fn, { login = 'east', ...opts } = {}) => withPageIn(chrome, srv, fn, { login, password: password(login), ...opts });

/** The screen at path on a phone and on a desktop: fits its width, screenshot saved. */
async function bothSizes(path, name, ready, login = 'east') {
  for (const viewport of [PHONE, DESKTOP]) {
    await withPage(async ({ page }) => {
      await page.goto(srv.base + path);
      await page.getByTestId(ready).waitFor();
      await settled(page);
      await assertFits(page, `${name} ${viewport.width}`);
      await shot(page, name);
    }, { viewport, what: `${name} ${viewport.width}`, login });
  }
}

let n = 0;
async function apply(org, name, applied_on) {
  n++;
  return ok(await admin.post(`/api/v1/orgs/${org}/applicants`, { name, id_number: makeId('340104', '1995-03-03', '男', 300 + n), applied_on }));
}

let late, act;
test('发展党员: each stage shows the count and the names the API gives; the overdue talk is among the alerts', async () => {
  late = await apply('QJ0101', '钱晓东', '2026-04-01');          // no talk: overdue
  act = await apply('QJ0102', '孙雨桐', '2025-01-10');
  ok(await admin.post(`/api/v1/applicants/${act.id}/steps`, { kind: 'talk', on: '2025-01-20' }));
  ok(await admin.post(`/api/v1/applicants/${act.id}/steps`, { kind: 'designation', on: '2025-03-01' }));
  ok(await admin.post(`/api/v1/applicants/${act.id}/steps`, { kind: 'activist_filing', on: '2025-03-10' }));
  await apply('QJ0201', '周远航', '2026-06-20');                      // another subtree
  const pools = ok(await east.get('/api/v1/orgs/QJ01/development/pools'), 200);
  assert.equal(pools.applicant, 1);
  assert.equal(pools.activist, 1);
  await withPage(async ({ page }) => {
    await page.locator('#menu').getByRole('link', { name: '发展党员' }).click();
    await page.getByTestId('development-page').waitFor();
    await settled(page);
    for (const s of ['applicant', 'activist', 'candidate', 'probationary']) {
      assert.equal(await page.getByTestId(`pool-${s}`).textContent(), String(pools[s]), s);
      const names = (await east.get(`/api/v1/orgs/QJ01/applicants?stage=${s}&limit=6`)).json.items.map((x) => x.name);
      assert.deepEqual(await page.locator(`[data-stage=${s}] .pcard > a`).allTextContents(), names, s);
    }
    assert.ok(!(await page.getByTestId('pools').textContent()).includes('周远航'), 'not of this subtree');
    const al = ok(await east.get('/api/v1/orgs/QJ01/development/alerts'), 200);
    assert.ok(al.talk_overdue.some((x) => x.id === late.id));
    const rows = page.getByTestId('alert-talk_overdue').locator('tbody tr');
    assert.equal(await rows.count(), al.talk_overdue.length);
    assert.match(await rows.filter({ hasText: '钱晓东' }).textContent(), /2026-04-01.*2026-05-01/);
    const total = ['talk_overdue', 'probation_ending', 'conversion_overdue', 'approval_waiting', 'conversion_approval_waiting'].reduce((t, k) => t + al[k].length, 0);
    assert.equal(await page.getByTestId('alerts-count').locator('.value').textContent(), String(total));
    // One level down: the branch's own board.
    await page.locator('[data-testid=child-links] a[data-code=QJ0102]').click();
    await page.waitForURL(/org=QJ0102/);
    await page.locator('[data-testid=development-page][data-code=QJ0102]').waitFor();
    await settled(page);
    assert.equal(await page.getByTestId('pool-activist').textContent(), '1');
    assert.equal(await page.getByTestId('pool-applicant').textContent(), '0');
  }, { what: 'development' });
  await bothSizes('/development?org=QJ01', 'development', 'alerts');
});

test('发展党员: a step the rules refuse shows the message beside its field, nothing written; good steps move the person on', async () => {
  await withPage(async ({ page }) => {
    await page.goto(`${srv.base}/development?org=QJ01`);
    await page.locator(`[data-stage=activist] .pcard[data-id="${act.id}"] a`).click();
    await page.waitForURL(new RegExp(`/applicants/${act.id}$`));
    await page.getByTestId('applicant-page').waitFor();
    await settled(page);
    const form = page.getByTestId('step-form');
    assert.equal(await page.getByTestId('steps').locator('tbody tr').count(), 4);
    // The suggested next step for an activist, filed with the superior, without contacts is 确定培养联系人.
    assert.equal(await form.getByLabel('环节').inputValue(), 'contacts');
    // The 29 kinds are grouped by stage, numbered as the national procedure's steps; only those allowed now may be chosen.
    const kind = form.getByLabel('环节');
    assert.deepEqual(await kind.locator('optgroup').evaluateAll((gs) => gs.map((g) => g.label)),
      ['入党申请人', '入党积极分子', '发展对象', '预备党员', '正式党员']);
    assert.equal(await kind.locator('option[value=contacts]').textContent(), '5. 确定培养联系人');
    const allowed = ok(await admin.get(`/api/v1/applicants/${act.id}`), 200).next_steps;
    assert.deepEqual(await kind.locator('optgroup option:not([disabled])').evaluateAll((os) => os.map((o) => o.value)), allowed);
    assert.ok(allowed.includes('candidate') && !allowed.includes('vote') && !allowed.includes('activist_filing'), allowed.join());
    // Too early to become a candidate: designated 2025-03-01, a year is required.
    await form.getByLabel('环节').selectOption('candidate');
    assert.equal(await form.getByLabel('培养联系人').isHidden(), true, 'only the fields the step takes');
    await form.getByLabel('日期').fill('2025-06-01');
    await form.getByRole('button', { name: '记录此环节' }).click();
    const expect = await admin.post(`/api/v1/applicants/${act.id}/steps`, { kind: 'candidate', on: '2025-06-01' });
    assert.equal(expect.status, 422);
    assert.equal(expect.json.error.field, 'on');
    await form.locator('[data-field=on] .err').filter({ hasText: expect.json.error.message }).waitFor();
    // Three contacts: the count rule refuses it on the contacts field.
    await form.getByLabel('环节').selectOption('contacts');
    await form.getByLabel('培养联系人').fill('王建国、陈静、刘洋');
    await form.getByLabel('日期').fill('2025-04-01');
    await form.getByRole('button', { name: '记录此环节' }).click();
    await form.locator('[data-field=contacts] .err').filter({ hasText: '培养联系人应为1至2名' }).waitFor();
    let p = ok(await admin.get(`/api/v1/applicants/${act.id}`), 200);
    assert.equal(p.steps.length, 4, 'nothing written');
    // Two contacts: recorded, then 确定为发展对象 a year after designation.
    await form.getByLabel('培养联系人').fill('王建国、陈静');
    await form.getByRole('button', { name: '记录此环节' }).click();
    await page.locator('.toast').filter({ hasText: '已记录：确定培养联系人' }).waitFor();
    await page.getByTestId('steps').locator('[data-kind=contacts]').waitFor();
    const f2 = page.getByTestId('step-form');
    assert.equal(await f2.getByLabel('环节').inputValue(), 'candidate');
    await f2.getByLabel('日期').fill('2026-03-05');
    await f2.getByRole('button', { name: '记录此环节' }).click();
    await page.locator('[data-testid=applicant-page][data-stage=candidate]').waitFor();
    p = ok(await admin.get(`/api/v1/applicants/${act.id}`), 200);
    assert.equal(p.stage, 'candidate');
    assert.deepEqual(p.steps.map((s) => s.kind), ['application', 'talk', 'designation', 'activist_filing', 'contacts', 'candidate']);
    assert.equal(p.steps[4].contacts, '王建国、陈静');
    assert.equal(await page.getByTestId('stage').textContent(), '发展对象');
    assert.equal(await page.getByTestId('steps').locator('tbody tr').count(), 6);
    // A candidate is offered the procedure's next step: 8. 发展对象报上级党委备案.
    assert.equal(await page.getByTestId('step-form').getByLabel('环节').inputValue(), 'candidate_filing');
  }, { what: 'applicant' });
  await bothSizes(`/applicants/${act.id}`, 'applicant', 'step-form');
});

test('发展党员: the plan is set through the form; progress shows done against the quota', async () => {
  await withPage(async ({ page }) => {
    await page.goto(`${srv.base}/development?org=QJ01`);
    await page.getByTestId('plan-form').waitFor();
    const form = page.getByTestId('plan-form');
    await form.getByLabel('确定入党积极分子计划数').fill('5');
    await form.getByLabel('确定发展对象计划数').fill('3');
    await form.getByLabel('发展党员计划数').fill('2');
    await form.getByRole('button', { name: '保存计划' }).click();
    await page.locator('.toast').filter({ hasText: '发展计划已保存' }).waitFor();
    await settled(page);
    const plan = ok(await east.get('/api/v1/orgs/QJ01/development/plan?year=2026'), 200);
    assert.deepEqual([plan.quota.activists, plan.quota.candidates, plan.quota.members], [5, 3, 2]);
    for (const k of ['activists', 'candidates', 'members']) {
      assert.equal(await page.getByTestId(`plan-${k}`).textContent(), `${plan.done[k]} / ${plan.quota[k]} 人`, k);
    }
    assert.equal(plan.done.candidates, 1, 'the candidate of the last test, 2026-03-05');
  }, { what: 'plan' });
});

let tr = {};
test('转接: the inbox lists pending transfers with their age; a return needs a reason; accepting moves the member', async () => {
  tr.a = ok(await west.post(`/api/v1/members/${M(14)}/transfers`, { to_org_code: 'QJ0101', issued_on: '2026-05-31', letter_no: '西组〔2026〕3号', reason: '务工返乡' }));
  tr.b = ok(await west.post(`/api/v1/members/${M(17)}/transfers`, { to_org_code: 'QJ0102', issued_on: '2026-06-20', letter_no: '西组〔2026〕4号' }));
  const inbox = ok(await east.get('/api/v1/orgs/QJ01/transfers?direction=in'), 200);
  await withPage(async ({ page }) => {
    await page.locator('#menu').getByRole('link', { name: '组织关系转接' }).click();
    await page.getByTestId('transfers-page').waitFor();
    await settled(page);
    assert.equal(await page.getByTestId('in-total').locator('.value').textContent(), String(inbox.total));
    assert.equal(await page.getByTestId('inbox').locator('tbody tr').count(), inbox.items.length);
    const rowA = page.locator(`[data-testid=inbox] tr[data-id="${tr.a.id}"]`);
    const rowB = page.locator(`[data-testid=inbox] tr[data-id="${tr.b.id}"]`);
    assert.equal(await rowA.getByTestId('age').textContent(), '30 天');
    assert.equal(await rowB.getByTestId('age').textContent(), '10 天');
    // Return without a reason: the server's message beside the reason, nothing changed.
    const name = MEMBERS[17].name;
    await rowB.getByRole('button', { name: '退回' }).click();
    const refused = await east.post(`/api/v1/transfers/${tr.b.id}/return`, { on: '2026-06-30' });
    assert.equal(refused.status, 400);
    assert.equal(refused.json.error.field, 'reason');
    await rowB.locator('.err').filter({ hasText: refused.json.error.message }).waitFor();
    assert.equal(await page.getByLabel(`${name}的退回原因`).getAttribute('aria-invalid'), 'true');
    assert.equal((await east.get(`/api/v1/transfers/${tr.b.id}`)).json.state, 'issued');
    await page.getByLabel(`${name}的退回原因`).fill('介绍信抬头有误');
    await rowB.getByRole('button', { name: '退回' }).click();
    await page.locator('.toast').filter({ hasText: `已退回：${name}` }).waitFor();
    await settled(page);
    const b = ok(await east.get(`/api/v1/transfers/${tr.b.id}`), 200);
    assert.deepEqual([b.state, b.close_reason, b.closed_on], ['returned', '介绍信抬头有误', '2026-06-30']);
    assert.equal(await orgOf(M(17)), 'QJ0202', 'a returned transfer leaves the member where they were');
    // Accept the other on the day it arrived.
    const rowA2 = page.locator(`[data-testid=inbox] tr[data-id="${tr.a.id}"]`);
    await page.getByLabel(`${MEMBERS[14].name}的办理日期`).fill('2026-06-02');
    await rowA2.getByRole('button', { name: '接收' }).click();
    await page.locator('.toast').filter({ hasText: `已接收：${MEMBERS[14].name}` }).waitFor();
    await settled(page);
    const a = ok(await east.get(`/api/v1/transfers/${tr.a.id}`), 200);
    assert.deepEqual([a.state, a.closed_on], ['accepted', '2026-06-02']);
    assert.equal(await orgOf(M(14)), 'QJ0101');
    assert.equal(await page.getByTestId('inbox').locator('tbody tr').count(), inbox.items.length - 2);
    assert.equal(await page.locator(`[data-testid=history] tr[data-id="${tr.a.id}"] [data-testid=state]`).textContent(), '已接收');
    assert.equal(await page.locator(`[data-testid=history] tr[data-id="${tr.b.id}"] [data-testid=state]`).textContent(), '已退回');
  }, { what: 'transfers' });
});

test('转接: a letter issued from the member page (a missing receiver refused on its field) waits in the outbox', async () => {
  const id = M(5);   // 陈静, QJ0101
  await withPage(async ({ page }) => {
    await page.goto(`${srv.base}/members/${id}`);
    await page.getByTestId('member-page').waitFor();
    await page.getByRole('button', { name: '转出组织关系' }).click();
    const form = page.getByTestId('transfer-form');
    await form.getByLabel('开具日期').fill('2026-06-28');
    await form.getByRole('button', { name: '开具' }).click();
    await form.locator('[data-field=to_org_code] .err').filter({ hasText: '须填写转入党组织编码' }).waitFor();
    assert.equal((await east.get('/api/v1/orgs/QJ01/transfers?direction=out')).json.total, 0);
    await form.getByLabel('转入党支部（系统内，编码）').fill('QJ0201');
    await form.getByLabel('介绍信编号').fill('东组〔2026〕7号');
    await form.getByLabel('转接原因').fill('工作调动');
    await form.getByRole('button', { name: '开具' }).click();
    await page.locator('.toast').filter({ hasText: '已开具，待西山村党支部接收' }).waitFor();
    const out = ok(await east.get('/api/v1/orgs/QJ01/transfers?direction=out'), 200);
    assert.equal(out.total, 1);
    tr.c = out.items[0];
    assert.deepEqual([tr.c.member_id, tr.c.to_org_code, tr.c.issued_on, tr.c.letter_no], [id, 'QJ0201', '2026-06-28', '东组〔2026〕7号']);
    await page.getByTestId('member-events').locator('tbody tr').filter({ hasText: '开具转接介绍信' }).waitFor();
    await page.goto(`${srv.base}/transfers`);
    await page.getByTestId('transfers-page').waitFor();
    await settled(page);
    const row = page.locator(`[data-testid=outbox] tr[data-id="${tr.c.id}"]`);
    assert.equal(await row.getByTestId('age').textContent(), '2 天');
    assert.equal(await row.getByRole('button').count(), 0, 'the receiver accepts, not the sender');
    assert.equal(await page.getByTestId('out-total').locator('.value').textContent(), '1');
  }, { what: 'issue transfer' });
  await bothSizes('/transfers', 'transfers', 'history');
});

test('党费: arrears with the six-month warning; a payment too small is refused on its field, the right one clears the flag', async () => {
  const id = M(2);   // 王建国, QJ0101, income 4200.50
  const name = MEMBERS[2].name;
  for (const year of [2025, 2026]) ok(await east.post(`/api/v1/members/${id}/dues/base`, { year, category: 'salaried', income: 4200.5 }), 200);
  const ar = ok(await east.get('/api/v1/orgs/QJ01/dues/arrears'), 200);
  const mine = ar.items.find((x) => x.member_id === id);
  assert.deepEqual([mine.unpaid_months, mine.six_month_flag], [17, true]);
  await withPage(async ({ page }) => {
    await page.locator('#menu').getByRole('link', { name: '党费' }).click();
    await page.getByTestId('dues-page').waitFor();
    await settled(page);
    assert.equal(await page.getByTestId('in-arrears').locator('.value').textContent(), String(ar.in_arrears));
    assert.equal(await page.getByTestId('six-count').locator('.value').textContent(), String(ar.six_month_flags));
    // The warning is a count with a link to the list (issue 11: a town's 537 names were one red paragraph).
    assert.match(await page.getByTestId('six-warning').textContent(), new RegExp(`${ar.six_month_flags} 名党员已连续六个月未交纳党费`));
    assert.ok(!(await page.getByTestId('six-warning').textContent()).includes(name), 'no names in the warning');
    await page.getByTestId('six-link').click();
    await page.waitForURL(/six=1/);
    await page.getByTestId('dues-page').waitFor();
    await settled(page);
    const flagged = page.locator('[data-testid=arrears] tbody tr');
    assert.equal(await flagged.count(), ar.six_month_flags);
    await page.locator(`[data-testid=arrears] tr[data-member="${id}"]`).waitFor();
    await page.goBack();
    await page.getByTestId('six-warning').waitFor();
    await settled(page);
    const row = page.locator(`[data-testid=arrears] tr[data-member="${id}"]`);
    assert.equal(await row.getByTestId('months').textContent(), '17 个月');
    await row.getByTestId('six').waitFor();
    const xlsx = await page.getByTestId('dues-export-xlsx').getAttribute('href');
    assert.equal(xlsx, '/api/v1/export/dues?org=QJ01&year=2026&format=xlsx');
    const sheet = await east.get(xlsx);
    assert.equal(sheet.status, 200);
    assert.match(sheet.headers.get('content-type'), /spreadsheetml/);
    assert.equal(sheet.buf.subarray(0, 2).toString(), 'PK', 'an xlsx file');

    // The member page: where they stand, and the payment form.
    await row.getByRole('link', { name }).click();
    await page.getByTestId('member-dues').waitFor();
    await settled(page);
    assert.equal(await page.getByTestId('dues-unpaid').locator('.value').textContent(), '17 个月');
    await page.getByTestId('dues-six').waitFor();
    const form = page.getByTestId('payment-form');
    // Defaults: six months back from the month of payment (2025-12) to the last complete month (2026-05).
    assert.equal(await form.getByLabel('所属月份起').inputValue(), '2025-12');
    assert.equal(await form.getByLabel('所属月份止').inputValue(), '2026-05');
    const d = ok(await east.get(`/api/v1/members/${id}/dues`), 200);
    const due = d.bases.find((b) => b.year === 2025).amount + 5 * d.bases.find((b) => b.year === 2026).amount;
    assert.equal(Number(await form.getByLabel('金额（元）').inputValue()), Math.round(due * 100) / 100);
    await form.getByLabel('金额（元）').fill('1');
    await form.getByLabel('交纳日期').fill('2026-06-30');
    await form.getByRole('button', { name: '登记交纳' }).click();
    await form.locator('[data-field=amount] .err').filter({ hasText: '应交' }).waitFor();
    assert.equal((await east.get(`/api/v1/members/${id}/dues`)).json.payments.length, 0, 'nothing written');
    await form.getByLabel('金额（元）').fill(due.toFixed(2));
    await form.getByLabel('交纳方式').selectOption('wechat');
    await form.getByRole('button', { name: '登记交纳' }).click();
    await page.locator('.toast').filter({ hasText: '党费交纳已登记' }).waitFor();
    await page.getByTestId('payments').waitFor();
    await settled(page);
    const after = ok(await east.get(`/api/v1/members/${id}/dues`), 200);
    assert.equal(after.payments.length, 1);
    assert.deepEqual([after.payments[0].period_from, after.payments[0].period_to, after.payments[0].channel], ['2025-12', '2026-05', 'wechat']);
    assert.deepEqual([after.state.unpaid_months, after.state.consecutive_unpaid, after.state.six_month_flag], [11, 0, false]);
    assert.equal(await page.getByTestId('dues-unpaid').locator('.value').textContent(), '11 个月');
    assert.equal(await page.getByTestId('dues-six').count(), 0);
    assert.equal(await page.getByTestId('dues-last').locator('.value').textContent(), '2026-05');
    assert.match(await page.getByTestId('payments').textContent(), /2025-12 至 2026-05.*微信/);
    assert.equal(await page.getByTestId('payment-form').getByLabel('所属月份起').inputValue(), '2026-06', 'the next payment starts after the last month paid');
    // The arrears list follows.
    await page.locator('#menu').getByRole('link', { name: '党费' }).click();
    await page.getByTestId('dues-page').waitFor();
    await settled(page);
    assert.equal(await page.locator(`[data-testid=arrears] tr[data-member="${id}"] [data-testid=six]`).count(), 0);
    assert.equal(await page.getByTestId('six-count').locator('.value').textContent(), String((await east.get('/api/v1/orgs/QJ01/dues/arrears')).json.six_month_flags));
  }, { what: 'dues' });
  await bothSizes('/dues', 'dues', 'arrears');
  await bothSizes(`/members/${id}`, 'member-lifecycle', 'member-dues');
});

test('the organization page: 三会一课 and membership changes by month as the API counts them', async () => {
  const mo = ok(await east.get('/api/v1/orgs/QJ01/lifecycle/monthly?months=12'), 200);
  const ob = ok(await east.get('/api/v1/orgs/QJ01/obligations?limit=10000'), 200);
  const red = new Set(ob.findings.filter((f) => f.type === 'missing').map((f) => f.org_code));
  const amber = new Set(ob.findings.filter((f) => f.type !== 'missing' && !red.has(f.org_code)).map((f) => f.org_code));
  const green = ob.summary.branches - red.size - amber.size;
  const sum = (k) => mo.months.reduce((t, x) => t + x[k], 0);
  assert.equal(sum('transferred_in'), 1, 'the transfer accepted above');
  await withPage(async ({ page }) => {
    await page.goto(`${srv.base}/orgs/QJ01`);
    await page.getByTestId('trends').waitFor();
    await settled(page);
    assert.equal(await page.getByTestId('card-admitted').locator('.value').textContent(), String(sum('admitted')));
    assert.equal(await page.getByTestId('card-transfers').locator('.value').textContent(), `${sum('transferred_in')} / ${sum('transferred_out')}`);
    assert.equal(await page.getByTestId('card-meetings').locator('.value').textContent(), `${ob.summary.due} / ${ob.summary.held}`, "应开 first, then 已开");
    const chart = page.getByTestId('chart-obligations');
    assert.deepEqual([await chart.getAttribute('data-green'), await chart.getAttribute('data-amber'), await chart.getAttribute('data-red')],
      [String(green), String(amber.size), String(red.size)]);
    assert.equal(await page.getByTestId('card-obligations').locator('.note').textContent(), `${green} / ${ob.summary.branches} 个党支部（2026 年已结束的月份）`);
    await page.getByTestId('chart-trend').locator('canvas').waitFor();
  }, { what: 'org trends' });
  await bothSizes('/orgs/QJ01', 'org-trends', 'trends');
});

test('a viewer sees the lifecycle screens without any write control', async () => {
  await withPage(async ({ page }) => {
    await page.goto(`${srv.base}/development?org=QJ01`);
    await page.getByTestId('development-page').waitFor();
    await settled(page);
    assert.equal(await page.getByTestId('plan-form').count(), 0);
    await page.goto(`${srv.base}/applicants/${late.id}`);
    await page.getByTestId('applicant-page').waitFor();
    assert.equal(await page.getByTestId('step-form').count(), 0);
    await page.goto(`${srv.base}/transfers?org=QJ02`);
    await page.getByTestId('transfers-page').waitFor();
    await settled(page);
    assert.ok(await page.locator(`[data-testid=inbox] tr[data-id="${tr.c.id}"]`).count() === 1, 'the pending transfer is listed');
    assert.equal(await page.getByTestId('transfer-actions').count(), 0);
    assert.equal(await page.locator('[data-testid=transfers-page] button').count(), 0);
    await page.goto(`${srv.base}/members/${M(2)}`);
    await page.getByTestId('member-dues').waitFor();
    await settled(page);
    assert.equal(await page.getByTestId('payment-form').count(), 0);
    assert.equal(await page.getByTestId('transfer-form').count(), 0);
    assert.equal(await page.getByRole('button', { name: '转出组织关系' }).count(), 0);
    await page.goto(`${srv.base}/dues?org=QJ01`);
    await page.getByTestId('dues-page').waitFor();
    assert.equal(await page.locator('[data-testid=dues-page] button, [data-testid=dues-page] form').count(), 0);
  }, { what: 'viewer', login: 'viewer' });
});
