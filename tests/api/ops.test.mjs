// ops.test.mjs: issue 12 items 3 and 4 through the real binary: `qiangji
// backup` while the server writes, `qiangji restore` (into a new path; refused
// onto a database a server holds; refused for a damaged backup, with nothing
// replaced), the config file and its precedence, and the manual page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, Server, cli, cliOk, sqlite, BIN, ENV } from './lib.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qiangji-ops-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const sha = (f) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const run = (args, env = {}) => new Promise((resolve) => {
  const p = spawn(BIN, args, { env: { ...ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  p.stdout.on('data', (d) => { stdout += d; });
  p.stderr.on('data', (d) => { stderr += d; });
  p.on('exit', (status) => resolve({ status, stdout, stderr }));
});

const srv = await startServer({ members: true });
const admin = await srv.as('admin');

// The database is padded to some 64 MiB (a table of its own) so that the copy
// takes long enough for writes to land while it runs.
sqlite(srv.db, 'CREATE TABLE pad(x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<16000)'
  + ' INSERT INTO pad SELECT randomblob(4000) FROM n;');

const backup = path.join(tmp, 'nightly.db');
let backupLine = '';
let ackedBefore = [];
const attempted = [];

test('backup while four clients write through the API: a consistent snapshot with its audit head', async () => {
  const acked = [];   // {code, at}
  let stop = false;
  const writer = async (w) => {
    for (let i = 0; !stop; i++) {
      const code = `BK${w}${String(i).padStart(4, '0')}`;
      attempted.push(code);
      const r = await admin.post('/api/v1/orgs', { code, name: `备份测试支部${w}-${i}`, parent_code: 'QJ01',
        kind: '党支部', domain: '机关' });
      assert.equal(r.status, 201, r.text);
      acked.push({ code, at: performance.now() });
    }
  };
  const writers = [0, 1, 2, 3].map(writer);
  while (acked.length < 20) await new Promise((r) => setTimeout(r, 10));
  const t0 = performance.now();
  ackedBefore = acked.map((a) => a.code);
  const b = await run(['backup', '--db', srv.db, '--out', backup]);
  const t1 = performance.now();
  await new Promise((r) => setTimeout(r, 100));
  stop = true;
  await Promise.all(writers);
  assert.equal(b.status, 0, b.stderr);
  const during = acked.filter((a) => a.at > t0 && a.at < t1).length;
  assert.ok(during >= 1, `no write was acknowledged while the backup ran (${(t1 - t0).toFixed(0)} ms): the test proves nothing`);
  assert.ok(acked.length > ackedBefore.length + during, 'writes went on after the backup');
  backupLine = b.stdout;
  assert.match(b.stdout, /^已备份 .* → .*nightly\.db：组织 \d+ 个，党员 \d+ 名，审计 \d+ 条，审计链头 #\d+ [0-9a-f]{64}，备份时刻 /);
  assert.equal(fs.existsSync(backup + '-wal'), false, 'the backup is one file');
  assert.deepEqual(fs.readdirSync(tmp), ['nightly.db'], 'no temporary file is left beside it');

  // Consistent: the copy's organizations and its audit entries of their
  // creation are the same set, every write acknowledged before the copy began
  // is in it, and the head recorded in it is its last entry, as printed.
  const inCopy = sqlite(backup, "SELECT code FROM org WHERE code LIKE 'BK%' ORDER BY code").trim().split('\n');
  const audited = sqlite(backup, "SELECT entity_key FROM audit WHERE action='create' AND entity='org'"
    + " AND entity_key LIKE 'BK%' ORDER BY entity_key").trim().split('\n');
  assert.deepEqual(inCopy, audited);
  for (const c of ackedBefore) assert.ok(inCopy.includes(c), `${c} was acknowledged before the backup began`);
  assert.ok(inCopy.length < attempted.length, 'the copy is of a moment, not of the end');
  const meta = Object.fromEntries(sqlite(backup, "SELECT key, value FROM qj_meta WHERE key LIKE 'backup_%'")
    .trim().split('\n').map((l) => l.split('|')));
  const head = sqlite(backup, 'SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1').trim().split('|');
  assert.equal(meta.backup_audit_seq, head[0]);
  assert.equal(meta.backup_audit_hash, head[1]);
  assert.equal(meta.backup_of, fs.realpathSync(srv.db));
  assert.match(meta.backup_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(b.stdout.includes(`审计链头 #${head[0]} ${head[1]}`));
  // The live database went on: its chain is longer than the copy's.
  assert.ok(Number(sqlite(srv.db, 'SELECT max(id) FROM audit').trim()) > Number(head[0]));
  assert.equal(cli(['backup', '--db', srv.db, '--out', backup]).status, 1, 'an existing file is never overwritten');
});

test('restore into a new path: counts, integrity and the audit chain of the restored copy', async () => {
  const target = path.join(tmp, 'restored', 'qj.db');
  fs.mkdirSync(path.dirname(target));
  const r = cliOk(['restore', '--from', backup, '--db', target]);
  assert.equal(sha(target), sha(backup), 'the restored file is the backup, byte for byte');
  const nOrg = sqlite(backup, 'SELECT count(*) FROM org').trim();
  const nMember = sqlite(backup, 'SELECT count(*) FROM member').trim();
  const nAudit = sqlite(backup, 'SELECT count(*) FROM audit').trim();
  assert.ok(r.stdout.includes(`组织 ${nOrg} 个，党员 ${nMember} 名，审计 ${nAudit} 条（链完整）`), r.stdout);
  assert.match(r.stdout, /备份于 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ（源 .*qj\.db）/);
  assert.match(r.stdout, /此前没有数据库/);
  assert.equal(sqlite(target, 'PRAGMA integrity_check').trim(), 'ok');
  assert.equal(sqlite(target, 'SELECT count(*) FROM org').trim(), nOrg);
  assert.equal(sqlite(target, 'SELECT count(*) FROM member').trim(), nMember);
  assert.match(cliOk(['audit', 'verify', '--db', target]).stdout, new RegExp(`ok: ${nAudit} entries, chain intact`));
  assert.deepEqual(fs.readdirSync(path.dirname(target)).filter((f) => !/-(wal|shm)$/.test(f)), ['qj.db']);

  // A server on the restored copy takes a write and is killed: the write is in
  // its -wal only. Restoring again onto it keeps the replaced database whole,
  // with that -wal beside it.
  const s3 = new Server(path.dirname(target), target);
  await s3.start();
  const a3 = await s3.as('admin');
  assert.equal((await a3.post('/api/v1/orgs', { code: 'KEEP1', name: '留存测试支部', parent_code: 'QJ01', kind: '党支部',
    domain: '机关' })).status, 201);
  const gone = new Promise((r) => s3.proc.once('exit', r));
  s3.proc.kill('SIGKILL');
  await gone;
  s3.stopped = true;
  assert.ok(fs.statSync(target + '-wal').size > 0, 'the killed server left its -wal');
  const r2 = cliOk(['restore', '--from', backup, '--db', target], { env: { QIANGJI_NOW: '2026-06-30T04:05:06Z' } });
  assert.match(r2.stdout, /原数据库保留为 .*qj\.db\.before-restore-20260630T040506Z/);
  const files = () => fs.readdirSync(path.dirname(target)).filter((f) => !/-shm$/.test(f)).sort();
  assert.deepEqual(files(), ['qj.db', 'qj.db.before-restore-20260630T040506Z', 'qj.db.before-restore-20260630T040506Z-wal'],
    'the replaced database is kept with its -wal');
  assert.equal(sqlite(path.dirname(target) + '/qj.db.before-restore-20260630T040506Z', "SELECT count(*) FROM org WHERE code='KEEP1'")
    .trim(), '1', 'the kept database has the write of its -wal');
  assert.equal(sqlite(target, "SELECT count(*) FROM org WHERE code='KEEP1'").trim(), '0', 'the restored one is the backup');
  assert.match(cliOk(['audit', 'verify', '--db', path.dirname(target) + '/qj.db.before-restore-20260630T040506Z']).stdout,
    /chain intact/);
  cliOk(['restore', '--from', backup, '--db', target, '--force-discard']);
  assert.deepEqual(files().filter((f) => !/before-restore-20260630T040506Z/.test(f)), ['qj.db'],
    '--force-discard keeps nothing more');
});

test('restore onto the database a running server holds is refused, and nothing changes', async () => {
  const before = fs.readdirSync(srv.dir).sort();
  const r = cli(['restore', '--from', backup, '--db', srv.db]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /正被另一个进程打开（qiangji serve 在运行？）.*未做任何改动/);
  assert.deepEqual(fs.readdirSync(srv.dir).sort(), before);
  const after = await admin.get('/api/v1/orgs/QJ01');
  assert.equal(after.status, 200);
  assert.equal(sqlite(srv.db, "SELECT count(*) FROM org WHERE code LIKE 'BK%'").trim(), String(attempted.length));
});

/** A restore of a damaged copy of the backup onto a database that exists: refused, the target untouched. */
function refused(name, damage, want) {
  const dir = fs.mkdtempSync(path.join(tmp, 'bad-'));
  const bad = path.join(dir, name);
  fs.copyFileSync(backup, bad);
  damage(bad);
  const target = path.join(dir, 'live.db');
  fs.copyFileSync(backup, target);
  const hash = sha(target);
  const r = cli(['restore', '--from', bad, '--db', target]);
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stderr, want);
  assert.match(r.stderr, /未做任何改动/);
  assert.equal(sha(target), hash, 'the database is as it was');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['live.db', name].sort(), 'no temporary or kept file');
}

test('a corrupt backup is refused and nothing is replaced', () => {
  // The organization table's root page overwritten whole, its header too: noise written only into
  // the middle of the page could land in its unused space, which no check can see (CI once did).
  refused('corrupt.db', (f) => {
    const fd = fs.openSync(f, 'r+');
    const pageSize = Number(sqlite(f, 'PRAGMA page_size').trim());
    const root = Number(sqlite(f, "SELECT rootpage FROM sqlite_schema WHERE name='org'").trim());
    assert.ok(root > 1, 'the org table has a root page of its own');
    fs.writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (root - 1) * pageSize);  // 0x5a: no page type
    fs.closeSync(fd);
  }, /未通过完整性检查|不是 Qiangji|malformed|not a database/);
  // A file that is not a database at all.
  refused('junk.db', (f) => fs.writeFileSync(f, crypto.randomBytes(65536)), /not a database|无法|不是/);
});

