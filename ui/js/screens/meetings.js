// meetings.js: a branch's organizational life (组织生活): its meetings of a
// year, newest first, and (for those who may write) a form to record a
// meeting of a kind, with an optional remote check-in window; a new meeting
// opens on its own page, where attendance is marked.
import { h, fill, toast } from '../dom.js';
import { get, post } from '../api.js';
import { canWrite } from '../session.js';
import { orgFrame } from '../orgframe.js';
import { BRANCH_KINDS } from '../fields.js';
import { table, pager, errorBox, formAlert, onSubmit } from '../widgets.js';
import { MEETING_KINDS, MODES, today, localInput, utcOf } from '../life.js';

const enc = encodeURIComponent;
const PAGE = 20;

function field(label, input, { wide = false, name } = {}) {
  const id = `mt-${name}`;
  input.id = id;
  input.name = name;
  const err = h('div', { class: 'err', role: 'alert', hidden: true });
  return { box: h('div', { class: `field${wide ? ' wide' : ''}`, 'data-field': name }, h('label', { for: id }, label), input, err), input, err };
}

function meetingForm(code, ctx) {
  const now = new Date();
  const f = {
    kind: field('会议类别', h('select', null, MEETING_KINDS.filter(([k]) => k !== 'study_group').map(([k, n]) => h('option', { value: k }, n))), { name: 'kind' }),
    title: field('会议名称', h('input', { type: 'text', maxlength: 100, autocomplete: 'off' }), { name: 'title', wide: true }),
    held_on: field('召开日期', h('input', { type: 'date', value: today() }), { name: 'held_on' }),
    start_time: field('开始时间', h('input', { type: 'time', value: '09:00' }), { name: 'start_time' }),
    place: field('地点', h('input', { type: 'text', maxlength: 100, value: '党员活动室' }), { name: 'place' }),
    mode: field('形式', h('select', null, MODES.map(([k, n]) => h('option', { value: k }, n))), { name: 'mode' }),
    topics: field('议题', h('input', { type: 'text', maxlength: 500 }), { name: 'topics', wide: true }),
    checkin_opens_at: field('签到开始', h('input', { type: 'datetime-local', value: localInput(now) }), { name: 'checkin_opens_at' }),
    checkin_closes_at: field('签到截止', h('input', { type: 'datetime-local', value: localInput(new Date(now.getTime() + 3 * 3600e3)) }), { name: 'checkin_closes_at' }),
  };
  const remote = h('input', { type: 'checkbox', id: 'mt-remote' });
  const windowBox = h('div', { class: 'form', hidden: true }, f.checkin_opens_at.box, f.checkin_closes_at.box);
  remote.addEventListener('change', () => { windowBox.hidden = !remote.checked; });
  const msg = formAlert();
  const save = h('button', { class: 'btn primary', type: 'submit' }, '保存并登记出席');
  const form = h('form', { class: 'card', novalidate: true, 'data-testid': 'meeting-form' },
    h('h2', null, '记录一次会议'),
    h('div', { class: 'form' }, f.kind.box, f.title.box, f.held_on.box, f.start_time.box, f.place.box, f.mode.box, f.topics.box),
    h('div', { class: 'field check' }, remote, h('label', { for: 'mt-remote' }, '开放远程签到（党员在手机上签到记为线上出席）')),
    windowBox, msg, h('div', { class: 'row end' }, save));
  return onSubmit(form, async () => {
    const v = (k) => f[k].input.value.trim() || null;
    const body = { kind: v('kind'), title: v('title'), held_on: v('held_on'), start_time: v('start_time'), place: v('place'), mode: v('mode'), topics: v('topics') };
    if (!body.title) body.title = `${body.held_on || ''}${f.kind.input.selectedOptions[0].textContent}`;
    if (remote.checked) { body.checkin_opens_at = utcOf(v('checkin_opens_at')); body.checkin_closes_at = utcOf(v('checkin_closes_at')); }
    for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
    const m = await post(`/api/v1/orgs/${enc(code)}/meetings`, body);
    toast('会议已保存，请登记出席情况');
    ctx.navigate(`/meetings/${m.id}`);
  }, { places: f, alert: msg, button: save });
}

export default {
  title: '组织生活',
  async render(ctx) {
    const code = ctx.params.code;
    const { org: o, head } = await orgFrame(code);
    const year = Number(ctx.query.get('year')) || new Date().getFullYear();
    const page = Number(ctx.query.get('page')) || 0;
    const list = h('div', { 'data-testid': 'meetings' });
    const load = async (p) => {
      ctx.setQuery({ page: p || null });
      try {
        const r = await get(`/api/v1/orgs/${enc(code)}/meetings`, { year, limit: PAGE, offset: p * PAGE });
        if (ctx.stale()) return;
        fill(list, h('div', { class: 'card' }, table([
          { label: '日期', cell: (m) => h('a', { href: `/meetings/${m.id}` }, m.held_on), head: true },
          { label: '类别', cell: (m) => m.kind_name },
          { label: '会议名称', cell: (m) => h('a', { href: `/meetings/${m.id}` }, m.title) },
          { label: '所属组织', cell: (m) => m.org_name },
          { label: '应到/实到', cell: (m) => m.status === 'planned' ? '计划中' : `${m.expected_count} / ${m.expected_present}` },
          { label: '签到', cell: (m) => (m.checkin_opens_at ? '远程签到' : '—') },
        ], r.items, { empty: `${year} 年还没有会议记录`, testid: 'meeting-table' }), r.total > PAGE ? pager(p, PAGE, r.total, load) : null));
      } catch (e) { fill(list, errorBox(e)); }
    };
    load(page);
    const years = [];
    for (let y = new Date().getFullYear(); y >= new Date().getFullYear() - 4; y--) years.push(y);
    const yearSel = h('select', { 'aria-label': '年度', onchange: (e) => ctx.navigate(`/orgs/${enc(code)}/meetings?year=${e.target.value}`) },
      years.concat(years.includes(year) ? [] : [year]).map((y) => h('option', { value: y, selected: y === year }, `${y} 年`)));
    const isBranch = BRANCH_KINDS.includes(o.kind);
    return h('div', { 'data-testid': 'meetings-page' },
      head({ title: `${o.name} · 组织生活` }),
      h('div', { class: 'row actions' }, yearSel,
        h('a', { class: 'btn', href: `/obligations?org=${enc(code)}&year=${year}` }, '三会一课落实情况')),
      canWrite() && isBranch ? meetingForm(code, ctx) : null,
      h('section', null, h('h2', null, `${year} 年的会议`), list));
  },
};
