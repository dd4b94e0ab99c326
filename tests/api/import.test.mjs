// Import through the API and the CLI: GBK with CRLF as Excel saves it, UTF-16,
// English headers, messy values; bad rows refused with every error listed
// and nothing written; keep_good and the rejects file; dry_run; re-import
// changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  startServer, assertError, assertStatus, cli, fixture, MEMBERS, GBK_MEMBERS, MESSY_MEMBERS, ENGLISH_MEMBERS,
  BAD_ROWS, BAD_GOOD, HEADERS, toCsv, rowOf, breakCheck, maskId, maskPhone, parseCsv,
} from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const east = await srv.as('east');
const read = (f) => fs.readFileSync(fixture(f));
const IMPORT_KEYS = ['encoding', 'errors', 'inserted', 'rejected', 'unchanged', 'updated'];

/** POST a file to /api/v1/import/{kind}; returns the response. */
const upload = (who, kind, buf, query = '') => who.upload(`/api/v1/import/${kind}${query}`, buf);
/** Asserts a 200 import result with these counts. */
function result(res, counts) {
  const r = assertStatus(res, 200);
  for (const k of IMPORT_KEYS) assert.ok(k in r, `import result without ${k}: ${res.text}`);
  for (const [k, v] of Object.entries(counts)) assert.equal(r[k], v, `${k}: ${res.text.slice(0, 800)}`);
  assert.ok(Array.isArray(r.errors));
  return r;
}
let memberEntity;   // the audit entity of member rows, learned from a DELETE
async function memberEntries(sinceId) {
  const a = await admin.audit();
  return a.items.filter((e) => e.id > sinceId && e.entity === memberEntity && !/reveal/i.test(e.action));
}
const lastAuditId = async () => ((await admin.audit()).items[0] || { id: 0 }).id;
const byName = async (name, code = 'QJ') => {
  const r = assertStatus(await admin.get(`/api/v1/orgs/${code}/members?q=${encodeURIComponent(name)}&reveal=1&limit=200`), 200);
  return r.items.find((m) => m.name === name);
};

test('the GBK fixture is what Excel on Chinese Windows saves: not UTF-8, CRLF, no BOM', () => {
  const b = read('members-gbk.csv');
  assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(b));
  assert.equal(new TextDecoder('gbk').decode(b).split('\r\n')[0], HEADERS.join(','));
  assert.notDeepEqual([...b.subarray(0, 3)], [0xEF, 0xBB, 0xBF]);
  assert.equal(b.toString('latin1').split('\r\n').length, GBK_MEMBERS.length + 2);
  assert.ok(!/[^\r]\n/.test(b.toString('latin1')), 'every line ends CRLF');
});

