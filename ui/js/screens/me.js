// me.js: a member's own view: their record as the organization keeps it, and
// the two things they may change themselves: phone and, for a member working
// away from home, where they are (流入地); the meetings they may check in to
// remotely (签到 records them present online), their points and their dues.
import { h, toast } from '../dom.js';
import { get, patch, post } from '../api.js';
import { showTime } from '../life.js';
import { currentUser } from '../session.js';
import { MEMBER_FIELDS, yearsSince } from '../fields.js';
import { kv, fieldForm, formAlert, onSubmit, stat } from '../widgets.js';

export default {
  title: '我的信息',
  async render(ctx) {
    const u = currentUser();
    if (!u.member_id) return h('p', { class: 'alert' }, '此账号没有关联党员记录，请联系组织管理员。');
    const m = await get(`/api/v1/members/${u.member_id}`);
    const contact = MEMBER_FIELDS.filter((f) => f.contact);
    const form = fieldForm(contact, m);
    const msg = formAlert();
    const save = h('button', { class: 'btn primary', type: 'submit' }, '保存');
    const el = h('form', { class: 'card', novalidate: true, 'data-testid': 'me-form' },
      h('h2', null, '我的联系方式'), form.el, msg, h('div', { class: 'row end' }, save));
    onSubmit(el, async () => {
      const body = form.changed();
      if (!Object.keys(body).length) { toast('没有修改'); return; }
      await patch(`/api/v1/members/${m.id}`, body);
      toast('已保存');
      ctx.navigate('/me', { replace: true });
    }, { places: form.places, alert: msg, button: save });
    const standing = m.category === '正式党员' && m.full_on ? yearsSince(m.full_on) : null;
    return h('div', { 'data-testid': 'me-page' },
      h('h1', null, `您好，${m.name}`),
      h('p', { class: 'muted' }, [m.org_name, m.category, standing !== null ? `党龄 ${standing} 年` : null].filter(Boolean).join(' · ')),
      await checkins(m.id, ctx),
      h('div', { class: 'stats' }, await points(m.id), ...(await dues(m.id))),
      el,
      h('section', null, h('h2', null, '我的党员档案'),
        h('div', { class: 'card' }, kv(MEMBER_FIELDS.filter((f) => f.name !== 'org_code'), m, [['所在党支部', m.org_name || m.org_code]])),
        h('p', { class: 'muted small' }, '档案信息如有错误，请联系所在党支部更正。')));
  },
};

const STATE = { present: '已出席', online: '已线上签到', leave: '已请假', absent: '缺席' };

/** The meetings of the member's branch open (or about to open) for remote check-in. */
async function checkins(id, ctx) {
  let items;
  try { items = (await get(`/api/v1/members/${id}/meetings`)).items; } catch (e) {
    if (e.noRoute) return null;
    return h('p', { class: 'alert' }, e.message);
  }
  return h('section', { 'data-testid': 'checkins' }, h('h2', null, '待签到的会议'),
    items.length ? h('ul', { class: 'list card checkins' }, items.map((mt) => {
      const done = mt.my_state === 'online' || mt.my_state === 'present';
      const btn = h('button', { class: 'btn primary', type: 'button', disabled: !mt.checkin_open || done }, done ? '已签到' : mt.checkin_open ? '签到' : '未开始');
      btn.addEventListener('click', async () => {
        btn.disabled = true;
        try {
          await post(`/api/v1/meetings/${mt.id}/checkin`);
          toast('签到成功，已记为线上出席');
          ctx.navigate('/me', { replace: true });
        } catch (err) { toast(err.message, { error: true }); btn.disabled = false; }
      });
      return h('li', { 'data-id': mt.id },
        h('div', { class: 'grow' }, h('strong', null, mt.title), h('span', { class: 'tag' }, mt.kind_name),
          h('div', { class: 'muted small' }, `${mt.held_on}${mt.start_time ? ' ' + mt.start_time : ''}${mt.place ? ' · ' + mt.place : ''}`),
          h('div', { class: 'muted small' }, `签到时间：${showTime(mt.checkin_opens_at)} 至 ${showTime(mt.checkin_closes_at)}`),
          mt.my_state ? h('div', { class: 'small', 'data-testid': 'my-state' }, STATE[mt.my_state] || mt.my_state, mt.checked_in_at ? `（${showTime(mt.checked_in_at)}）` : '') : null),
        btn);
    })) : h('p', { class: 'muted card' }, '目前没有需要签到的会议。'));
}

/** The member's points this year. */
async function points(id) {
  try {
    const p = await get(`/api/v1/members/${id}/points`);
    return stat('本年积分', p.total, p.sources.filter((x) => x.points).map((x) => `${x.description.split('每')[0]} ${x.points} 分`).join('，') || '暂无积分', { testid: 'me-points' });
  } catch (e) { return e.noRoute ? null : stat('本年积分', '—', e.message, { text: true }); }
}

/** The member's dues: monthly amount and what is owed. */
async function dues(id) {
  try {
    const d = await get(`/api/v1/members/${id}/dues`);
    const base = d.bases && d.bases.length ? d.bases[d.bases.length - 1] : null;
    const st = d.state || {};
    return [
      stat('每月党费', base ? `${Number(base.amount).toFixed(2)} 元` : '未核定', base ? `${base.year} 年核定` : '请联系支部核定', { text: true, testid: 'me-dues' }),
      stat('党费欠缴', st.unpaid_months ? `${Number(st.owed).toFixed(2)} 元` : '无', st.unpaid_months ? `欠 ${st.unpaid_months} 个月${st.six_month_flag ? '，已连续六个月' : ''}` : st.last_paid ? `已交至 ${st.last_paid}` : null, { text: true, testid: 'me-arrears' }),
    ];
  } catch (e) { return e.noRoute ? [] : [stat('党费', '—', e.message, { text: true })]; }
}
