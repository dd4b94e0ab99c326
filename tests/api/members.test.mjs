// Members: create, patch, delete with each validation rule; search by name,
// pinyin, initials and ID number with paging over the whole subtree;
// masking of ID numbers and phones, and reveal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, assertStatus, MEMBERS, makeId, breakCheck, maskId, maskPhone } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const east = await srv.as('east');

const MEMBER_KEYS = ['id', 'name', 'id_number', 'gender', 'birth_date', 'ethnicity', 'education', 'category', 'joined_on',
  'full_on', 'org_code', 'occupation', 'phone', 'mobile', 'mobile_location', 'monthly_income', 'org_name', 'updated_at', 'status'].sort();

const ids = {};
for (const m of await admin.allMembers('QJ', true)) ids[m.id_number] = m.id;

let n = 0;
/** A valid new member of QJ0101, born 1990-05-05, man. */
function fresh(over = {}) {
  n++;
  return {
    name: '新党员' + n, id_number: makeId('340104', '1990-05-05', '男', 50 + n), category: '正式党员',
    joined_on: '2015-07-01', full_on: '2016-07-01', org_code: 'QJ0101', ...over,
  };
}

test('GET /members/{id}: every field, values as imported, masked by default', async () => {
  const zhang = MEMBERS[0];
  const m = assertStatus(await admin.get(`/api/v1/members/${ids[zhang.id_number]}`), 200);
  assert.deepEqual(Object.keys(m).sort(), MEMBER_KEYS);
  assert.equal(m.id, ids[zhang.id_number]);
  assert.equal(m.name, '张三丰');
  assert.equal(m.id_number, maskId(zhang.id_number));
  assert.match(m.id_number, /^3411\*{10}\d{3}[\dX]$/);
  assert.equal(m.phone, '138****5678');
  assert.equal(m.gender, '男');
  assert.equal(m.birth_date, '1960-04-09');
  assert.equal(m.ethnicity, '汉族');
  assert.equal(m.education, '高中');
  assert.equal(m.category, '正式党员');
  assert.equal(m.joined_on, '1985-07-01');
  assert.equal(m.full_on, '1986-07-01');
  assert.equal(m.org_code, 'QJ0101');
  assert.equal(m.org_name, '东湖村党支部');
  assert.equal(m.occupation, '农民');
  assert.equal(m.mobile, false);
  assert.equal(m.mobile_location, null);
  assert.equal(m.monthly_income, 3500);
  // The 流动党员 and the 预备党员 of the fixture.
  const liu = assertStatus(await admin.get(`/api/v1/members/${ids[MEMBERS[4].id_number]}`), 200);
  assert.equal(liu.mobile, true);
  assert.equal(liu.mobile_location, '江苏省南京市');
  const zhao = assertStatus(await admin.get(`/api/v1/members/${ids[MEMBERS[3].id_number]}`), 200);
  assert.equal(zhao.category, '预备党员');
  assert.equal(zhao.full_on, null);
  // Money with cents, a landline masked.
  const wang = assertStatus(await admin.get(`/api/v1/members/${ids[MEMBERS[2].id_number]}`), 200);
  assert.equal(wang.monthly_income, 4200.5);
  assert.equal(wang.phone, maskPhone('0550-7012345'));
  assert.match(wang.phone, /2345$/);
  assert.ok(!wang.phone.includes('7012'));
});

test('a member id that is not a positive integer is 404', async () => {
  for (const x of ['0', '-1', 'abc', '1.5', '1e3', '0x1', '99999999999999999999999', '%20']) {
    assertError(await admin.get(`/api/v1/members/${x}`), 404, 'not_found');
  }
});