test('CLI import of the GBK CRLF file: exit 0, names and values read right', async () => {
  const r = cli(['import', 'members', '--db', srv.db, fixture('members-gbk.csv')]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(await admin.total(), 25);
  for (const m of GBK_MEMBERS) {
    const got = await byName(m.name);
    assert.ok(got, `${m.name} found by its Chinese name`);
    assert.equal(got.id_number, m.id_number);
    assert.equal(got.org_code, m.org_code);
    assert.equal(got.ethnicity, m.ethnicity);
    assert.equal(got.occupation, m.occupation);
    assert.equal(got.phone, m.phone);
    assert.equal(got.mobile, m.mobile);
  }
  const ma = await byName('马玉兰');
  assert.equal(ma.mobile_location, '上海市浦东新区');
  const masked = await admin.get(`/api/v1/members/${ma.id}`);
  assert.equal(masked.json.phone, maskPhone('0550-7654321'));
  assert.equal((await byName('吴国强')).monthly_income, 2800);
});

test('the same GBK file through the API: encoding GB18030, all unchanged, no member audit entries', async () => {
  // Learn the audit entity of members from a delete (and re-create the member by the import below).
  const wu = await byName('吴国强');
  assertStatus(await admin.del(`/api/v1/members/${wu.id}`), 200);
  const del = (await admin.audit()).items[0];
  memberEntity = del.entity;
  assert.equal(del.actor, 'admin');
  assert.equal(del.before && del.before.name, '吴国强', JSON.stringify(del));
  assert.equal(del.after, null);
  const since = await lastAuditId();
  const r1 = result(await upload(admin, 'members', read('members-gbk.csv')),
    { inserted: 1, updated: 0, unchanged: 4, rejected: 0, encoding: 'GB18030' });
  assert.deepEqual(r1.errors, []);
  // The member entered has an entry of its own naming the file, and the import its summary.
  const entries = await memberEntries(since);
  assert.equal(entries.length, 2, JSON.stringify(entries));
  const own = entries.find((e) => e.after && e.after.name === '吴国强');
  assert.ok(own && own.after.file === 'members (upload)', JSON.stringify(entries));
  assert.ok(entries.some((e) => e.after && e.after.inserted === 1 && e.after.file === 'members (upload)'), JSON.stringify(entries));
  assert.equal(await admin.total(), 25);
  // Again: nothing changes at all.
  const since2 = await lastAuditId();
  result(await upload(admin, 'members', read('members-gbk.csv')),
    { inserted: 0, updated: 0, unchanged: 5, rejected: 0, encoding: 'GB18030' });
  assert.equal((await memberEntries(since2)).length, 0);
  assert.equal(await admin.total(), 25);
  // And the CLI again: exit 0, nothing changes.
  const c = cli(['import', 'members', '--db', srv.db, fixture('members-gbk.csv')]);
  assert.equal(c.status, 0, c.stderr);
  assert.equal((await memberEntries(since2)).length, 0);
});

test('re-import of members.csv and orgs.csv changes nothing', async () => {
  const since = await lastAuditId();
  const m = result(await upload(admin, 'members', read('members.csv')),
    { inserted: 0, updated: 0, unchanged: MEMBERS.length, rejected: 0 });
  assert.match(m.encoding, /^UTF-8/);
  result(await upload(admin, 'orgs', read('orgs.csv')), { inserted: 0, updated: 0, unchanged: 9, rejected: 0 });
  const fresh = (await admin.audit()).items.filter((e) => e.id > since);
  assert.ok(fresh.every((e) => e.entity !== memberEntity), 'no member entries');
  assert.ok(fresh.length <= 2, `at most a summary entry per import, got ${JSON.stringify(fresh)}`);
});

test('a changed row updates the member it identifies by ID number', async () => {
  const changed = GBK_MEMBERS.map((m, i) => rowOf(m, i === 0 ? { phone: '13099998888', occupation: '中学教师' } : {}));
  const text = toCsv([HEADERS, ...changed]);
  const r = result(await upload(admin, 'members', Buffer.from(text)), { inserted: 0, updated: 1, unchanged: 4, rejected: 0 });
  assert.deepEqual(r.errors, []);
  const z = await byName(GBK_MEMBERS[0].name);
  assert.equal(z.phone, '13099998888');
  assert.equal(z.occupation, '中学教师');
  assert.equal(await admin.total(), 25);
});

test('bad rows through the API: 422 invalid_rows, every error listed, nothing written', async () => {
  const total = await admin.total();
  const since = await lastAuditId();
  const res = await upload(admin, 'members', read('members-bad.csv'));
  const e = assertError(res, 422, 'invalid_rows', null);
  assert.ok(Array.isArray(e.rows), `rows: ${res.text}`);
  for (const item of e.rows) {
    assert.deepEqual(Object.keys(item).sort(), ['column', 'reason', 'row', 'value'], JSON.stringify(item));
    assert.equal(typeof item.row, 'number');
    assert.equal(typeof item.reason, 'string');
    assert.ok(item.reason.length > 0);
  }
  const rows = new Set(e.rows.map((x) => x.row));
  assert.deepEqual([...rows].sort((a, b) => a - b), BAD_ROWS.map((b) => b.row), `rows with errors: ${res.text}`);
  for (const b of BAD_ROWS) {
    const hit = e.rows.find((x) => x.row === b.row && x.column === b.column);
    assert.ok(hit, `row ${b.row} should have an error in ${b.column}: ${JSON.stringify(e.rows.filter((x) => x.row === b.row))}`);
  }
  const val = (row, col) => e.rows.find((x) => x.row === row && x.column === col).value;
  const badId = breakCheck(BAD_ROWS[0].m.id_number);
  assert.ok([badId, maskId(badId)].includes(val(3, '公民身份号码')), val(3, '公民身份号码'));
  assert.equal(val(4, '性别'), '女');
  assert.equal(val(5, '所在党组织编码'), 'QJ9999');
  assert.equal(val(7, '入党日期'), '2020-02-30');
  assert.equal(val(9, '所在党组织编码'), 'QJ02');
  assert.equal(await admin.total(), total, 'nothing written, not even the good rows');
  assert.equal(await lastAuditId(), since, 'no audit entry for a refused import');
  assert.equal(await byName(BAD_GOOD[0].name), undefined);
});

test('bad rows through the CLI: exit 1, FILE:ROW: COLUMN: VALUE: REASON for each, nothing written', async () => {
  const total = await admin.total();
  const file = fixture('members-bad.csv');
  const r = cli(['import', 'members', '--db', srv.db, file]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const lines = r.stderr.split('\n');
  for (const b of BAD_ROWS) {
    const prefix = `${file}:${b.row}: ${b.column}: `;
    assert.ok(lines.some((l) => l.startsWith(prefix)), `stderr lacks "${prefix}…":\n${r.stderr}`);
  }
  // The value may be shown quoted ('2020-02-30') so that an empty one shows.
  assert.ok(lines.some((l) => /: 入党日期: '?2020-02-30'?: \S/.test(l) && l.startsWith(`${file}:7: `)), r.stderr);
  assert.ok(!lines.some((l) => l.startsWith(`${file}:2: `) || l.startsWith(`${file}:10: `)), 'good rows have no errors');
  assert.equal(await admin.total(), total);
});

test('dry_run=1 checks only: counts reported, nothing written', async () => {
  const total = await admin.total();
  result(await upload(admin, 'members', read('members-english.csv'), '?dry_run=1'),
    { inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
  assert.equal(await admin.total(), total);
  assertError(await upload(admin, 'members', read('members-bad.csv'), '?dry_run=1'), 422, 'invalid_rows', null);
  assert.equal(await admin.total(), total);
});

test('English headers in another column order import the same', async () => {
  const total = await admin.total();
  result(await upload(admin, 'members', read('members-english.csv')), { inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
  assert.equal(await admin.total(), total + 2);
  for (const m of ENGLISH_MEMBERS) {
    const got = await byName(m.name);
    assert.equal(got.id_number, m.id_number);
    assert.equal(got.category, m.category);
    assert.equal(got.gender, m.gender);
    assert.equal(got.birth_date, m.birth_date, 'birth date filled from the ID number');
    assert.equal(got.full_on, m.full_on || null);
    assert.equal(got.org_code, 'QJ0202');
  }
  // UTF-16 LE with a BOM (Excel's "Unicode text"), same rows: unchanged.
  const u16 = Buffer.concat([Buffer.from([0xFF, 0xFE]), Buffer.from(read('members-english.csv').toString('utf8'), 'utf16le')]);
  result(await upload(admin, 'members', u16), { inserted: 0, updated: 0, unchanged: 2, rejected: 0, encoding: 'UTF-16LE' });
  // UTF-16 BE with a BOM, sent as application/octet-stream: any content type will do.
  const be = Buffer.from(u16);
  for (let i = 0; i + 1 < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1], be[i]];
  assert.deepEqual([...be.subarray(0, 2)], [0xFE, 0xFF]);
  const rb = await admin.req('POST', '/api/v1/import/members', { body: be, headers: { 'content-type': 'application/octet-stream' } });
  result(rb, { inserted: 0, updated: 0, unchanged: 2, rejected: 0, encoding: 'UTF-16BE' });
});

test('messy values: full-width digits, stray spaces, lowercase x, quotes and every date form', async () => {
  const r = result(await upload(admin, 'members', read('members-messy.csv')), { inserted: 4, updated: 0, unchanged: 0, rejected: 0 });
  assert.deepEqual(r.errors, []);
  for (const m of MESSY_MEMBERS) {
    const got = await byName(m.name, 'QJ0102');
    assert.ok(got, `${m.name} (trimmed) found`);
    assert.equal(got.id_number, m.id_number, 'ASCII digits, upper-case X');
    assert.equal(got.joined_on, '2020-01-05');
    assert.equal(got.full_on, '2021-02-01');
    assert.equal(got.birth_date, m.birth_date);
    assert.equal(got.category, '正式党员');
    assert.equal(got.org_code, 'QJ0102');
    assert.equal(got.phone, m.phone);
    assert.equal(got.occupation, m.occupation);
  }
  assert.ok(MESSY_MEMBERS[2].id_number.endsWith('X'));
  assert.equal((await byName('曹丽娟')).occupation, '他说"好",兼职会计');
  // The same file again: unchanged, though written differently than stored.
  result(await upload(admin, 'members', read('members-messy.csv')), { inserted: 0, updated: 0, unchanged: 4, rejected: 0 });
});

test('keep_good=1: good rows in, bad rows reported; the CLI writes the rejects file', async () => {
  const total = await admin.total();
  const r = result(await upload(admin, 'members', read('members-bad.csv'), '?keep_good=1'),
    { inserted: 2, updated: 0, unchanged: 0, rejected: BAD_ROWS.length });
  assert.deepEqual([...new Set(r.errors.map((x) => x.row))].sort((a, b) => a - b), BAD_ROWS.map((b) => b.row));
  for (const b of BAD_ROWS) assert.ok(r.errors.some((x) => x.row === b.row && x.column === b.column), `row ${b.row}`);
  assert.equal(await admin.total(), total + 2);
  for (const m of BAD_GOOD) assert.equal((await byName(m.name)).id_number, m.id_number);

  // CLI: the good rows are there already (unchanged); the bad go to the rejects file.
  const out = path.join(srv.dir, 'rejects.csv');
  const c = cli(['import', 'members', '--db', srv.db, fixture('members-bad.csv'), '--keep-good', '--rejects', out]);
  assert.ok(c.status === 0 || c.status === 1, c.stderr);
  assert.equal(await admin.total(), total + 2);
  const rej = parseCsv(fs.readFileSync(out, 'utf8'));
  const head = rej[0];
  for (const h of HEADERS) assert.ok(head.includes(h), `rejects header has ${h}: ${head}`);
  const rows = rej.slice(1).filter((x) => x.length > 1);
  assert.equal(rows.length, BAD_ROWS.length);
  const col = (h) => head.indexOf(h);
  assert.deepEqual(rows.map((x) => x[col('姓名')]), BAD_ROWS.map((b) => b.m.name));

  // Fix them in the rejects file and import it again: all go in.
  const fixedRows = rows.map((x) => {
    const o = Object.fromEntries(HEADERS.map((h) => [h, x[col(h)]]));
    const b = BAD_ROWS.find((y) => y.m.name === o['姓名']);
    o['公民身份号码'] = b.m.id_number;
    o['性别'] = b.m.gender;
    if (o['所在党组织编码'] !== 'QJ0201') o['所在党组织编码'] = 'QJ0201';
    if (b.row === 6) o['转正日期'] = '2006-07-01';
    if (b.row === 7) o['入党日期'] = '2020-02-28';
    if (b.row === 8) { o['入党日期'] = '2024-06-01'; o['转正日期'] = '2025-06-01'; }
    return HEADERS.map((h) => o[h]);
  });
  result(await upload(admin, 'members', Buffer.from(toCsv([HEADERS, ...fixedRows]))),
    { inserted: BAD_ROWS.length, updated: 0, unchanged: 0, rejected: 0 });
  assert.equal(await admin.total(), total + 2 + BAD_ROWS.length);
});

test('organizations: a child before its parent in the same file; dates in any form', async () => {
  const r = result(await upload(admin, 'orgs', read('orgs-extra.csv')), { inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
  assert.deepEqual(r.errors, []);
  const child = assertStatus(await admin.get('/api/v1/orgs/QJ020301'), 200);
  assert.equal(child.parent_code, 'QJ0203');
  assert.equal(child.established_on, '2024-05-01');
  assert.equal(child.term_started_on, '2024-05-01');
  assert.equal(child.domain, '新就业群体');
  const parent = assertStatus(await admin.get('/api/v1/orgs/QJ0203'), 200);
  assert.equal(parent.parent_code, 'QJ02');
  assert.equal(parent.established_on, '2024-04-01');
  assert.equal(parent.children_count, 1);
  result(await upload(admin, 'orgs', read('orgs-extra.csv')), { inserted: 0, updated: 0, unchanged: 2, rejected: 0 });
  // A bad org file: unknown parent, a branch as parent, bad kind; nothing written.
  const bad = toCsv([
    ['组织编码', '组织名称', '上级组织编码', '组织类别', '所属领域'],
    ['QJ0209', '好的', 'QJ02', '党支部', '农村'],
    ['QJ0210', '无上级', 'NOSUCH', '党支部', '农村'],
    ['QJ0211', '支部下', 'QJ0201', '党支部', '农村'],
    ['QJ0212', '怪类别', 'QJ02', '党小组', '农村'],
  ]);
  const e = assertError(await upload(admin, 'orgs', Buffer.from(bad)), 422, 'invalid_rows', null);
  assert.deepEqual([...new Set(e.rows.map((x) => x.row))].sort(), [3, 4, 5]);
  assert.ok(e.rows.some((x) => x.row === 3 && x.column === '上级组织编码'));
  assert.ok(e.rows.some((x) => x.row === 4 && x.column === '上级组织编码'));
  assert.ok(e.rows.some((x) => x.row === 5 && x.column === '组织类别'));
  assertError(await admin.get('/api/v1/orgs/QJ0209'), 404, 'not_found');
});

test('org_admin imports only inside its subtree', async () => {
  const total = await admin.total();
  // members.csv touches QJ02 too: refused as a whole, nothing written.
  const r = await upload(east, 'members', read('members.csv'));
  assert.ok(r.status === 422 || r.status === 404, `expected 422 or 404, got ${r.status} ${r.text.slice(0, 400)}`);
  assert.ok(r.json && r.json.error, r.text);
  if (r.status === 422) {
    const rows = new Set(r.json.error.rows.map((x) => x.row));
    MEMBERS.forEach((m, i) => {
      if (!m.org_code.startsWith('QJ01')) assert.ok(rows.has(i + 2), `row ${i + 2} (${m.org_code}) reported`);
    });
  }
  assert.equal(await admin.total(), total);
  // Its own members only: all unchanged.
  const own = MEMBERS.filter((m) => m.org_code.startsWith('QJ01'));
  result(await upload(east, 'members', Buffer.from(toCsv([HEADERS, ...own.map((m) => rowOf(m))]))),
    { inserted: 0, updated: 0, unchanged: own.length, rejected: 0 });
  // An org under QJ02 is outside.
  const o = toCsv([['组织编码', '组织名称', '上级组织编码', '组织类别', '所属领域'], ['QJ0213', '外面', 'QJ02', '党支部', '农村']]);
  const ro = await upload(east, 'orgs', Buffer.from(o));
  assert.ok(ro.status === 422 || ro.status === 404, `${ro.status} ${ro.text.slice(0, 400)}`);
  assertError(await admin.get('/api/v1/orgs/QJ0213'), 404, 'not_found');
  // Pulling a member of QJ02 into its own branch by ID number is refused; the member stays.
  const hu = MEMBERS.find((m) => m.org_code === 'QJ0201');
  const steal = toCsv([HEADERS, rowOf(hu, { org_code: 'QJ0101' })]);
  const rs = await upload(east, 'members', Buffer.from(steal));
  assert.ok(rs.status === 422 || rs.status === 404, `${rs.status} ${rs.text.slice(0, 400)}`);
  assert.equal((await byName(hu.name, 'QJ02')).org_code, 'QJ0201');
  const rk = await upload(east, 'members', Buffer.from(steal), '?keep_good=1');
  assert.ok(rk.status !== 200 || (rk.json.inserted === 0 && rk.json.updated === 0 && rk.json.rejected === 1), rk.text);
  assert.equal((await byName(hu.name, 'QJ02')).org_code, 'QJ0201');
  // Pulling an organization of QJ02 under its own is refused; it stays.
  const o2 = toCsv([['组织编码', '组织名称', '上级组织编码', '组织类别', '所属领域'], ['QJ0201', '西山村党支部', 'QJ01', '党支部', '农村']]);
  const r2 = await upload(east, 'orgs', Buffer.from(o2));
  assert.ok(r2.status === 422 || r2.status === 404, `${r2.status} ${r2.text.slice(0, 400)}`);
  assert.equal((await admin.get('/api/v1/orgs/QJ0201')).json.parent_code, 'QJ02');
  // Inside works.
  const i = toCsv([['组织编码', '组织名称', '上级组织编码', '组织类别', '所属领域'], ['QJ0104', '东湖镇社区党支部', 'QJ01', '党支部', '城市社区']]);
  result(await upload(east, 'orgs', Buffer.from(i)), { inserted: 1, updated: 0, unchanged: 0, rejected: 0 });
});

test('rows are numbered as in the file: an empty line still counts', async () => {
  const lines = read('members-bad.csv').toString('utf8').split('\n');
  // header, a good row, an empty line, the bad check digit row: spreadsheet row 4.
  const text = [lines[0], lines[1], '', lines[2]].join('\n') + '\n';
  const e = assertError(await upload(admin, 'members', Buffer.from(text)), 422, 'invalid_rows', null);
  assert.deepEqual(e.rows.map((x) => [x.row, x.column]), [[4, '公民身份号码']]);
});

test('an empty file or one without the required columns is refused', async () => {
  const total = await admin.total();
  const r1 = await upload(admin, 'members', Buffer.from('姓名,民族\n王五,汉族\n'));
  assert.ok(r1.status === 422 || r1.status === 400, `${r1.status} ${r1.text.slice(0, 300)}`);
  assert.ok(r1.json && r1.json.error && typeof r1.json.error.code === 'string');
  const r2 = await upload(admin, 'members', Buffer.alloc(0));
  assert.ok(r2.status === 422 || r2.status === 400, `${r2.status} ${r2.text.slice(0, 300)}`);
  assert.equal(await admin.total(), total);
});