test('a backup whose audit log was changed or cut short is refused', () => {
  const unguarded = (f, sql) => {   // the append-only triggers dropped, as a forger would
    const triggers = sqlite(f, "SELECT name FROM sqlite_schema WHERE type='trigger' AND tbl_name='audit'").trim().split('\n');
    assert.ok(triggers[0], 'the audit table has its triggers');
    sqlite(f, triggers.map((t) => `DROP TRIGGER "${t}";`).join(' ') + sql);
  };
  refused('edited.db', (f) => unguarded(f, " UPDATE audit SET actor='someone-else' WHERE id=2"), /审计链在第 2 条断开/);
  refused('cut.db', (f) => unguarded(f, ' DELETE FROM audit WHERE id=(SELECT max(id) FROM audit)'),
    /审计链头 #\d+ [0-9a-f]{64} 与备份时记录的 #\d+ [0-9a-f]{64} 不符/);
});

// ---- the config file --------------------------------------------------------

test('config file: --config before or after the verb, errors name file and line, precedence', () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'conf-'));
  const conf = path.join(dir, 'qiangji.conf');
  fs.writeFileSync(conf, `# test\ndb = ${dir}/from-file.db\nlog_level = info\n`);
  // The file's db serves every verb given no --db.
  cliOk(['--config', conf, 'init']);
  assert.ok(fs.existsSync(path.join(dir, 'from-file.db')));
  // The environment is above the file; the command line above both.
  cliOk(['init', `--config=${conf}`], { env: { QIANGJI_DB: `${dir}/from-env.db` } });
  assert.ok(fs.existsSync(path.join(dir, 'from-env.db')));
  cliOk(['init', '--db', `${dir}/from-cli.db`, '--config', conf], { env: { QIANGJI_DB: `${dir}/from-env2.db` } });
  assert.ok(fs.existsSync(path.join(dir, 'from-cli.db')));
  assert.equal(fs.existsSync(path.join(dir, 'from-env2.db')), false);
  // $QIANGJI_CONFIG names the file when --config does not.
  cliOk(['audit', 'verify'], { env: { QIANGJI_CONFIG: conf } });

  // Bad files: exit 2, a message naming the file and the line, nothing done.
  fs.writeFileSync(conf, `db = ${dir}/bad.db\n\nlisten 127.0.0.1:80\n`);
  let r = cli(['init', '--config', conf]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, new RegExp(`${conf.replace(/[.]/g, '\\.')} 第 3 行：应为 “键 = 值” 的形式`));
  fs.writeFileSync(conf, `db = ${dir}/bad.db\nsesion_hours = 3\n`);
  r = cli(['init', '--config', conf]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /第 2 行：未知的设置 “sesion_hours”（可用的设置：listen, db, /);
  assert.equal(fs.existsSync(path.join(dir, 'bad.db')), false);
  r = cli(['init', '--config', path.join(dir, 'missing.conf'), '--db', `${dir}/bad.db`]);
  assert.equal(r.status, 2, 'an explicit --config that is missing is an error');
  assert.match(r.stderr, /无法读取配置文件 .*missing\.conf：文件不存在/);
  assert.equal(fs.existsSync(path.join(dir, 'bad.db')), false);
  r = cli(['init', '--db', `${dir}/bad.db`], { env: { QIANGJI_THREADS: 'lots' } });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /环境变量 QIANGJI_THREADS：threads 应为 0 到 1024 的整数/);
});

