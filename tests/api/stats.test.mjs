// Statistics: GET /orgs/{code}/stats (the server's in-memory index) equals
// `qiangji report stats` (plain SQL GROUP BY) for every organization, before
// and after hundreds of random writes through the API (members created,
// changed, moved between branches, deleted; organizations created, moved,
// changed), and after another process imports members while the server runs.
// The annual tables as JSON, CSV and xlsx; scope and roles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, assertError, assertStatus, cli, cliOk, makeId, toCsv, HEADERS, MEMBERS, TODAY } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const west = await srv.as('west');        // org_admin of QJ02
const viewer = await srv.as('viewer');

let seed = 12345;
const rnd = (n) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
};
const pick = (a) => a[rnd(a.length)];

/** Codes of every organization, by the API. */
async function orgCodes() {
  const out = [];
  const walk = async (code) => {
    out.push(code);
    const r = assertStatus(await admin.get(`/api/v1/orgs/${code}/children`), 200);
    for (const c of r.items) await walk(c.code);
  };
  await walk('QJ');
  return out;
}

/** The statistics by SQL (the CLI), as JSON. */
function sqlStats(code) {
  return JSON.parse(cliOk(['report', 'stats', '--db', srv.db, '--org', code, '--format', 'json']).stdout);
}

async function compareAll(when) {
  const codes = await orgCodes();
  for (const code of codes) {
    const api = assertStatus(await admin.get(`/api/v1/orgs/${code}/stats`), 200);
    assert.deepEqual(api, sqlStats(code), `${when}: ${code}`);
  }
  return codes.length;
}

test('the answer: every breakdown listed, sums equal the totals, as of today', async () => {
  const s = assertStatus(await admin.get('/api/v1/orgs/QJ/stats'), 200);
  assert.equal(s.as_of, TODAY);
  assert.deepEqual(s.org, { code: 'QJ', name: '强基县委' });
  assert.equal(s.orgs.total, 9);
  assert.equal(s.orgs.by_kind['党委'], 3);
  assert.equal(s.orgs.by_kind['联合党支部'], 1);
  assert.equal(s.orgs.by_formation['未填'], 4);
  assert.ok(s.members.total > 10);
  for (const [k, o] of Object.entries(s.orgs)) if (k !== 'total') assert.equal(Object.values(o).reduce((a, b) => a + b, 0), s.orgs.total, k);
  for (const [k, o] of Object.entries(s.members)) if (k !== 'total') assert.equal(Object.values(o).reduce((a, b) => a + b, 0), s.members.total, k);
  assert.equal(Object.keys(s.members.by_ethnicity).length, 57);
  assert.equal(Object.keys(s.members.by_age).length, 9);
  // No committee has a secretary yet, no meeting or course is recorded: zeros, no made-up averages.
  assert.deepEqual(s.secretaries, { available: true, count: 0, average_age: null, high_school_or_above_share: null });
  assert.equal(s.modules.meetings.year, 2026);
  assert.equal(s.modules.meetings.total, 0);
  assert.deepEqual(s.modules.training, { year: 2026, courses: 0, hours: 0, person_times: 0 });
  // The total is the members list's (active members).
  assert.equal(s.members.total, await admin.total('QJ'));
  // A branch (a leaf of the tree) answers from its own members.
  const b = assertStatus(await admin.get('/api/v1/orgs/QJ0101/stats'), 200);
  assert.equal(b.orgs.total, 1);
  assert.equal(b.members.total, await admin.total('QJ0101'));
});

/** Full years from an ISO birth date to TODAY. */
const ageOn = (birth) => Number(TODAY.slice(0, 4)) - Number(birth.slice(0, 4)) - (TODAY.slice(5) < birth.slice(5) ? 1 : 0);

