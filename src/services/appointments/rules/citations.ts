import { cite } from '../../../platform/law/decision.ts';

/** 西卫〔2019〕5号 医疗机构预约诊疗服务管理办法: the articles this service applies. */
export const art = {
  channels: cite('西卫〔2019〕5号', '第四条'),
  tieredBooking: cite('西卫〔2019〕5号', '第八条'),
  noDoctorNames: cite('西卫〔2019〕5号', '第九条'),
  ticketSupply: cite('西卫〔2019〕5号', '第十条'),
  referralReserve: cite('西卫〔2019〕5号', '第十一条'),
  registry: cite('西卫〔2019〕5号', '第十二条'),
  byTitle: cite('西卫〔2019〕5号', '第十四条'),
  realName: cite('西卫〔2019〕5号', '第十五条'),
  requiredData: cite('西卫〔2019〕5号', '第十六条'),
  windowAndLimits: cite('西卫〔2019〕5号', '第十七条'),
  confirmation: cite('西卫〔2019〕5号', '第十八条'),
  institutionFeedback: cite('西卫〔2019〕5号', '第十九条'),
  referralEligibility: cite('西卫〔2019〕5号', '第二十二条'),
  clinicBooking: cite('西卫〔2019〕5号', '第二十四条'),
  cancellation: cite('西卫〔2019〕5号', '第二十五条'),
  checkIn: cite('西卫〔2019〕5号', '第二十六条'),
  stops: cite('西卫〔2019〕5号', '第二十七条'),
  violations: cite('西卫〔2019〕5号', '第三十二条'),
  channelDefinitions: cite('西卫〔2019〕5号', '第三十三条'),
} as const;
