// fields.js: the fields of organizations and members as the API names them,
// and the allowed values; forms, detail pages and tables are built from these
// lists. Both come from the server's own tables (GET /api/v1/meta, meta.js):
// the field lists (order, type, required, length, options, which a member may
// change) and the enumerations. The UI adds only its wording where it speaks
// otherwise than the import files' column names the server labels fields
// with, and hints. The server judges every value again; these only shape the
// inputs.
import { loadMeta, enumValues, enumNames, formFields } from './meta.js';

await loadMeta();   // main.js has loaded it before the first screen; this is for any other importer

export const ORG_KINDS = enumValues('org_kind');
/** The kinds of organization that hold members (branches), and those that hold organizations. */
export const BRANCH_KINDS = enumValues('org_branch_kind');
export const PARENT_KINDS = enumValues('org_parent_kind');
export const ORG_DOMAINS = enumValues('org_domain');
export const ORG_FORMATIONS = enumValues('org_formation');

export const GENDERS = enumValues('gender');
export const EDUCATIONS = enumValues('education');
export const CATEGORIES = enumValues('category');
export const ETHNICITIES = enumValues('ethnicity');

/** Roster status names, and 全部 for the members list's filter (the API's status=all). */
export const STATUS_NAMES = { ...enumNames('member_status'), all: '全部' };

/**
 * Field: {name (API), label, type: text|code|date|enum|bool|money|idnum|phone|region|...
 * (the server's), required, max (characters), options (enum), contact (a member
 * may change it), pii; and the UI's own: hint, wide}.
 */
function uiFields(form, ui) {
  return formFields(form).map((f) => ({ ...f, ...(ui[f.name] || {}) }));
}

/** Where the member form says it otherwise than the import file's column, or adds a hint. */
const MEMBER_UI = {
  id_number: { hint: '18 位，最后一位可为 X；性别和出生日期可由它带出' },
  full_on: { hint: '预备党员不填' },
  org_code: { label: '所在党支部' },
  mobile: { label: '流动党员' },
  mobile_location: { hint: '流动党员现在所在的地方（流入地），如 江苏省苏州市' },
  monthly_income: { label: '月收入（元）' },
};
export const MEMBER_FIELDS = uiFields('member', MEMBER_UI);

/** The same for organizations (a region code is 6 digits: the server declares no length for it). */
const ORG_UI = {
  name: { wide: true },
  parent_code: { label: '上级组织' },
  region_code: { max: 6, hint: '6 位数字，如 341122' },
  ended_on: { hint: '组织撤销时填写' },
};
export const ORG_FIELDS = uiFields('org', ORG_UI);

/** A value as the detail pages show it. */
export function show(field, v) {
  if (v === null || v === undefined || v === '') return '—';
  if (field.type === 'bool') return v ? '是' : '否';
  if (field.type === 'money') return `${Number(v).toLocaleString('zh-CN')} 元`;
  return String(v);
}

/** Whole years from a 'YYYY-MM-DD' date to today (or to `on`). */
export function yearsSince(date, on = new Date()) {
  if (!date) return null;
  const [y, m, d] = date.split('-').map(Number);
  let n = on.getFullYear() - y;
  if (on.getMonth() + 1 < m || (on.getMonth() + 1 === m && on.getDate() < d)) n--;
  return n;
}

/** A server timestamp ('2026-06-30T08:00:00Z') in local time, 'YYYY-MM-DD HH:MM:SS'. */
export function when(at) {
  if (!at) return '—';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
