// The OpenAPI document: served publicly, the same as src/openapi.json, every
// route of `qiangji routes` in it and nothing more, and the live answers
// conform to its schemas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, assertStatus, cliOk, FIXTURES, MEMBERS } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
// The served document: src/openapi.json with every module's fragment in
// src/openapi/ merged in recursively, as the server does (json_object_update_recursive).
const mergeInto = (a, b) => {
  for (const [k, v] of Object.entries(b)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && a[k] && typeof a[k] === 'object' && !Array.isArray(a[k])) mergeInto(a[k], v);
    else a[k] = v;
  }
  return a;
};
const SRC_DIR = path.resolve(FIXTURES, '../../src');
const SRC = JSON.parse(fs.readFileSync(path.join(SRC_DIR, 'openapi.json'), 'utf8'));
if (fs.existsSync(path.join(SRC_DIR, 'openapi'))) {
  for (const f of fs.readdirSync(path.join(SRC_DIR, 'openapi')).filter((n) => n.endsWith('.json')).sort()) {
    mergeInto(SRC, JSON.parse(fs.readFileSync(path.join(SRC_DIR, 'openapi', f), 'utf8')));
  }
}
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

/** Follows a local $ref. */
function deref(doc, x) {
  while (x && x.$ref) {
    assert.match(x.$ref, /^#\//, `only local refs: ${x.$ref}`);
    x = x.$ref.slice(2).split('/').reduce((o, k) => (o ? o[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), doc);
    assert.ok(x, 'dangling $ref');
  }
  return x;
}

/** A small validator for the OpenAPI 3.0 schema subset the document uses. */
function validate(doc, schema, value, where = '$') {
  schema = deref(doc, schema);
  const errs = [];
  if (value === null) {
    if (!schema.nullable && schema.type !== undefined) errs.push(`${where}: null but not nullable`);
    return errs;
  }
  const t = schema.type;
  const actual = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (t && !(t === actual || (t === 'number' && actual === 'integer'))) return [`${where}: ${actual} but ${t}`];
  if (schema.enum && !schema.enum.includes(value)) errs.push(`${where}: ${JSON.stringify(value)} not in enum`);
  if (schema.pattern && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) errs.push(`${where}: ${value} !~ ${schema.pattern}`);
  if (schema.format === 'date' && typeof value === 'string' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) errs.push(`${where}: not a date ${value}`);
  if (typeof schema.minimum === 'number' && typeof value === 'number' && value < schema.minimum) errs.push(`${where}: below minimum`);
  if (typeof schema.maxLength === 'number' && typeof value === 'string' && [...value].length > schema.maxLength) errs.push(`${where}: too long`);
  if (t === 'object' || schema.properties) {
    for (const k of schema.required || []) if (!(k in value)) errs.push(`${where}: missing ${k}`);
    for (const [k, v] of Object.entries(value)) {
      if (schema.properties && schema.properties[k]) errs.push(...validate(doc, schema.properties[k], v, `${where}.${k}`));
      else if (schema.additionalProperties === false) errs.push(`${where}: unexpected ${k}`);
    }
  }
  if (t === 'array' && schema.items) value.forEach((v, i) => errs.push(...validate(doc, schema.items, v, `${where}[${i}]`)));
  return errs;
}

/** The schema of a response of an operation, by path template, method, status. */
function responseSchema(doc, tpl, method, status) {
  const op = doc.paths[tpl][method];
  assert.ok(op, `${method} ${tpl} in the document`);
  const r = deref(doc, op.responses[String(status)] || op.responses.default);
  assert.ok(r, `${method.toUpperCase()} ${tpl} documents ${status}`);
  return r.content['application/json'].schema;
}
async function conforms(res, tpl, method) {
  const schema = responseSchema(SRC, tpl, method, res.status);
  const errs = validate(SRC, schema, res.json);
  assert.deepEqual(errs, [], `${method.toUpperCase()} ${tpl} ${res.status}: ${res.text.slice(0, 300)}`);
}

test('GET /api/v1/openapi.json is public JSON and equals src/openapi.json', async () => {
  const r = await srv.request('GET', '/api/v1/openapi.json');
  assertStatus(r, 200);
  assert.match(r.headers.get('content-type') || '', /application\/json/);
  assert.deepEqual(r.json, SRC);
});

test('the document is OpenAPI 3.0.3 with the promised schemas, security scheme and refs that resolve', () => {
  assert.equal(SRC.openapi, '3.0.3');
  assert.ok(SRC.info && SRC.info.title && SRC.info.version);
  for (const s of ['Org', 'Member', 'Error', 'ImportResult', 'AuditEntry']) assert.ok(SRC.components.schemas[s], s);
  const sec = Object.values(SRC.components.securitySchemes);
  assert.ok(sec.some((s) => s.type === 'apiKey' && s.in === 'cookie' && s.name === 'qj_session'));
  const err = SRC.components.schemas.Error.properties.error;
  assert.deepEqual([...err.required].sort(), ['code', 'field', 'message']);
  // Every $ref resolves.
  const walk = (x) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') { if (x.$ref) deref(SRC, x); Object.values(x).forEach(walk); }
  };
  walk(SRC);
  // Schemas name the fields of the contract.
  const org = Object.keys(SRC.components.schemas.Org.properties);
  for (const f of ['code', 'name', 'parent_code', 'kind', 'domain', 'formation', 'established_on', 'ended_on', 'region_code',
    'term_started_on', 'updated_at', 'children_count', 'member_count']) assert.ok(org.includes(f), `Org.${f}`);
  const mem = Object.keys(SRC.components.schemas.Member.properties);
  for (const f of ['id', 'name', 'id_number', 'gender', 'birth_date', 'ethnicity', 'education', 'category', 'joined_on', 'full_on',
    'org_code', 'occupation', 'phone', 'mobile', 'mobile_location', 'monthly_income', 'org_name', 'updated_at']) assert.ok(mem.includes(f), `Member.${f}`);
});

test('every write operation takes the X-CSRF-Token header; path parameters are declared', () => {
  for (const [tpl, item] of Object.entries(SRC.paths)) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const params = [...(item.parameters || []), ...(op.parameters || [])].map((p) => deref(SRC, p));
      const csrf = params.find((p) => p.in === 'header' && p.name.toLowerCase() === 'x-csrf-token');
      const needs = m !== 'get' && !(m === 'post' && tpl === '/api/v1/session');
      assert.equal(Boolean(csrf && csrf.required), needs, `${m.toUpperCase()} ${tpl} X-CSRF-Token`);
      for (const [, name] of tpl.matchAll(/\{(\w+)\}/g)) {
        assert.ok(params.some((p) => p.in === 'path' && p.name === name && p.required), `${tpl} declares {${name}}`);
      }
      assert.ok(Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)), `${m} ${tpl} has a success answer`);
      const public_ = Array.isArray(op.security) && op.security.length === 0;
      if (!public_) assert.ok(op.responses['401'], `${m} ${tpl} documents 401`);
    }
  }
});