test('other modules\' figures (meetings, secretaries, training) follow each write at once and equal SQL', async () => {
  const stats = async (code) => assertStatus(await admin.get(`/api/v1/orgs/${code}/stats`), 200);
  const before = { QJ: await stats('QJ'), QJ01: await stats('QJ01'), QJ0101: await stats('QJ0101'), QJ02: await stats('QJ02') };
  // A lecture held this year and one last year in branch QJ0101.
  assertStatus(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2026-03-10' }), 201);
  assertStatus(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2025-12-10' }), 201);
  for (const code of ['QJ', 'QJ01', 'QJ0101']) {
    const s = await stats(code);
    assert.equal(s.modules.meetings.lecture, before[code].modules.meetings.lecture + 1, code);
    assert.equal(s.modules.meetings.total, before[code].modules.meetings.total + 1, code);
  }
  assert.deepEqual((await stats('QJ02')).modules, before.QJ02.modules);   // another subtree: unchanged
  // A secretary for QJ0101: counted with their age and education.
  const items = assertStatus(await admin.get('/api/v1/orgs/QJ0101/members?limit=100'), 200).items;
  const sec = items.find((m) => m.category === '正式党员');
  assertStatus(await admin.req('PUT', '/api/v1/orgs/QJ0101/committee', { json: { members: [{ member_id: sec.id, post: '书记' }] } }), 200);
  const full = assertStatus(await admin.get(`/api/v1/members/${sec.id}`), 200);
  const hs = ['研究生', '大学本科', '大学专科', '中等专科', '高中'].includes(full.education) ? 1 : 0;
  for (const code of ['QJ', 'QJ01', 'QJ0101'])
    assert.deepEqual((await stats(code)).secretaries, { available: true, count: 1, average_age: ageOn(full.birth_date),
      high_school_or_above_share: hs }, code);
  assert.equal((await stats('QJ02')).secretaries.count, 0);
  // The secretary leaves the roster: no longer counted.
  assertStatus(await admin.post(`/api/v1/members/${sec.id}/status`, { status: 'suspended', on: '2026-06-01', reason: '测试' }), 200);
  assert.equal((await stats('QJ')).secretaries.count, 0);
  // Restored (停止党籍 lifted): counted again.
  assertStatus(await admin.post(`/api/v1/members/${sec.id}/status`, { status: 'active', on: '2026-06-20', reason: '恢复党籍' }), 200);
  assert.equal((await stats('QJ')).secretaries.count, 1);
  // A course of QJ01 this year with two attendees.
  const two = items.slice(0, 2).map((m) => ({ member_id: m.id }));
  assertStatus(await admin.post('/api/v1/orgs/QJ01/courses', { title: '冬训', category: '冬训春训', started_on: '2026-01-05',
    ended_on: '2026-01-09', hours: 5, attendees: two }), 201);
  for (const code of ['QJ', 'QJ01']) {
    const t = (await stats(code)).modules.training;
    assert.deepEqual(t, { year: 2026, courses: before[code].modules.training.courses + 1,
      hours: before[code].modules.training.hours + 5, person_times: before[code].modules.training.person_times + 2 }, code);
  }
  assert.equal((await stats('QJ0101')).modules.training.courses, before.QJ0101.modules.training.courses);
  await compareAll('after other modules\' writes');
});

test('index equals SQL for every organization at start', async () => {
  const n = await compareAll('at start');
  assert.equal(n, 9);
});

test('index equals SQL after hundreds of random writes through the API', async () => {
  const EDU = ['研究生', '大学本科', '大学专科', '中等专科', '高中', '初中及以下', null];
  const ETH = ['汉族', '回族', '满族', null];
  const OCC = ['工人', '农牧渔民', '学生', '离退休人员', '教师', null];
  let nNew = 0, nOrg = 0, nWrites = 0;
  const branches = async () => {
    const out = [];
    for (const c of await orgCodes()) {
      const o = (await admin.get(`/api/v1/orgs/${c}`)).json;
      if (/支部$/.test(o.kind)) out.push(c);
    }
    return out;
  };
  const committees = async () => {
    const out = [];
    for (const c of await orgCodes()) {
      const o = (await admin.get(`/api/v1/orgs/${c}`)).json;
      if (o.kind === '党委' || o.kind === '党总支') out.push(c);
    }
    return out;
  };
  let br = await branches(), cm = await committees();
  // Members with a login (张三丰 of the fixture) stay: a deleted member's login is disabled.
  const keep = new Set((await admin.allMembers('QJ', true)).filter((m) => m.id_number === MEMBERS[0].id_number).map((m) => m.id));
  assert.equal(keep.size, 1);
  const ids = async () => (await admin.allMembers('QJ')).map((m) => m.id).filter((id) => !keep.has(id));
  let memberIds = await ids();
  const ROUNDS = 6, PER = 70;
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < PER; i++) {
      const k = rnd(100);
      let r;
      if (k < 35 || memberIds.length < 5) {
        nNew++;
        const y = 1940 + rnd(60), female = rnd(3) === 0;   // born before July: 18 by July 1st
        const birth = `${y}-0${1 + rnd(6)}-1${rnd(9)}`;
        const joined = `${Math.min(y + 18 + rnd(30), 2024)}-07-01`;
        const full = rnd(6) ? `${Number(joined.slice(0, 4)) + 1}-07-02` : null;
        r = await admin.post('/api/v1/members', {
          name: '随机党员' + nNew, id_number: makeId('340104', birth, female ? '女' : '男', 200 + nNew),
          category: full ? '正式党员' : '预备党员', joined_on: joined, full_on: full, org_code: pick(br),
          education: pick(EDU), ethnicity: pick(ETH), occupation: pick(OCC), mobile: rnd(4) === 0,
        });
        assert.ok(r.status === 201 || r.status === 409, `create: ${r.status} ${r.text}`);
        if (r.status === 201) memberIds.push(r.json.id);
      } else if (k < 65) {
        const id = pick(memberIds);
        const change = rnd(4) === 0 ? { org_code: pick(br) } : rnd(2) ? { education: pick(EDU), occupation: pick(OCC) }
          : { ethnicity: pick(ETH), mobile: rnd(2) === 0 };
        r = await admin.patch(`/api/v1/members/${id}`, change);
        assert.equal(r.status, 200, `patch: ${r.text}`);
      } else if (k < 75) {
        const id = pick(memberIds);
        r = await admin.del(`/api/v1/members/${id}`);
        assert.equal(r.status, 200, `delete: ${r.text}`);
        memberIds = memberIds.filter((x) => x !== id);
      } else if (k < 85) {
        nOrg++;
        const bBranch = rnd(3) !== 0;
        r = await admin.post('/api/v1/orgs', {
          code: `R${String(nOrg).padStart(3, '0')}`, name: `随机组织${nOrg}`, parent_code: pick(cm),
          kind: bBranch ? pick(['党支部', '联合党支部']) : '党总支', domain: pick(['农村', '机关', '学校']),
        });
        assert.equal(r.status, 201, `org: ${r.text}`);
        if (bBranch) br.push(r.json.code); else cm.push(r.json.code);
      } else if (k < 93) {
        // A move: a branch or a general branch under another committee (refusals are fine).
        const code = pick([...br, ...cm.filter((c) => c !== 'QJ')]);
        r = await admin.patch(`/api/v1/orgs/${code}`, { parent_code: pick(cm) });
        assert.ok(r.status === 200 || r.status === 400, `move: ${r.status} ${r.text}`);
      } else {
        const code = pick(br);
        r = await admin.patch(`/api/v1/orgs/${code}`, { domain: pick(['农村', '城市社区', '学校', '其他']), formation: pick(['单独组建', '挂靠组建', null]) });
        assert.equal(r.status, 200, `org change: ${r.text}`);
      }
      nWrites++;
    }
    br = await branches();
    cm = await committees();
    await compareAll(`after round ${round + 1}`);
  }
  assert.equal(nWrites, ROUNDS * PER);
});

