// applicant.js: one person in the development pipeline: who, where, which
// stage, every step recorded with its date, who and any warnings (customary
// rules the step broke are recorded with a warning; absolute ones refuse it),
// and for writers a form to record the next step: the steps are grouped by
// stage in the order of the national procedure (its numbers shown), those
// the server does not allow today (next_steps) are greyed out, the step most
// likely next is chosen, the form shows only the fields that step takes, and
// the server's message (a rule named, a date too early, an introducer who is
// not a full member) appears beside the field it concerns.
import { h, toast } from '../dom.js';
import { get, post } from '../api.js';
import { canWrite } from '../session.js';
import { orgTrail } from '../orgframe.js';
import { kv, table, fieldForm, formAlert, onSubmit } from '../widgets.js';
import { STEP_KINDS, STEP_NAME, STEP_EXTRA, STAGE_NAME, nextStep, compact, serverToday } from '../lifecycle.js';

const enc = encodeURIComponent;

/** The choices of 环节: one group a stage, each step with its number; those not allowed now disabled. */
function kindOptions(p) {
  const allowed = new Set(p.next_steps || []);
  const stages = [...new Set(STEP_KINDS.map(([, , stage]) => stage))];
  return stages.map((stage) => ({
    group: STAGE_NAME[stage] || stage,
    options: STEP_KINDS.filter(([, , st]) => st === stage).map(([k, n, , no]) => [k, no ? `${no}. ${n}` : n, !allowed.has(k)]),
  }));
}

/** What the 天数 field means for each step that takes it. */
const DAYS_HINT = { publicity: '公示天数（工作日），一般不少于 5 个', conversion_publicity: '公示天数（工作日），一般不少于 5 个',
  short_training: '不少于 3 天，或不少于 24 学时' };
const EXTRA = ['contacts', 'hours', 'days', 'months', 'introducer1', 'introducer2', 'group_id'];

const STEP_FIELDS = [
  { name: 'kind', label: '环节', type: 'enum', required: true, options: [], wide: true },
  { name: 'on', label: '日期', type: 'date', required: true },
  { name: 'by', label: '经办人或机构', type: 'text', max: 50 },
  { name: 'contacts', label: '培养联系人', type: 'text', max: 100, hint: '一至两名正式党员，用顿号或逗号分开' },
  { name: 'hours', label: '学时', type: 'number' },
  { name: 'days', label: '天数', type: 'number' },
  { name: 'months', label: '延长月数', type: 'number', hint: '6 至 12 个月' },
  { name: 'introducer1', label: '入党介绍人一', type: 'id', max: 18, hint: '党员编号，输入姓名可选择' },
  { name: 'introducer2', label: '入党介绍人二', type: 'id', max: 18, hint: '党员编号，输入姓名可选择' },
  { name: 'group_id', label: '党小组', type: 'id', max: 18, hint: '党小组编号，可不填；点击可选择' },
  { name: 'documents', label: '材料（编号或存放位置）', type: 'text', max: 500, wide: true },
  { name: 'note', label: '说明', type: 'text', max: 200, wide: true },
];

function stepForm(p, today, ctx) {
  const members = async (typed) => (await get(`/api/v1/orgs/${enc(p.org_code)}/members`, { q: typed, limit: 10 })).items
    .filter((m) => m.category === '正式党员').map((m) => ({ value: String(m.id), label: `${m.name}（${m.org_name}）` }));
  const groups = async (typed) => (await get(`/api/v1/orgs/${enc(p.org_code)}/groups`)).items
    .filter((g) => !typed || g.name.includes(typed) || String(g.id) === typed).map((g) => ({ value: String(g.id), label: g.name }));
  const fields = STEP_FIELDS.map((x) => (x.name === 'kind' ? { ...x, options: kindOptions(p) } : x));
  const f = fieldForm(fields, { kind: nextStep(p), on: today },
    { suggest: { introducer1: members, introducer2: members, group_id: groups } });
  const daysHint = f.el.querySelector('[data-field=days]').appendChild(h('div', { class: 'hint' }));
  const show = () => {
    const kind = f.inputs.kind.value;
    const extra = STEP_EXTRA[kind] || [];
    for (const name of EXTRA) f.el.querySelector(`[data-field=${name}]`).hidden = !extra.includes(name);
    daysHint.textContent = DAYS_HINT[kind] || '';
  };
  f.inputs.kind.addEventListener('change', show);
  show();
  const msg = formAlert();
  const save = h('button', { class: 'btn primary', type: 'submit' }, '记录此环节');
  const form = h('form', { class: 'card', novalidate: true, 'data-testid': 'step-form' }, h('h2', null, '记录发展环节'), f.el, msg,
    h('div', { class: 'row end' }, save));
  return onSubmit(form, async () => {
    const extra = STEP_EXTRA[f.inputs.kind.value] || [];
    const v = f.values();
    for (const name of EXTRA) if (!extra.includes(name)) delete v[name];
    const r = await post(`/api/v1/applicants/${p.id}/steps`, compact(v));
    toast(r.warnings && r.warnings.length ? `已记录，但有 ${r.warnings.length} 条提醒` : `已记录：${STEP_NAME[r.kind] || r.kind}`);
    ctx.navigate(`/applicants/${p.id}`, { replace: true });
  }, { places: f.places, alert: msg, button: save });
}