test('reveal=1 by admin and org_admin shows the numbers, and is audited', async () => {
  const zhang = MEMBERS[0];
  const before = (await admin.audit()).total;
  const r = assertStatus(await east.get(`/api/v1/members/${ids[zhang.id_number]}?reveal=1`), 200);
  assert.equal(r.id_number, zhang.id_number);
  assert.equal(r.phone, zhang.phone);
  const after = await admin.audit();
  assert.ok(after.total > before, 'a reveal writes an audit entry');
  const entry = after.items[0];
  assert.equal(entry.actor, 'east');
  // The list reveals too.
  const list = assertStatus(await admin.get('/api/v1/orgs/QJ0101/members?reveal=1&limit=200'), 200);
  assert.ok(list.items.some((m) => m.id_number === zhang.id_number));
  // Without reveal, the list is masked.
  const masked = assertStatus(await admin.get('/api/v1/orgs/QJ/members?limit=200'), 200);
  for (const m of masked.items) {
    assert.match(m.id_number, /^\d{4}\*{10}\d{3}[\dX]$/, m.name);
    if (m.phone) assert.ok(m.phone.includes('*'), `${m.name} phone ${m.phone}`);
    assert.ok(!Object.values(MEMBERS).some((x) => x.id_number === m.id_number));
  }
  assertError(await admin.get('/api/v1/orgs/QJ/members?reveal=maybe'), 400, 'invalid', 'reveal');
});

test('search: name substring, full pinyin prefix, initials prefix, ID number', async () => {
  const q = async (s, code = 'QJ') => assertStatus(await admin.get(`/api/v1/orgs/${code}/members?q=${encodeURIComponent(s)}&limit=200`), 200);
  const names = (r) => r.items.map((m) => m.name).sort();
  assert.deepEqual(names(await q('张三丰')), ['张三丰']);
  assert.deepEqual(names(await q('三丰')), ['张三丰']);
  assert.deepEqual(names(await q('zhangsan')), ['张三丰']);
  assert.deepEqual(names(await q('zhangsanfeng')), ['张三丰']);
  assert.deepEqual(names(await q('zsf')), ['张三丰']);
  assert.deepEqual(names(await q('zs')), ['张三丰']);
  assert.deepEqual(names(await q(MEMBERS[0].id_number)), ['张三丰']);
  assert.deepEqual(names(await q(MEMBERS[0].id_number.slice(0, 14))), ['张三丰'], 'a prefix of 6+ characters');
  const sun = await q('孙');
  assert.deepEqual(names(sun), ['孙丽']);
  assert.equal(sun.total, 1);
  // '丽' is in 孙丽 and 赵丽华.
  assert.deepEqual(names(await q('丽')), ['孙丽', '赵丽华']);
  // Initials of several: 黄美玲 hml, 胡德明 hdm, 何俊 hj: 'h' finds the three (and 韩? none).
  assert.deepEqual(names(await q('h')), ['何俊', '胡德明', '黄美玲']);
  // No match.
  const none = await q('不存在的人');
  assert.deepEqual(none, { items: [], total: 0 });
  // Search stays inside the subtree asked for.
  assert.deepEqual(names(await q('zsf', 'QJ02')), []);
  assert.deepEqual(names(await q('hdm', 'QJ02')), ['胡德明']);
  assert.deepEqual(names(await q('hdm', 'QJ01')), []);
  // And inside the user's subtree.
  const e = assertStatus(await east.get(`/api/v1/orgs/QJ01/members?q=${MEMBERS[14].id_number}`), 200);
  assert.equal(e.total, 0);
  // A search finds masked numbers in the answer, not the full ones.
  const z = await q(MEMBERS[0].id_number);
  assert.equal(z.items[0].id_number, maskId(MEMBERS[0].id_number));
});

test('paging: limit, offset and total over the whole subtree', async () => {
  const first = assertStatus(await admin.get('/api/v1/orgs/QJ/members'), 200);
  assert.equal(first.total, 20);
  assert.equal(first.items.length, 20, 'default limit 20');
  const seen = new Set();
  for (let off = 0; off < 20; off += 7) {
    const p = assertStatus(await admin.get(`/api/v1/orgs/QJ/members?limit=7&offset=${off}`), 200);
    assert.equal(p.total, 20);
    assert.equal(p.items.length, Math.min(7, 20 - off));
    for (const m of p.items) seen.add(m.id);
  }
  assert.equal(seen.size, 20, 'pages cover every member once');
  const past = assertStatus(await admin.get('/api/v1/orgs/QJ/members?limit=5&offset=100'), 200);
  assert.deepEqual(past, { items: [], total: 20 });
  const sub = assertStatus(await admin.get('/api/v1/orgs/QJ0103/members?limit=2&offset=2'), 200);
  assert.equal(sub.total, 4, 'a 党总支 lists the members of the branches under it');
  assert.equal(sub.items.length, 2);
  assert.ok(sub.items.every((m) => m.org_code === 'QJ010301'));
  const q = assertStatus(await admin.get(`/api/v1/orgs/QJ/members?q=${encodeURIComponent('丽')}&limit=1&offset=1`), 200);
  assert.equal(q.total, 2);
  assert.equal(q.items.length, 1);
  assertError(await admin.get('/api/v1/orgs/QJ/members?limit=0'), 400, 'invalid', 'limit');
  assertError(await admin.get('/api/v1/orgs/QJ/members?limit=201'), 400, 'invalid', 'limit');
  assertError(await admin.get('/api/v1/orgs/QJ/members?offset=-5'), 400, 'invalid', 'offset');
});