test('a write shows at once: the cached answer never outlives a change', async () => {
  const before = assertStatus(await admin.get('/api/v1/orgs/QJ02/stats'), 200);
  const again = assertStatus(await admin.get('/api/v1/orgs/QJ02/stats'), 200);
  assert.deepEqual(again, before);
  const r = await admin.post('/api/v1/members', { name: '缓存', id_number: makeId('340104', '1995-03-03', '女', 977),
    category: '预备党员', joined_on: '2026-01-05', org_code: 'QJ0201', education: '研究生' });
  assertStatus(r, 201);
  const after = assertStatus(await admin.get('/api/v1/orgs/QJ02/stats'), 200);
  assert.equal(after.members.total, before.members.total + 1);
  assert.equal(after.members.by_education['研究生'], before.members.by_education['研究生'] + 1);
  assert.equal(after.members.by_category['预备党员'], before.members.by_category['预备党员'] + 1);
  assert.equal(after.members.by_standing['预备党员'], before.members.by_standing['预备党员'] + 1);
  assert.equal(after.members.by_age['31至35岁'], before.members.by_age['31至35岁'] + 1);
});

test('another process imports members while the server runs: the next answer has them', async () => {
  const before = assertStatus(await admin.get('/api/v1/orgs/QJ/stats'), 200);
  const rows = [HEADERS];
  for (let i = 0; i < 25; i++) {
    const birth = `198${i % 10}-05-1${i % 9}`;
    rows.push(['外部导入' + i, makeId('340104', birth, '男', 600 + i), '', '', '回族', '高中', '正式党员', '2010-07-01',
      '2011-07-01', 'QJ0202', '工人', '', '否', '', '']);
  }
  const file = path.join(srv.dir, 'outside.csv');
  fs.writeFileSync(file, '\uFEFF' + toCsv(rows));
  cliOk(['import', 'members', '--db', srv.db, file]);
  const after = assertStatus(await admin.get('/api/v1/orgs/QJ/stats'), 200);
  assert.equal(after.members.total, before.members.total + 25);
  assert.equal(after.members.by_ethnicity['回族'], before.members.by_ethnicity['回族'] + 25);
  assert.deepEqual(after, sqlStats('QJ'));
  // And an update by another process (one audited change of a member).
  const before2 = assertStatus(await admin.get('/api/v1/orgs/QJ0202/stats'), 200);
  const rows2 = [HEADERS, rows[1].map((c, j) => (j === 5 ? '研究生' : c))];
  fs.writeFileSync(file, '\uFEFF' + toCsv(rows2));
  cliOk(['import', 'members', '--db', srv.db, file]);
  const after2 = assertStatus(await admin.get('/api/v1/orgs/QJ0202/stats'), 200);
  assert.equal(after2.members.by_education['研究生'], before2.members.by_education['研究生'] + 1);
  assert.equal(after2.members.by_education['高中'], before2.members.by_education['高中'] - 1);
  assert.deepEqual(after2, sqlStats('QJ0202'));
  await compareAll('after the outside import');
});

