// me.js: a member's own view: their record as the organization keeps it, and
// the two things they may change themselves: phone and, for a member working
// away from home, where they are (流入地).
import { h, fill, toast } from '../dom.js';
import { get, patch } from '../api.js';
import { currentUser } from '../session.js';
import { MEMBER_FIELDS, yearsSince } from '../fields.js';
import { kv, fieldForm } from '../widgets.js';

export default {
  title: '我的信息',
  async render(ctx) {
    const u = currentUser();
    if (!u.member_id) return h('p', { class: 'alert' }, '此账号没有关联党员记录，请联系组织管理员。');
    const m = await get(`/api/v1/members/${u.member_id}`);
    const contact = MEMBER_FIELDS.filter((f) => f.contact);
    const form = fieldForm(contact, m);
    const msg = h('div', { class: 'alert', role: 'alert', hidden: true });
    const save = h('button', { class: 'btn primary', type: 'submit' }, '保存');
    const el = h('form', { class: 'card', novalidate: true, 'data-testid': 'me-form' },
      h('h2', null, '我的联系方式'), form.el, msg, h('div', { class: 'row end' }, save));
    el.addEventListener('submit', async (e) => {
      e.preventDefault();
      form.clearErrors();
      msg.hidden = true;
      const body = form.changed();
      if (!Object.keys(body).length) { toast('没有修改'); return; }
      save.disabled = true;
      try {
        await patch(`/api/v1/members/${m.id}`, body);
        toast('已保存');
        ctx.navigate('/me', { replace: true });
      } catch (err) {
        if (!form.showError(err)) { fill(msg, err.message); msg.hidden = false; }
      } finally { save.disabled = false; }
    });
    const standing = m.category === '正式党员' && m.full_on ? yearsSince(m.full_on) : null;
    return h('div', { 'data-testid': 'me-page' },
      h('h1', null, `您好，${m.name}`),
      h('p', { class: 'muted' }, [m.org_name, m.category, standing !== null ? `党龄 ${standing} 年` : null].filter(Boolean).join(' · ')),
      el,
      h('section', null, h('h2', null, '我的党员档案'),
        h('div', { class: 'card' }, kv(MEMBER_FIELDS.filter((f) => f.name !== 'org_code'), m, [['所在党支部', m.org_name || m.org_code]])),
        h('p', { class: 'muted small' }, '档案信息如有错误，请联系所在党支部更正。')));
  },
};
