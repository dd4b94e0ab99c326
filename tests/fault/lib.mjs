// lib.mjs: what the fault tests share. They build on tests/api/lib.mjs (the
// real CLI and server, the fixture tree and people) but keep their own
// directories: a server here is killed with SIGKILL and started again on the
// same database, which the api helpers (that remove the directory when a
// server stops) do not allow.
//
// Each test writes its figures to build/fault/NAME.json (FAULT_OUT changes
// the directory); tests/fault/report.mjs prints them as one table.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli, cliOk, sqlite, addUser, fixture, Server, Client, USERS, makeId, checkChar } from '../api/lib.mjs';

export { cli, cliOk, sqlite, fixture, Server, Client, makeId, checkChar };
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const OUT = path.resolve(process.env.FAULT_OUT || path.join(ROOT, 'build/fault'));

/** An environment variable as a whole number, or dflt. */
export function envInt(name, dflt) {
  const v = process.env[name];
  return v && /^\d+$/.test(v) ? Number(v) : dflt;
}

/** A new directory under $TMPDIR; the caller removes it (rmDir). */
export function tmpDir(tag) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `qiangji-fault-${tag}-`));
}
export function rmDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A database with the fixture tree and people and the fixture users, at db. */
export function buildDb(db, { members = true, users = USERS } = {}) {
  cliOk(['init', '--db', db]);
  cliOk(['import', 'orgs', '--db', db, fixture('orgs.csv')]);
  if (members) cliOk(['import', 'members', '--db', db, fixture('members.csv')]);
  for (const [login, u] of Object.entries(users)) addUser(db, login, u);
}

/** Starts `qiangji serve` on db; resolves with the Server once it listens. */
export async function launch(dir, db, env) {
  const srv = new Server(dir, db, { QIANGJI_QUIET: '1', ...(env || {}) });
  await srv.start();
  return srv;
}

/** SIGKILL: no shutdown, no checkpoint, nothing flushed by the server. */
export async function kill9(srv) {
  srv.stopped = true;   // the Server's own stop() would remove the directory
  const p = srv.proc;
  if (p.exitCode !== null || p.signalCode !== null) throw new Error(`server had already died (${p.exitCode} ${p.signalCode})\n${srv.stderr}`);
  const gone = new Promise((r) => p.once('exit', r));
  p.kill('SIGKILL');
  await gone;
}

/** SIGTERM and wait; fails on a sanitizer report or a server that had died. */
export async function stopClean(srv) {
  srv.stopped = true;
  const p = srv.proc;
  const died = p.exitCode !== null || p.signalCode !== null;
  if (!died) {
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(t);
  }
  assert.ok(!died, `server died on its own (${p.exitCode} ${p.signalCode})\n${srv.stderr}`);
  assert.doesNotMatch(srv.stderr, /ERROR: AddressSanitizer|runtime error:|LeakSanitizer/, 'sanitizer report from the server');
}

/** A signed-in client. */
export async function as(srv, login) {
  return new Client(srv, await srv.login(login));
}

/** PRAGMA integrity_check's answer ("ok" when sound). */
export function integrity(db) {
  return sqlite(db, 'PRAGMA integrity_check').trim();
}
/** `qiangji audit verify`: {ok, out}. */
export function chain(db) {
  const r = cli(['audit', 'verify', '--db', db]);
  return { ok: r.status === 0 && /^ok: \d+ entries, chain intact/.test(r.stdout), out: (r.stdout + r.stderr).trim() };
}
/** Row counts of tables, as an object. */
export function counts(db, tables) {
  const sql = tables.map((t) => `SELECT '${t}', count(*) FROM ${t};`).join('');
  const o = {};
  for (const line of sqlite(db, sql).trim().split('\n')) {
    const [t, n] = line.split('|');
    o[t] = Number(n);
  }
  return o;
}

/** A valid ID number for person number i (unique for i < 480 * 20000). */
export function personId(i, gender = i % 2 ? '男' : '女') {
  const day = new Date(Date.UTC(1960, 0, 1) + Math.floor(i / 480) * 86400000).toISOString().slice(0, 10);
  return { id_number: makeId('341122', day, gender, i % 480), birth_date: day, gender };
}

const SURNAME = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂';
/** A Chinese name for person number i. */
export function personName(i) {
  return SURNAME[i % SURNAME.length] + GIVEN[Math.floor(i / SURNAME.length) % GIVEN.length] +
    GIVEN[Math.floor(i / (SURNAME.length * GIVEN.length)) % GIVEN.length];
}

/** Records a test's figures for the table of tests/fault/report.mjs. */
export function record(name, figures) {
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, `${name}.json`), JSON.stringify({ name, at: new Date().toISOString(), ...figures }, null, 1));
  console.log(`# ${name}: ${JSON.stringify(figures)}`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