export default {
  title: '发展党员',
  async render(ctx) {
    const p = await get(`/api/v1/applicants/${enc(ctx.params.id)}`);
    document.title = `${p.name} · 发展党员 · 强基`;
    const [trail, today] = await Promise.all([orgTrail(p.org_code, p.name), serverToday(p.org_code)]);
    const warned = p.steps.filter((s) => s.warnings && s.warnings.length);
    const open = canWrite() && (p.next_steps || []).length > 0;
    return h('div', { 'data-testid': 'applicant-page', 'data-id': p.id, 'data-stage': p.stage },
      trail,
      h('p', { class: 'muted small' }, h('a', { href: `/development?org=${enc(p.org_code)}` }, `${p.org_name} · 发展党员`)),
      h('h1', null, p.name, h('span', { class: 'tag', 'data-testid': 'stage' }, STAGE_NAME[p.stage] || p.stage)),
      h('p', { class: 'muted' }, [p.gender, p.birth_date ? `${p.birth_date} 出生` : null, p.occupation, `${p.applied_on} 递交入党申请书`].filter(Boolean).join(' · ')),
      p.member_id ? h('p', null, h('a', { class: 'btn', href: `/members/${p.member_id}` }, '查看党员档案')) : null,
      warned.length ? h('div', { class: 'alert', 'data-testid': 'warnings' }, h('strong', null, '提醒：'),
        h('ul', { class: 'changes' }, warned.flatMap((s) => s.warnings.map((w) => h('li', null, `${STEP_NAME[s.kind] || s.kind}：${w.message}`))))) : null,
      h('div', { class: 'split' },
        h('section', null, h('h2', null, '发展环节'), table([
          { label: '日期', cell: (s) => s.on, head: true },
          { label: '环节', cell: (s) => h('span', { 'data-kind': s.kind }, STEP_NAME[s.kind] || s.kind, s.warnings && s.warnings.length ? h('span', { class: 'tag amber' }, '有提醒') : null) },
          { label: '经办', cell: (s) => s.by || s.contacts || '—' },
          { label: '说明', cell: (s) => [s.hours != null ? `${s.hours} 学时 ` : '', s.days != null ? `${s.days} 天 ` : '', s.months != null ? `${s.months} 个月 ` : '',
            s.introducer1 ? h('a', { href: `/members/${s.introducer1}` }, `介绍人 ${s.introducer1}`) : '', s.introducer2 ? [' ', h('a', { href: `/members/${s.introducer2}` }, `介绍人 ${s.introducer2}`)] : '',
            s.group_name ? ` ${s.group_name}` : '',
            s.documents ? ` 材料：${s.documents}` : '', s.note ? ` ${s.note}` : ''] },
          { label: '登记', cell: (s) => `${s.recorded_by}` },
        ], p.steps, { testid: 'steps' })),
        h('section', null, h('h2', null, '基本情况'), h('div', { class: 'card' }, kv([], {}, [
          ['公民身份号码', p.id_number], ['联系电话', p.phone || '—'], ['所在党支部', h('a', { href: `/orgs/${enc(p.org_code)}` }, p.org_name)],
          ['当前阶段', STAGE_NAME[p.stage] || p.stage]])))),
      open ? stepForm(p, today, ctx) : p.stage === 'full' && !(p.next_steps || []).length ? h('p', { class: 'alert ok' }, '已转为正式党员，发展程序已完成。') : null);
  },
};