test('`qiangji routes` and the document list the same METHOD PATTERN pairs', () => {
  const out = cliOk(['routes']).stdout;
  const routes = new Set();
  for (const line of out.split('\n')) {
    const m = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\/\S*)/.exec(line.trim());
    if (m) routes.add(`${m[1]} ${m[2]}`);
  }
  assert.ok(routes.size >= 18, `routes printed: ${out}`);
  const documented = new Set();
  for (const [tpl, item] of Object.entries(SRC.paths)) {
    for (const m of METHODS) if (item[m]) documented.add(`${m.toUpperCase()} ${tpl}`);
  }
  const missing = [...routes].filter((r) => !documented.has(r));
  const extra = [...documented].filter((r) => !routes.has(r));
  assert.deepEqual(missing, [], 'routes the document lacks');
  assert.deepEqual(extra, [], 'documented routes the server lacks');
});

test('live answers conform to the schemas of the document', async () => {
  const login = await srv.request('POST', '/api/v1/session', { json: { login: 'viewer', password: 'wrong' } });
  await conforms(login, '/api/v1/session', 'post');
  await conforms(await admin.get('/api/v1/session'), '/api/v1/session', 'get');
  await conforms(await admin.get('/api/v1/orgs/QJ'), '/api/v1/orgs/{code}', 'get');
  await conforms(await admin.get('/api/v1/orgs/QJ0202'), '/api/v1/orgs/{code}', 'get');
  await conforms(await admin.get('/api/v1/orgs/NOSUCH'), '/api/v1/orgs/{code}', 'get');
  await conforms(await admin.get('/api/v1/orgs/QJ01/children'), '/api/v1/orgs/{code}/children', 'get');
  await conforms(await admin.get('/api/v1/orgs/QJ/members?limit=200'), '/api/v1/orgs/{code}/members', 'get');
  await conforms(await admin.get('/api/v1/orgs/QJ/members?limit=200&reveal=1'), '/api/v1/orgs/{code}/members', 'get');
  await conforms(await admin.get('/api/v1/orgs/QJ/members?limit=0'), '/api/v1/orgs/{code}/members', 'get');
  const list = (await admin.get('/api/v1/orgs/QJ/members?limit=1')).json;
  await conforms(await admin.get(`/api/v1/members/${list.items[0].id}`), '/api/v1/members/{id}', 'get');
  const created = await admin.post('/api/v1/members', { name: '文档', id_number: MEMBERS[0].id_number, category: '正式党员',
    joined_on: '2015-07-01', full_on: '2016-07-01', org_code: 'QJ0201' });
  await conforms(created, '/api/v1/members', 'post');   // 409
  const o = await admin.post('/api/v1/orgs', { code: 'QJ0206', name: '文档党支部', parent_code: 'QJ02', kind: '党支部', domain: '农村' });
  await conforms(o, '/api/v1/orgs', 'post');
  await conforms(await admin.patch('/api/v1/orgs/QJ0206', { established_on: '2020/1/5' }), '/api/v1/orgs/{code}', 'patch');
  const imp = await admin.upload('/api/v1/import/members', fs.readFileSync(path.join(FIXTURES, 'members-gbk.csv')));
  await conforms(imp, '/api/v1/import/members', 'post');
  const bad = await admin.upload('/api/v1/import/members', fs.readFileSync(path.join(FIXTURES, 'members-bad.csv')));
  await conforms(bad, '/api/v1/import/members', 'post');
  await conforms(await admin.get('/api/v1/audit?limit=50'), '/api/v1/audit', 'get');
});
