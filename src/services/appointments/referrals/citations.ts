import { cite } from '../../../platform/law/decision.ts';

/** 西卫〔2019〕5号: the articles the referral path, in-clinic booking and supervision apply. */
export const referralArt = {
  /** (三) 信用名单管理、社会公示、采集分析. */
  supervision: cite('西卫〔2019〕5号', '第六条'),
  /** 委信息中心 runs the platform and evaluates it regularly. */
  operation: cite('西卫〔2019〕5号', '第七条'),
  /** (六) 西城区预约转诊取号专用窗口 or a kiosk. */
  referralWindow: cite('西卫〔2019〕5号', '第八条'),
  /** 30-minute / 1-hour slots and the 80% rule, as disclosed. */
  ticketSupply: cite('西卫〔2019〕5号', '第十条'),
  /** Reserved tickets; 优先就诊、优先检查、优先住院. */
  priority: cite('西卫〔2019〕5号', '第十一条'),
  /** 定期开展服务情况分析与评估. */
  evaluation: cite('西卫〔2019〕5号', '第十三条'),
  /** (四) disease information and health-record basics. */
  referralData: cite('西卫〔2019〕5号', '第十六条'),
  slip: cite('西卫〔2019〕5号', '第十八条'),
  /** Priority booking; a visit within 3 days in principle. */
  withinThreeDays: cite('西卫〔2019〕5号', '第二十条'),
  /** (一) authorised doctors; (三) the four chronic diseases; the 中心 answers for its 站. */
  authority: cite('西卫〔2019〕5号', '第二十一条'),
  /** A family-doctor contract and a personal health record. */
  eligibility: cite('西卫〔2019〕5号', '第二十二条'),
  /** The receiving institution names staff for referrals. */
  handlers: cite('西卫〔2019〕5号', '第二十三条'),
  clinicBooking: cite('西卫〔2019〕5号', '第二十四条'),
  cancellation: cite('西卫〔2019〕5号', '第二十五条'),
  checkIn: cite('西卫〔2019〕5号', '第二十六条'),
  handBack: cite('西卫〔2019〕5号', '第二十八条'),
  assessment: cite('西卫〔2019〕5号', '第二十九条'),
  privacy: cite('西卫〔2019〕5号', '第三十条'),
  staffMisuse: cite('西卫〔2019〕5号', '第三十一条'),
  violations: cite('西卫〔2019〕5号', '第三十二条'),
} as const;