test('scope and roles: outside the subtree 404, a member 403, unknown parameters 400', async () => {
  assertStatus(await west.get('/api/v1/orgs/QJ02/stats'), 200);
  assertError(await west.get('/api/v1/orgs/QJ01/stats'), 404, 'not_found', 'code');
  assertError(await west.get('/api/v1/orgs/QJ/stats'), 404, 'not_found', 'code');
  assertError(await admin.get('/api/v1/orgs/NOSUCH/stats'), 404, 'not_found', 'code');
  assertStatus(await viewer.get('/api/v1/orgs/QJ/stats'), 200);
  const zsf = await srv.as('zsf');
  assertError(await zsf.get('/api/v1/orgs/QJ0101/stats'), 403, 'forbidden');
  assertError(await srv.request('GET', '/api/v1/orgs/QJ/stats'), 401, 'unauthorized');
  assertError(await admin.get('/api/v1/orgs/QJ/stats?x=1'), 400, 'unknown_parameter');
  assertError(await west.get('/api/v1/orgs/QJ01/stats/annual?year=2026'), 404, 'not_found', 'code');
  assertError(await admin.get('/api/v1/orgs/QJ/stats/annual?year=2027'), 400, 'invalid', 'year');
  assertError(await admin.get('/api/v1/orgs/QJ/stats/annual?year=1900'), 400, 'invalid', 'year');
  assertError(await admin.get('/api/v1/orgs/QJ/stats/annual?format=pdf'), 400, 'invalid', 'format');
});