test('config file: the session lifetime and the body limit reach the server', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'srvconf-'));
  const conf = path.join(dir, 'qiangji.conf');
  fs.writeFileSync(conf, 'session_hours = 2\nbody_limit = 4K\n');
  const s2 = await startServer({ members: false, users: { admin: { role: 'admin', org: 'QJ' } },
    env: { QIANGJI_CONFIG: conf } });
  const a = await s2.login('admin');
  assert.match(a.setCookie, /Max-Age=7200(;|$)/);
  const expires = Number(sqlite(s2.db, 'SELECT max(expires_at) - strftime(\'%s\',\'now\') FROM session').trim());
  assert.ok(expires > 7100 && expires <= 7200, `session expires in ${expires} s`);
  const big = await s2.request('POST', '/api/v1/orgs', { session: a, json: { code: 'X1', name: 'x'.repeat(5000),
    parent_code: 'QJ01', kind: '党支部', domain: '机关' } });
  assert.equal(big.status, 413, big.text);
  const small = await s2.request('POST', '/api/v1/orgs', { session: a, json: { code: 'X2', name: '小支部',
    parent_code: 'QJ01', kind: '党支部', domain: '机关' } });
  assert.equal(small.status, 201, small.text);
});

// ---- the manual page --------------------------------------------------------

