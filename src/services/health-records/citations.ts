import { cite, type Citation } from '../../platform/law/decision.ts';

/** The articles of 西卫〔2019〕4号 this service applies, one constant per rule's source. */
export const identityCitation: Citation = cite('西卫〔2019〕4号', '第八条');
export const tieredStorageCitation: Citation = cite('西卫〔2019〕4号', '第九条');
export const uploadCitation: Citation = cite('西卫〔2019〕4号', '第十条');
export const outsourcingCitation: Citation = cite('西卫〔2019〕4号', '第十一条');
export const handoverCitation: Citation = cite('西卫〔2019〕4号', '第十二条');
export const disclosureCitation: Citation = cite('西卫〔2019〕4号', '第十三条');
export const authorisationCitation: Citation = cite('西卫〔2019〕4号', '第十四条');
export const residentCopyCitation: Citation = cite('西卫〔2019〕4号', '第十五条');
export const traceCitation: Citation = cite('西卫〔2019〕4号', '第十八条');
export const interoperabilityCitation: Citation = cite('西卫〔2019〕4号', '第十九条');
/** 西卫〔2019〕5号 第二十二条: family-doctor contracts are signed with a 社区卫生服务机构. */
export const familyDoctorCitation: Citation = cite('西卫〔2019〕5号', '第二十二条');
/** 第七条: 标准统一、术语规范、内容准确 — the basis for refusing malformed uploads. */
export const qualityCitation: Citation = cite('西卫〔2019〕4号', '第七条');
/** 西卫〔2019〕5号 第二十八条: a stable referred patient is handed back to the community centre through the platform. */
export const handBackCitation: Citation = cite('西卫〔2019〕5号', '第二十八条');
