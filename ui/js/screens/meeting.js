// meeting.js: one meeting: what, when, where, how many came (and for a
// committee meeting whether it was quorate), and its attendance: every
// expected member with a choice of 出席 / 线上出席 / 请假 (with the reason) /
// 缺席, saved together; a remote check-in shows as 线上出席 with its time.
// Its details name the host and the recorder and show the minutes as written;
// a writer changes them (and the rest but the kind) in the same form that records a meeting.
import { h, toast } from '../dom.js';
import { get, request } from '../api.js';
import { canWrite } from '../session.js';
import { kv, stat, table, formAlert, onSubmit } from '../widgets.js';
import { STATES, MODES, showTime } from '../life.js';
import { meetingForm } from './meetings.js';

const enc = encodeURIComponent;
const MODE_NAME = Object.fromEntries(MODES);

export default {
  title: '会议',
  async render(ctx) {
    const m = await get(`/api/v1/meetings/${enc(ctx.params.id)}`);
    // Host and recorder by name: from the attendance list, else their own record.
    const names = new Map((m.attendance || []).map((a) => [a.member_id, a.name]));
    const who = async (id) => (id === null || id === undefined ? '—'
      : names.get(id) || (await get(`/api/v1/members/${enc(id)}`).then((x) => x.name, () => `党员 ${id}`)));
    const [host, recorder] = await Promise.all([who(m.host_id), who(m.recorder_id)]);
    document.title = `${m.title} · 强基`;
    const w = canWrite() && m.status !== 'planned';
    const rows = new Map();
    const pick = (a) => {
      const sel = h('select', { 'aria-label': `${a.name}的出席情况`, disabled: !w, dataset: { member: a.member_id } },
        h('option', { value: '' }, '未登记'), STATES.map(([k, n]) => h('option', { value: k, selected: a.state === k }, n)));
      const reason = h('input', { type: 'text', maxlength: 200, placeholder: '请假事由', 'aria-label': `${a.name}的请假事由`, value: a.reason || '', hidden: a.state !== 'leave', disabled: !w });
      sel.addEventListener('change', () => { reason.hidden = sel.value !== 'leave'; if (!reason.hidden) reason.focus(); });
      rows.set(a.member_id, { sel, reason, a });
      return h('div', { class: 'att' }, sel, reason);
    };
    const c = m.counts || {};
    const msg = formAlert();
    const save = h('button', { class: 'btn primary', type: 'submit' }, '保存出席情况');
    const allPresent = h('button', { class: 'btn', type: 'button', onclick: () => {
      for (const r of rows.values()) if (!r.sel.value && r.a.expected) { r.sel.value = 'present'; r.reason.hidden = true; }
    } }, '未登记的全部记为出席');
    const form = h('form', { class: 'card', novalidate: true, 'data-testid': 'attendance-form' },
      table([
        { label: '党员', cell: (a) => h('span', null, a.name, a.expected ? null : h('span', { class: 'tag grey' }, '列席')), head: true },
        { label: '出席情况', cell: pick },
        { label: '签到时间', cell: (a) => (a.checked_in_at ? showTime(a.checked_in_at) : '—') },
      ], m.attendance || [], { empty: '这次会议没有应到人员', testid: 'attendance' }),
      msg, w ? h('div', { class: 'row end' }, allPresent, save) : null);
    onSubmit(form, async () => {
      const items = [];
      for (const [id, r] of rows) {
        if (!r.sel.value) continue;
        const it = { member_id: id, state: r.sel.value };
        if (it.state === 'leave') {
          it.reason = r.reason.value.trim();
          if (!it.reason) { r.reason.focus(); throw new Error(`请填写${r.a.name}的请假事由`); }
        }
        items.push(it);
      }
      await request('PUT', `/api/v1/meetings/${m.id}/attendance`, { json: { items } });
      toast('出席情况已保存');
      ctx.navigate(`/meetings/${m.id}`, { replace: true });
    }, { alert: msg, button: save });
    return h('div', { 'data-testid': 'meeting-page', 'data-id': m.id },
      h('p', { class: 'muted small' }, h('a', { href: `/orgs/${enc(m.org_code)}/meetings?year=${m.held_on.slice(0, 4)}` }, `${m.org_name} · 组织生活`)),
      h('h1', null, m.title, h('span', { class: 'tag' }, m.kind_name), m.status === 'planned' ? h('span', { class: 'tag grey' }, '计划') : null),
      h('div', { class: 'stats' },
        stat('应到', m.expected_count, null, { testid: 'm-expected' }),
        stat('实到', m.expected_present, m.expected_count ? `出席率 ${Math.round((m.expected_present / m.expected_count) * 100)}%` : null, { testid: 'm-present' }),
        stat('请假', c.leave ?? 0, null, { testid: 'm-leave' }),
        stat('缺席', c.absent ?? 0, c.not_recorded ? `未登记 ${c.not_recorded} 人` : null, { testid: 'm-absent' }),
        m.quorate === null || m.quorate === undefined ? null : stat('是否过半', m.quorate ? '已过半数' : '未过半数', '支委会应到委员过半数出席', { text: true, testid: 'm-quorate' })),
      h('section', null, h('h2', null, '出席情况'), m.status === 'planned' ? h('p', { class: 'alert info' }, '计划中的会议召开后才能登记出席。') : null, form),
      h('section', null, h('h2', null, '会议信息'), h('div', { class: 'card' }, kv([], {}, [
        ['召开日期', `${m.held_on}${m.start_time ? ` ${m.start_time}` : ''}${m.end_time ? `—${m.end_time}` : ''}`],
        ['地点', m.place || '—'], ['形式', MODE_NAME[m.mode] || m.mode || '—'],
        ['主持人', h('span', { 'data-testid': 'm-host' }, host)], ['记录人', h('span', { 'data-testid': 'm-recorder' }, recorder)],
        ['议题', m.topics || '—'],
        ['远程签到', m.checkin_opens_at ? `${showTime(m.checkin_opens_at)} 至 ${showTime(m.checkin_closes_at)}` : '未开放'],
        ['会议记录', h('div', { class: 'minutes', 'data-testid': 'm-minutes' }, m.minutes || '—')],
      ]))),
      canWrite() ? h('details', { class: 'card', 'data-testid': 'meeting-edit' }, h('summary', null, '修改会议信息'),
        meetingForm({ code: m.org_code, name: m.org_name }, ctx, { meeting: m, names })) : null);
  },
};
