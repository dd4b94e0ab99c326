// lifecycle.js: what the member-lifecycle screens (发展党员, 组织关系转接,
// 党费, the lifecycle parts of a member's page) share: the server's "today"
// (tests and the server may fix a day other than the browser's), the names of
// stages, steps, dues categories and payment channels as the API spells them,
// and money.
import { get } from './api.js';

const enc = encodeURIComponent;

// The organization a screen is about and the links to the same screen below it belong to the frame.
export { orgOf, childLinks } from './orgframe.js';

let todayOf = null;
/** The server's today ('YYYY-MM-DD'), asked once through an organization the user may see. */
export function serverToday(code) {
  if (!todayOf) {
    todayOf = get(`/api/v1/orgs/${enc(code)}/lifecycle/monthly`, { months: 1 }).then((r) => r.today);
    todayOf.catch(() => { todayOf = null; });
  }
  return todayOf;
}

/** 'YYYY-MM-DD' plus n days. */
export function addDays(iso, n) {
  const d = new Date(iso + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** 'YYYY-MM' plus n months. */
export function addMonths(ym, n) {
  const [y, m] = ym.split('-').map(Number);
  const t = y * 12 + (m - 1) + n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
}

/** Months from a to b ('YYYY-MM'), both included; 0 when b is before a. */
export function monthsBetween(a, b) {
  const n = (s) => { const [y, m] = s.split('-').map(Number); return y * 12 + m; };
  return Math.max(0, n(b) - n(a) + 1);
}

export const STAGES = [['applicant', '入党申请人'], ['activist', '入党积极分子'], ['candidate', '发展对象'], ['probationary', '预备党员']];
export const STAGE_NAME = Object.fromEntries(STAGES.concat([['full', '正式党员']]));

/** The steps of the pipeline (POST /applicants/{id}/steps kind), in order, with the fields each takes. */
export const STEP_KINDS = [
  ['talk', '派人谈话', 'applicant'],
  ['designation', '确定为入党积极分子', 'applicant'],
  ['contacts', '确定培养联系人', 'activist'],
  ['training', '培养教育', 'activist'],
  ['candidate', '确定为发展对象', 'activist'],
  ['political_review', '政治审查', 'candidate'],
  ['short_training', '短期集中培训', 'candidate'],
  ['committee_review', '支委会审查', 'candidate'],
  ['pre_approval', '上级党委预审', 'candidate'],
  ['vote', '支部大会讨论（接收为预备党员）', 'candidate'],
  ['approval', '上级党委审批', 'probationary'],
  ['probation', '预备期考察', 'probationary'],
  ['extension', '延长预备期', 'probationary'],
  ['conversion', '转为正式党员', 'probationary'],
];
export const STEP_NAME = Object.fromEntries(STEP_KINDS.map(([k, n]) => [k, n]).concat([['application', '递交入党申请书']]));
/** Fields beyond kind, on, by, documents and note that a step takes. */
export const STEP_EXTRA = {
  contacts: ['contacts'], training: ['hours'], short_training: ['days', 'hours'], extension: ['months'],
  vote: ['introducer1', 'introducer2'],
};
/** Steps that may be recorded more than once. */
const REPEATABLE = ['training', 'probation', 'contacts'];

/** The step a person at their stage is most likely to need next. */
export function nextStep(p) {
  const done = new Set((p.steps || []).map((s) => s.kind));
  const mine = STEP_KINDS.filter(([k, , stage]) => stage === p.stage);
  const order = {
    applicant: ['talk', 'designation'],
    activist: ['contacts', 'candidate'],
    candidate: ['political_review', 'short_training', 'committee_review', 'pre_approval', 'vote'],
    probationary: ['approval', 'conversion'],
  }[p.stage] || [];
  return order.find((k) => !done.has(k)) || (mine.find(([k]) => REPEATABLE.includes(k)) || [])[0] || null;
}

export const DUES_CATEGORY = [['salaried', '在职'], ['retiree', '离退休'], ['farmer', '农民'], ['student', '学生'],
  ['unemployed', '无固定收入'], ['relief', '生活困难'], ['exempt', '免交']];
export const DUES_CATEGORY_NAME = Object.fromEntries(DUES_CATEGORY);
export const CHANNELS = [['cash', '现金'], ['bank', '银行转账'], ['wechat', '微信'], ['alipay', '支付宝'], ['payroll', '工资代扣'], ['other', '其他']];
export const CHANNEL_NAME = Object.fromEntries(CHANNELS);

/** Money in yuan with two decimals ('—' for none). */
export const yuan = (n) => (n === null || n === undefined ? '—' : `${Number(n).toFixed(2)} 元`);

/** A JSON body without the fields left empty. */
export function compact(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined && v !== ''));
}