test('POST /members: 201; gender and birth date filled from the ID number', async () => {
  const body = fresh({ phone: '13712340000', monthly_income: 5000.25, mobile: true, mobile_location: '广东省深圳市',
    ethnicity: '壮族', education: '大学本科', occupation: '工程师,兼职讲师' });
  const r = assertStatus(await admin.post('/api/v1/members', body), 201);
  assert.ok(Number.isInteger(r.id) && r.id > 0);
  assert.equal(r.gender, '男');
  assert.equal(r.birth_date, '1990-05-05');
  assert.equal(r.id_number, maskId(body.id_number));
  assert.equal(r.phone, '137****0000');
  assert.equal(r.monthly_income, 5000.25);
  assert.equal(r.mobile, true);
  assert.equal(r.org_name, '东湖村党支部');
  assert.equal(r.occupation, '工程师,兼职讲师');
  const g = assertStatus(await admin.get(`/api/v1/members/${r.id}?reveal=1`), 200);
  assert.equal(g.id_number, body.id_number);
  assert.equal(g.phone, '13712340000');
  assert.equal((await admin.get('/api/v1/orgs/QJ')).json.member_count, 21);
  // Gender and birth date given and agreeing are fine; a final x is stored as X; dates in any form.
  const idx = makeIdXLocal('1992-02-02', '女');
  const r2 = assertStatus(await admin.post('/api/v1/members', fresh({ id_number: idx.toLowerCase(), gender: '女', birth_date: '1992/2/2',
    joined_on: '2015年7月1日', full_on: '2016.07.01' })), 201);
  assert.equal(r2.birth_date, '1992-02-02');
  assert.equal(r2.joined_on, '2015-07-01');
  assert.equal(r2.full_on, '2016-07-01');
  assert.equal(assertStatus(await admin.get(`/api/v1/members/${r2.id}?reveal=1`), 200).id_number, idx);
  // Full-width digits and stray spaces.
  const fwId = makeId('340104', '1988-08-08', '女', 77);
  const fw = fwId.replace(/\d/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xFEE0));
  const r3 = assertStatus(await admin.post('/api/v1/members', fresh({ id_number: ` ${fw} `, name: '  全角 ', phone: '１３７１２３４９９９９' })), 201);
  assert.equal(r3.name, '全角');
  assert.equal(r3.birth_date, '1988-08-08');
  const g3 = assertStatus(await admin.get(`/api/v1/members/${r3.id}?reveal=1`), 200);
  assert.equal(g3.id_number, fwId);
  assert.equal(g3.phone, '13712349999');
  // Exactly one year from joining to full membership is enough.
  assertStatus(await admin.post('/api/v1/members', fresh({ joined_on: '2019-03-15', full_on: '2020-03-15' })), 201);
  // 18 on the day of joining is enough.
  assertStatus(await admin.post('/api/v1/members', fresh({ id_number: makeId('340104', '2000-06-30', '男', 91), category: '预备党员',
    joined_on: '2018-06-30', full_on: undefined })), 201);
  // Today is not the future.
  assertStatus(await admin.post('/api/v1/members', fresh({ category: '预备党员', joined_on: '2026-06-30', full_on: undefined })), 201);
});

