/** SMS templates of the enrollment service (zh-CN and en). */
import { defineTemplate } from '../../platform/notify/templates.ts';

export const nonLocalRefusedTemplate = defineTemplate<{ ref: string; reasons: string }>('enrollment.non_local_refused', {
  'zh-CN': (p) => `【西城一网通办】您的非本市户籍适龄儿童入学材料审核（${p.ref}）未通过：${p.reasons}。详情请登录查看。`,
  en: (p) => `[Xicheng Yiwang] Your non-local enrollment review (${p.ref}) was not approved: ${p.reasons}. Sign in for details.`,
});

export const nonLocalApprovedTemplate = defineTemplate<{ ref: string; letterNo: string; confirmBy: string }>('enrollment.non_local_approved', {
  'zh-CN': (p) => `【西城一网通办】您的审核（${p.ref}）已通过，批准书编号${p.letterNo}。请于${p.confirmBy}前登录确认在西城区入学。`,
  en: (p) => `[Xicheng Yiwang] Your review (${p.ref}) is approved, letter ${p.letterNo}. Sign in and confirm enrollment in Xicheng by ${p.confirmBy}.`,
});

export const placementTemplate = defineTemplate<{ ref: string; route: string; school: string }>('enrollment.placed', {
  'zh-CN': (p) => `【西城一网通办】入学申请${p.ref}：已通过“${p.route}”录取到${p.school}。结果以学校公示为准。`,
  en: (p) => `[Xicheng Yiwang] Application ${p.ref}: placed at ${p.school} through "${p.route}". The school's public notice is authoritative.`,
});
