import { pick, type Locale } from '../http/locale.ts';
import { roleLabels } from '../identity/roles.ts';

type Label = { zh: string; en: string };

/**
 * Audit actions and actor roles in words (西卫〔2019〕4号 第十八条: the trail is read by people).
 * An action is "<what>.<verb>"; whole codes with their own wording come first, then the two halves
 * are named separately, and an unknown code is shown as it is (never hidden).
 */
const whole: Record<string, Label> = {
  'session.sign_in': { zh: '登录', en: 'Signed in' },
  'session.sign_out': { zh: '退出登录', en: 'Signed out' },
  'seed.demo': { zh: '载入演示数据', en: 'Loaded demo data' },
  'seed.appointments_demo': { zh: '载入预约演示数据', en: 'Loaded appointment demo data' },
  'seed.referral_demo': { zh: '载入转诊演示数据', en: 'Loaded referral demo data' },
  'booking.clinic': { zh: '预约挂号：诊间预约', en: 'Booking: in-clinic' },
  'booking.clinic_override': { zh: '预约挂号：诊间预约（超出规则）', en: 'Booking: in-clinic (rule overridden)' },
  'operator.refused': { zh: '接线员操作被拒绝', en: 'Operator action refused' },
  'operator.agreement': { zh: '接线员签署保密协议', en: 'Operator agreement signed' },
  'reviewer.duty': { zh: '审核人员值守', en: 'Reviewer on duty' },
};

const what: Record<string, Label> = {
  booking: { zh: '预约挂号', en: 'Booking' },
  session: { zh: '出诊安排', en: 'Session' },
  sessions: { zh: '出诊安排', en: 'Session' },
  violation: { zh: '违约记录', en: 'Violation' },
  referral: { zh: '转诊', en: 'Referral' },
  referral_criterion: { zh: '转诊标准', en: 'Referral criterion' },
  referral_handler: { zh: '转诊接诊人员', en: 'Referral handler' },
  community_station: { zh: '社区卫生服务站', en: 'Community station' },
  institution: { zh: '医疗机构', en: 'Institution' },
  institutions: { zh: '医疗机构', en: 'Institution' },
  departments: { zh: '科室', en: 'Department' },
  doctors: { zh: '医生', en: 'Doctor' },
  resources: { zh: '医技资源', en: 'Resource' },
  person: { zh: '个人身份', en: 'Person' },
  staff: { zh: '工作人员账号', en: 'Staff account' },
  health_record: { zh: '健康档案', en: 'Health record' },
  record: { zh: '健康档案', en: 'Health record' },
  grant: { zh: '档案查阅授权', en: 'Record access grant' },
  fhir: { zh: '外部接口', en: 'FHIR interface' },
  enrollment: { zh: '义务教育入学', en: 'School enrolment' },
  lottery: { zh: '电脑派位', en: 'Lottery' },
  case: { zh: '办件', en: 'Case' },
};

const verb: Record<string, Label> = {
  create: { zh: '新建', en: 'created' },
  update: { zh: '修改', en: 'updated' },
  upsert: { zh: '保存', en: 'saved' },
  read: { zh: '查阅', en: 'viewed' },
  read_refused: { zh: '查阅被拒绝', en: 'viewing refused' },
  list: { zh: '查看列表', en: 'list viewed' },
  lookup: { zh: '查询', en: 'looked up' },
  export: { zh: '导出', en: 'exported' },
  copy: { zh: '下载副本', en: 'copy downloaded' },
  upload: { zh: '上传', en: 'uploaded' },
  cancel: { zh: '取消', en: 'cancelled' },
  check_in: { zh: '取号', en: 'checked in' },
  check_in_refused: { zh: '取号被拒绝', en: 'check-in refused' },
  publish: { zh: '发布', en: 'published' },
  stop: { zh: '停诊', en: 'stopped' },
  special_stop: { zh: '特殊停诊', en: 'special stop' },
  withdraw: { zh: '撤回', en: 'withdrawn' },
  record: { zh: '记录', en: 'recorded' },
  register: { zh: '登记', en: 'registered' },
  merge: { zh: '合并重复身份', en: 'duplicates merged' },
  merge_undo: { zh: '撤销合并', en: 'merge undone' },
  basics_review: { zh: '基本信息复核', en: 'basic data reviewed' },
  identity_review: { zh: '身份复核', en: 'identity reviewed' },
  accept: { zh: '接收', en: 'accepted' },
  arrive: { zh: '患者到院', en: 'patient arrived' },
  acknowledge: { zh: '确认接收', en: 'acknowledged' },
  hand_back: { zh: '回转社区', en: 'handed back' },
  hand_back_delivered: { zh: '回转单已送达', en: 'hand-back delivered' },
  hand_back_undelivered: { zh: '回转单未送达', en: 'hand-back not delivered' },
  name: { zh: '指定', en: 'named' },
  remove: { zh: '移除', en: 'removed' },
  assign: { zh: '分配', en: 'assigned' },
  handover: { zh: '移交', en: 'handed over' },
  apply: { zh: '申请', en: 'applied for' },
  activate: { zh: '生效', en: 'activated' },
  direct: { zh: '直接授予', en: 'granted directly' },
  reject: { zh: '驳回', en: 'rejected' },
  revoke: { zh: '撤销', en: 'revoked' },
  approve: { zh: '审批', en: 'approved' },
  draw: { zh: '派位', en: 'drawn' },
  commit: { zh: '提交承诺', en: 'committed' },
  commit_refused: { zh: '提交承诺被拒绝', en: 'commit refused' },
  reveal_refused: { zh: '公开被拒绝', en: 'reveal refused' },
  rerun_refused: { zh: '重新派位被拒绝', en: 'rerun refused' },
  open: { zh: '受理', en: 'opened' },
  review: { zh: '审核', en: 'reviewed' },
  lapse: { zh: '逾期失效', en: 'lapsed' },
  action: { zh: '办理', en: 'action taken' },
  submit: { zh: '提交', en: 'submitted' },
  verify: { zh: '核验', en: 'verified' },
};

/** An audit action code in words, or the code itself when it is not known. */
export function actionLabel(l: Locale, code: string): string {
  const w = Object.hasOwn(whole, code) ? whole[code] : undefined;
  if (w) return pick(l, w);
  const dot = code.indexOf('.');
  if (dot < 0) return code;
  const head = code.slice(0, dot);
  // 'grant.approve.clinic' → the verb is the first known segment; the rest stays as written.
  const rest = code.slice(dot + 1).split('.');
  const h = Object.hasOwn(what, head) ? what[head] : undefined;
  const last = rest[rest.length - 1] ?? '';
  const v = Object.hasOwn(verb, last) ? verb[last] : Object.hasOwn(verb, rest[0] ?? '') ? verb[rest[0] ?? ''] : undefined;
  if (!h || !v) return code;
  return l === 'en' ? `${h.en} ${v.en}` : `${h.zh}：${v.zh}`;
}

/** A platform role (or the system itself) in words, or the code itself when it is not known. */
export function actorRoleLabel(l: Locale, role: string): string {
  if (role === 'system') return l === 'en' ? 'System' : '系统';
  const label = Object.hasOwn(roleLabels, role) ? (roleLabels as Record<string, Label>)[role] : undefined;
  return label ? pick(l, label) : role;
}