test('POST /members: each validation rule with its field', async () => {
  const total = (await admin.get('/api/v1/orgs/QJ')).json.member_count;
  const base = fresh();
  const bad = async (over, status, code, field) => {
    const b = { ...base, ...over };
    for (const k of Object.keys(b)) if (b[k] === undefined) delete b[k];
    return assertError(await admin.post('/api/v1/members', b), status, code, field);
  };
  await bad({ id_number: breakCheck(base.id_number) }, 400, 'invalid', 'id_number');
  await bad({ id_number: base.id_number.slice(0, 17) }, 400, 'invalid', 'id_number');
  await bad({ id_number: '991122199005050515' }, 400, 'invalid', 'id_number');                 // no such province
  await bad({ id_number: maskId(base.id_number) }, 400, 'invalid', 'id_number');               // a masked value sent back
  await bad({ gender: '女' }, 400, 'invalid', 'gender');
  await bad({ birth_date: '1990-05-06' }, 400, 'invalid', 'birth_date');
  await bad({ full_on: undefined }, 400, ['required', 'invalid'], 'full_on');
  await bad({ full_on: '2016-06-30' }, 400, 'invalid', 'full_on');                              // one day short of a year
  await bad({ full_on: '2014-07-01' }, 400, 'invalid', 'full_on');
  await bad({ category: '预备党员' }, 400, 'invalid', 'full_on');                                // 预备党员 has no full_on
  await bad({ joined_on: '2008-05-04', full_on: '2009-05-04' }, 400, 'invalid', 'joined_on');     // 17 at joining
  await bad({ category: '预备党员', joined_on: '2026-07-01', full_on: undefined }, 400, 'invalid', 'joined_on');   // future
  await bad({ full_on: '2026-07-01' }, 400, 'invalid', 'full_on');                                // future
  await bad({ joined_on: '2015-02-29' }, 400, 'invalid', 'joined_on');
  await bad({ org_code: 'QJ01' }, 400, 'invalid', 'org_code');                                    // a 党委
  await bad({ org_code: 'QJ0103' }, 400, 'invalid', 'org_code');                                  // a 党总支
  await bad({ org_code: 'NOSUCH' }, 404, 'not_found', 'org_code');
  await bad({ org_code: undefined }, 400, 'required', 'org_code');
  await bad({ name: undefined }, 400, 'required', 'name');
  await bad({ name: '' }, 400, 'required', 'name');
  await bad({ name: '名'.repeat(51) }, 400, 'invalid', 'name');
  await bad({ id_number: undefined }, 400, 'required', 'id_number');
  await bad({ category: undefined }, 400, 'required', 'category');
  await bad({ category: '党员' }, 400, 'invalid', 'category');
  await bad({ joined_on: undefined }, 400, 'required', 'joined_on');
  await bad({ ethnicity: '火星族' }, 400, 'invalid', 'ethnicity');
  await bad({ education: '博士后' }, 400, 'invalid', 'education');
  await bad({ phone: '12345' }, 400, 'invalid', 'phone');
  await bad({ phone: '1381234567a' }, 400, 'invalid', 'phone');
  await bad({ mobile: 'maybe' }, 400, 'invalid', 'mobile');
  await bad({ monthly_income: -1 }, 400, 'invalid', 'monthly_income');
  await bad({ monthly_income: 1.234 }, 400, 'invalid', 'monthly_income');
  await bad({ monthly_income: 'lots' }, 400, 'invalid', 'monthly_income');
  await bad({ salary: 1 }, 400, 'unknown_field');
  await bad({ id_number: MEMBERS[5].id_number }, 409, 'conflict', 'id_number');
  // A lowercase x of an existing X number is the same number.
  const withX = MEMBERS.find((m) => m.id_number.endsWith('X'));
  await bad({ id_number: withX.id_number.toLowerCase(), gender: undefined, birth_date: undefined }, 409, 'conflict', 'id_number');
  assert.equal((await admin.get('/api/v1/orgs/QJ')).json.member_count, total, 'nothing was written');
});