test('annual tables: seven tables, totals agree with the statistics, changes of the year', async () => {
  const a = assertStatus(await admin.get('/api/v1/orgs/QJ/stats/annual?year=2026'), 200);
  assert.equal(a.year, 2026);
  assert.equal(a.tables.length, 7);
  const s = assertStatus(await admin.get('/api/v1/orgs/QJ/stats'), 200);
  const [sex, eth, age, edu, occ, orgs, changes] = a.tables;
  const row = (t, label) => t.rows.find((r) => r[0] === label);
  assert.deepEqual(sex.columns, ['项目', '人数', '占比（%）']);
  assert.equal(row(sex, '合计')[1], s.members.total);
  assert.equal(row(sex, '女')[1], s.members.by_sex['女']);
  assert.equal(row(eth, '汉族')[1], s.members.by_ethnicity['汉族']);
  assert.equal(row(eth, '少数民族')[1], s.members.total - s.members.by_ethnicity['汉族'] - s.members.by_ethnicity['未填']);
  assert.equal(row(eth, '其中：回族')[1], s.members.by_ethnicity['回族']);
  for (const [label, n] of Object.entries(s.members.by_age)) assert.equal(row(age, label)[1], n, label);
  assert.equal(row(edu, '其中：大专及以上')[1], s.members.by_education['研究生'] + s.members.by_education['大学本科'] + s.members.by_education['大学专科']);
  assert.equal(row(occ, '合计')[1], s.members.total);
  const total = row(orgs, '合计');
  assert.equal(total[total.length - 1], s.orgs.total);
  assert.equal(total[orgs.columns.indexOf('党委')], s.orgs.by_kind['党委']);
  // Admitted in 2026: the members whose joined_on is in 2026 (any status).
  const all = await admin.allMembers('QJ');
  const n2026 = all.filter((m) => m.joined_on.startsWith('2026')).length;
  assert.ok(n2026 >= 1);
  assert.equal(row(changes, '发展党员')[1], n2026);
  assert.equal(row(changes, '年末党员数')[1], s.members.total);
  // The whole province has no transfers in or out of itself.
  assert.equal(row(changes, '转入')[1], 0);
  assert.equal(row(changes, '转出')[1], 0);
  // An earlier year: the roster of those who had joined by its end.
  const a2020 = assertStatus(await admin.get('/api/v1/orgs/QJ/stats/annual?year=2020'), 200);
  const n2020 = all.filter((m) => m.joined_on <= '2020-12-31').length;
  assert.equal(row(a2020.tables[0], '合计')[1], n2020);
});

test('transfers: a member moved between two committees is out of one, into the other, neither for their parent', async () => {
  for (const [code, parent, kind] of [['TX1', 'QJ', '党委'], ['TX2', 'QJ', '党委'], ['TX101', 'TX1', '党支部'], ['TX201', 'TX2', '党支部']]) {
    assertStatus(await admin.post('/api/v1/orgs', { code, name: code, parent_code: parent, kind, domain: '机关' }), 201);
  }
  const m = assertStatus(await admin.post('/api/v1/members', { name: '转接', id_number: makeId('340104', '1990-02-02', '男', 955),
    category: '正式党员', joined_on: '2015-07-01', full_on: '2016-07-01', org_code: 'TX101' }), 201);
  const changes = async (code) => Object.fromEntries(
    assertStatus(await admin.get(`/api/v1/orgs/${code}/stats/annual?year=2026`), 200).tables[6].rows.map((r) => [r[0], r[1]]));
  const qj = await changes('QJ');
  assertStatus(await admin.patch(`/api/v1/members/${m.id}`, { org_code: 'TX201' }), 200);
  const [t1, t2, qj2] = [await changes('TX1'), await changes('TX2'), await changes('QJ')];
  assert.equal(t1['转出'], 1);
  assert.equal(t1['转入'], 0);
  assert.equal(t2['转入'], 1);
  assert.equal(t2['转出'], 0);
  assert.equal(qj2['转入'], qj['转入']);
  assert.equal(qj2['转出'], qj['转出']);
  assert.equal(t1['发展党员'], 0);   // admitted in 2015
  // The index follows the move as well.
  assert.equal(assertStatus(await admin.get('/api/v1/orgs/TX1/stats'), 200).members.total, 0);
  assert.equal(assertStatus(await admin.get('/api/v1/orgs/TX2/stats'), 200).members.total, 1);
});