test('qiangji help --man: every verb with its options, the config keys, the environment; groff reads it', () => {
  const man = cliOk(['help', '--man']).stdout;
  // `--help` lists "  NAME[ SUB]" padded to 18 characters, then the help.
  const verbs = cliOk(['--help']).stdout.split('\n').filter((l) => /^  \S/.test(l)).map((l) => l.slice(2))
    .map((s) => (s[18] === ' ' ? s.slice(0, 18) : s.slice(0, s.indexOf(' ', 18))).trim());
  assert.ok(verbs.length > 20 && verbs.includes('backup') && verbs.includes('restore') && verbs.includes('report stats'));
  for (const v of verbs) {
    assert.ok(man.includes(`.B qiangji ${v.replace(/-/g, '\\-')}`), `the man page lacks ${v}`);
    const opts = cliOk([...v.split(' '), '--help']).stdout.split('\n').filter((l) => /^  --/.test(l))
      .map((l) => l.trim().split(/\s/)[0].slice(2));
    for (const o of opts) assert.ok(man.includes(`.B \\-\\-${o.replace(/-/g, '\\-')}\n`), `${v}: --${o} missing`);
  }
  for (const k of ['listen', 'db', 'ui_dir', 'log_level', 'session_hours', 'upload_limit', 'body_limit',
    'trusted_proxy', 'hsts', 'tz', 'threads']) {
    assert.ok(man.includes(`.B ${k.replace(/-/g, '\\-')}\n`), `config key ${k}`);
    assert.ok(man.includes(`.B QIANGJI_${k.toUpperCase()}\n`), `variable QIANGJI_${k.toUpperCase()}`);
  }
  const g = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z'], { input: man, encoding: 'utf8' });
  assert.equal(g.status, 0);
  assert.equal(g.stderr, '', 'groff warns');
});

// ---- the nightly backup's script ----------------------------------------------

test('dist/qiangji-backup.sh: one new backup, those older than KEEP_DAYS removed, others kept', () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'rot-'));
  const old = path.join(dir, 'qiangji-20200101T023000Z.db');
  const recent = path.join(dir, 'qiangji-20200110T023000Z.db');
  const other = path.join(dir, 'notes.txt');
  for (const f of [old, recent, other]) fs.writeFileSync(f, 'x');
  const now = Date.now() / 1000;
  fs.utimesSync(old, now - 15 * 86400, now - 15 * 86400);
  fs.utimesSync(recent, now - 3 * 86400, now - 3 * 86400);
  fs.utimesSync(other, now - 99 * 86400, now - 99 * 86400);
  const script = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../dist/qiangji-backup.sh');
  const r = spawnSync('sh', [script], { encoding: 'utf8',
    env: { ...ENV, BACKUP_DIR: dir, KEEP_DAYS: '14', QIANGJI: BIN, QIANGJI_DB: srv.db } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^已备份 .*审计链头 #\d+ [0-9a-f]{64}/);
  assert.match(r.stdout, /已删除过期备份 .*qiangji-20200101T023000Z\.db/);
  const left = fs.readdirSync(dir).sort();
  assert.equal(left.length, 3, left.join(' '));
  assert.ok(left.includes('notes.txt') && left.includes('qiangji-20200110T023000Z.db'));
  const made = left.find((f) => /^qiangji-\d{8}T\d{6}Z\.db$/.test(f) && f !== 'qiangji-20200110T023000Z.db');
  assert.equal(sqlite(path.join(dir, made), 'PRAGMA integrity_check').trim(), 'ok');
  const bad = spawnSync('sh', [script], { encoding: 'utf8', env: { ...ENV, BACKUP_DIR: dir, KEEP_DAYS: 'x', QIANGJI: BIN } });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /KEEP_DAYS 应为正整数/);
});