test('PATCH /members/{id}: a subset; the rules apply to the merged record', async () => {
  const m = assertStatus(await admin.post('/api/v1/members', fresh({ category: '预备党员', joined_on: '2025-01-10', full_on: undefined })), 201);
  const url = `/api/v1/members/${m.id}`;
  // Converting needs a full_on a year after joining.
  assertError(await admin.patch(url, { category: '正式党员' }), 400, ['required', 'invalid'], 'full_on');
  assertError(await admin.patch(url, { category: '正式党员', full_on: '2025-12-31' }), 400, 'invalid', 'full_on');
  assertError(await admin.patch(url, { full_on: '2026-01-10' }), 400, 'invalid', 'full_on');   // 预备 with full_on
  const conv = assertStatus(await admin.patch(url, { category: '正式党员', full_on: '2026-01-10' }), 200);
  assert.equal(conv.category, '正式党员');
  assert.equal(conv.full_on, '2026-01-10');
  assert.equal(conv.name, m.name, 'untouched fields stay');
  assert.equal(conv.joined_on, '2025-01-10');
  // Moving joined_on so that full_on is too early (either date may be named).
  assertError(await admin.patch(url, { joined_on: '2025-06-01' }), 400, 'invalid', ['full_on', 'joined_on']);
  // Gender against the stored ID number.
  assertError(await admin.patch(url, { gender: '女' }), 400, 'invalid', 'gender');
  // Moving to another branch; to a 党总支 is refused.
  const moved = assertStatus(await east.patch(url, { org_code: 'QJ010301' }), 200);
  assert.equal(moved.org_code, 'QJ010301');
  assert.equal(moved.org_name, '东湖镇机关第一党支部');
  assertError(await admin.patch(url, { org_code: 'QJ0103' }), 400, 'invalid', 'org_code');
  // To a number already used.
  assertError(await admin.patch(url, { id_number: MEMBERS[1].id_number, gender: '女', birth_date: MEMBERS[1].birth_date }),
    409, 'conflict', 'id_number');
  // Clearing optional fields, setting money and mobile.
  const p = assertStatus(await admin.patch(url, { phone: '0551-62345678', monthly_income: 12000, mobile: true, mobile_location: '合肥' }), 200);
  assert.equal(p.phone, maskPhone('0551-62345678'));
  assert.equal(p.monthly_income, 12000);
  assert.equal(p.mobile, true);
  const c = assertStatus(await admin.patch(url, { phone: null, monthly_income: null, mobile_location: null, mobile: false }), 200);
  assert.equal(c.phone, null);
  assert.equal(c.monthly_income, null);
  assert.equal(c.mobile_location, null);
  assert.equal(c.mobile, false);
  assertError(await admin.patch(url, { name: null }), 400, 'required', 'name');
  assertError(await admin.patch(url, { category: null }), 400, 'required', 'category');
  assertError(await admin.patch(url, { hobby: 'x' }), 400, 'unknown_field');
  assertError(await admin.patch(url, { id_number: maskId(MEMBERS[1].id_number) }), 400, 'invalid', 'id_number');
  // The record is as the last good PATCH left it.
  const g = assertStatus(await admin.get(`${url}?reveal=1`), 200);
  assert.equal(g.org_code, 'QJ010301');
  assert.equal(g.gender, '男');
  assert.equal(g.joined_on, '2025-01-10');
  assertError(await admin.patch('/api/v1/members/999999', { phone: null }), 404, 'not_found');
});

test('DELETE /members/{id}: 200 {"ok":true}, then 404', async () => {
  const body = fresh();
  const m = assertStatus(await admin.post('/api/v1/members', body), 201);
  const before = (await admin.get('/api/v1/orgs/QJ')).json.member_count;
  assert.deepEqual(assertStatus(await east.del(`/api/v1/members/${m.id}`), 200), { ok: true });
  assertError(await admin.get(`/api/v1/members/${m.id}`), 404, 'not_found');
  assertError(await admin.del(`/api/v1/members/${m.id}`), 404, 'not_found');
  assertError(await admin.patch(`/api/v1/members/${m.id}`, { phone: null }), 404, 'not_found');
  assert.equal((await admin.get('/api/v1/orgs/QJ')).json.member_count, before - 1);
  // The ID number is free again.
  const again = assertStatus(await admin.post('/api/v1/members', body), 201);
  assert.equal(again.name, body.name);
});

function makeIdXLocal(birth, gender) {
  for (let k = 0; k < 400; k++) {
    const id = makeId('341102', birth, gender, 200 + k);
    if (id.endsWith('X')) return id;
  }
  throw new Error('no X');
}