test('annual tables as xlsx and CSV, by the API and the CLI', async () => {
  const x = await admin.get('/api/v1/orgs/QJ/stats/annual?year=2026&format=xlsx');
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  assert.equal(x.buf.subarray(0, 2).toString('latin1'), 'PK');
  assert.match(x.headers.get('content-disposition'), /attachment/);
  const c = await admin.get('/api/v1/orgs/QJ/stats/annual?year=2026&format=csv');
  assert.equal(c.status, 200);
  assert.match(c.headers.get('content-type'), /text\/csv/);
  assert.equal(c.buf.subarray(0, 3).toString('hex'), 'efbbbf');
  for (let i = 1; i <= 7; i++) assert.ok(c.text.includes(`表${i} `), `表${i} in the CSV`);
  const out = path.join(srv.dir, 'annual.xlsx');
  cliOk(['report', 'annual', '--db', srv.db, '--org', 'QJ', '--year', '2026', '--out', out]);
  const bytes = fs.readFileSync(out);
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK');
  // One sheet per table.
  const sheets = bytes.toString('latin1').match(/xl\/worksheets\/sheet\d+\.xml/g) || [];
  assert.equal(new Set(sheets).size, 7);
  const csvOut = path.join(srv.dir, 'annual.csv');
  cliOk(['report', 'annual', '--db', srv.db, '--org', 'QJ01', '--year', '2025', '--format', 'csv', '--out', csvOut]);
  assert.match(fs.readFileSync(csvOut, 'utf8'), /表7 党员数量变化/);
  const bad = cli(['report', 'annual', '--db', srv.db, '--org', 'QJ', '--year', '20x6', '--out', out]);
  assert.equal(bad.status, 2);
  assert.equal(cli(['report', 'annual', '--db', srv.db, '--org', 'NOPE', '--year', '2026', '--out', out]).status, 1);
  // Stats by the CLI as CSV and xlsx; the index path agrees with SQL.
  const sc = cliOk(['report', 'stats', '--db', srv.db, '--org', 'QJ', '--format', 'csv']).stdout;
  assert.match(sc, /党员,合计,\d+/);
  // The other modules' figures, as in the JSON answer.
  const js = sqlStats('QJ');
  assert.ok(js.modules.meetings.total > 0 && js.modules.training.person_times > 0);
  assert.match(sc, new RegExp(`本年召开的会议,合计,${js.modules.meetings.total}\\r?\\n`));
  assert.match(sc, new RegExp(`党组织书记,人数,${js.secretaries.count}\\r?\\n`));
  assert.match(sc, new RegExp(`本年开班的培训,参训人次,${js.modules.training.person_times}\\r?\\n`));
  const sx = path.join(srv.dir, 'stats.xlsx');
  cliOk(['report', 'stats', '--db', srv.db, '--org', 'QJ', '--format', 'xlsx', '--out', sx]);
  assert.equal(fs.readFileSync(sx).subarray(0, 2).toString('latin1'), 'PK');
  const viaIndex = JSON.parse(cliOk(['report', 'stats', '--db', srv.db, '--org', 'QJ', '--via', 'index']).stdout);
  assert.deepEqual(viaIndex, sqlStats('QJ'));
  assert.equal(cli(['report', 'stats', '--db', srv.db, '--org', 'QJ', '--format', 'xlsx']).status, 2);
});
