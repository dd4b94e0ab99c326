// fields.js: the fields of organizations and members as the API names them,
// with the Chinese labels of the import files (shared/formats.md) and the
// allowed values; forms, detail pages and tables are built from these lists.
// The server judges every value again; these only shape the inputs.

export const ORG_KINDS = ['党委', '党工委', '党总支', '党支部', '联合党支部', '临时党支部', '项目党支部'];
export const BRANCH_KINDS = ['党支部', '联合党支部', '临时党支部', '项目党支部'];
export const PARENT_KINDS = ['党委', '党工委', '党总支'];
export const ORG_DOMAINS = ['农村', '城市社区', '机关', '国有企业', '学校', '公立医院', '非公有制企业', '社会组织', '新就业群体', '其他'];
export const ORG_FORMATIONS = ['单独组建', '联合组建', '挂靠组建'];

export const GENDERS = ['男', '女'];
export const EDUCATIONS = ['研究生', '大学本科', '大学专科', '中等专科', '高中', '初中及以下'];
export const CATEGORIES = ['正式党员', '预备党员'];
export const ETHNICITIES = ['汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族', '彝族', '壮族', '布依族', '朝鲜族', '满族', '侗族',
  '瑶族', '白族', '土家族', '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族', '佤族', '畲族', '高山族', '拉祜族',
  '水族', '东乡族', '纳西族', '景颇族', '柯尔克孜族', '土族', '达斡尔族', '仫佬族', '羌族', '布朗族', '撒拉族',
  '毛南族', '仡佬族', '锡伯族', '阿昌族', '普米族', '塔吉克族', '怒族', '乌孜别克族', '俄罗斯族', '鄂温克族',
  '德昂族', '保安族', '裕固族', '京族', '塔塔尔族', '独龙族', '鄂伦春族', '赫哲族', '门巴族', '珞巴族', '基诺族'];

export const STATUS_NAMES = { active: '在册', suspended: '停止党籍', left: '已出党', deceased: '已去世', expelled: '开除党籍', all: '全部' };

/**
 * Field: {name (API), label, type: text|date|enum|bool|money|code|idnum|phone,
 * required, max (characters), options (enum), hint, wide, contact (a member may change it)}.
 */
export const MEMBER_FIELDS = [
  { name: 'name', label: '姓名', type: 'text', required: true, max: 50 },
  { name: 'id_number', label: '公民身份号码', type: 'idnum', required: true, max: 18, hint: '18 位，最后一位可为 X；性别和出生日期可由它带出' },
  { name: 'gender', label: '性别', type: 'enum', options: GENDERS },
  { name: 'birth_date', label: '出生日期', type: 'date' },
  { name: 'ethnicity', label: '民族', type: 'enum', options: ETHNICITIES },
  { name: 'education', label: '学历', type: 'enum', options: EDUCATIONS },
  { name: 'category', label: '人员类别', type: 'enum', options: CATEGORIES, required: true },
  { name: 'joined_on', label: '入党日期', type: 'date', required: true },
  { name: 'full_on', label: '转正日期', type: 'date', hint: '预备党员不填' },
  { name: 'org_code', label: '所在党支部', type: 'branch', required: true, max: 32 },
  { name: 'occupation', label: '工作岗位', type: 'text', max: 50 },
  { name: 'phone', label: '联系电话', type: 'phone', max: 20, contact: true },
  { name: 'mobile', label: '流动党员', type: 'bool' },
  { name: 'mobile_location', label: '流入地', type: 'text', max: 100, contact: true, hint: '流动党员外出所在地' },
  { name: 'monthly_income', label: '月收入（元）', type: 'money' },
];

export const ORG_FIELDS = [
  { name: 'code', label: '组织编码', type: 'code', required: true, max: 32 },
  { name: 'name', label: '组织名称', type: 'text', required: true, max: 100, wide: true },
  { name: 'parent_code', label: '上级组织', type: 'parent', max: 32 },
  { name: 'kind', label: '组织类别', type: 'enum', options: ORG_KINDS, required: true },
  { name: 'domain', label: '所属领域', type: 'enum', options: ORG_DOMAINS, required: true },
  { name: 'formation', label: '组建方式', type: 'enum', options: ORG_FORMATIONS },
  { name: 'established_on', label: '成立日期', type: 'date' },
  { name: 'region_code', label: '行政区划代码', type: 'text', max: 6, hint: '6 位数字，如 341122' },
  { name: 'term_started_on', label: '本届任期开始', type: 'date' },
  { name: 'ended_on', label: '结束日期', type: 'date', hint: '组织撤销时填写' },
];

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
