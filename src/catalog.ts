/**
 * The systems of the 2019 gazette, each a service of the platform (architecture.md).
 * `available` marks what residents and staff can use today.
 */
export interface ServiceEntry {
  readonly key: string;
  readonly docs: readonly string[];
  readonly name: { zh: string; en: string };
  readonly summary: { zh: string; en: string };
  readonly href: string;
  readonly available: boolean;
}

export const serviceCatalog: readonly ServiceEntry[] = [
  { key: 'law', docs: ['全部21件'], name: { zh: '政府公报与政策法规', en: 'Gazette and law' }, summary: { zh: '2019年西城区政府公报21件文件全文、逐条引用与检索', en: 'All 21 documents of the 2019 gazette, article by article, searchable' }, href: '/law', available: true },
  { key: 'appointments', docs: ['西卫〔2019〕5号'], name: { zh: '区分级诊疗平台（预约诊疗与转诊）', en: 'Appointments and referrals' }, summary: { zh: '实名预约挂号、取消与取号；社区转诊即将开通', en: 'Real-name booking, cancellation and check-in; community referral coming' }, href: '/appointments', available: true },
  { key: 'health-records', docs: ['西卫〔2019〕4号'], name: { zh: '居民健康档案中心', en: 'Resident health records' }, summary: { zh: '本人健康档案查询、授权与访问记录', en: 'Your health record, grants and access history' }, href: '/health-records', available: true },
  { key: 'enrollment', docs: ['西教发〔2019〕10号', '西教发〔2019〕11号'], name: { zh: '义务教育入学', en: 'School enrollment' }, summary: { zh: '入学资格、登记入学与可验证的电脑派位', en: 'Eligibility, registration and a verifiable school lottery' }, href: '/enrollment', available: true },
  { key: 'construction-approval', docs: ['西政办发〔2019〕1号'], name: { zh: '工程建设项目审批', en: 'Construction project approval' }, summary: { zh: '“一个系统”并联审批', en: 'One-system parallel approval' }, href: '/law/%E8%A5%BF%E6%94%BF%E5%8A%9E%E5%8F%91%E3%80%942019%E3%80%951%E5%8F%B7', available: false },
  { key: 'solid-waste', docs: ['西管发〔2019〕9号'], name: { zh: '中小工程固体废弃物管理', en: 'Small-works solid waste' }, summary: { zh: '消纳许可证、台账与公示牌', en: 'Disposal permits, ledgers and site notices' }, href: '/law/%E8%A5%BF%E7%AE%A1%E5%8F%91%E3%80%942019%E3%80%959%E5%8F%B7', available: false },
  { key: 'listing-subsidy', docs: ['京金服发〔2019〕1号'], name: { zh: '企业上市专项资金', en: 'Listing subsidy for enterprises' }, summary: { zh: '申报与审核', en: 'Application and review' }, href: '/law/%E4%BA%AC%E9%87%91%E6%9C%8D%E5%8F%91%E3%80%942019%E3%80%951%E5%8F%B7', available: false },
  { key: 'energy-audit', docs: ['西发改〔2019〕26号'], name: { zh: '用能单位能源审计补助', en: 'Energy audit subsidy' }, summary: { zh: '能源审计与补助申请', en: 'Energy audits and subsidy claims' }, href: '/law/%E8%A5%BF%E5%8F%91%E6%94%B9%E3%80%942019%E3%80%9526%E5%8F%B7', available: false },
  { key: 'heritage-buildings', docs: ['西行规发〔2019〕1号'], name: { zh: '文物建筑合理利用', en: 'Heritage building use' }, summary: { zh: '利用项目、文保维护金与评估', en: 'Projects, upkeep fund and evaluation' }, href: '/law/%E8%A5%BF%E8%A1%8C%E8%A7%84%E5%8F%91%E3%80%942019%E3%80%951%E5%8F%B7', available: false },
  { key: 'noise-zoning', docs: ['西政发〔2019〕6号'], name: { zh: '声环境功能区划查询', en: 'Noise zoning lookup' }, summary: { zh: '查询地点所属声环境功能区及限值', en: 'Zone and noise limit for a place' }, href: '/law/%E8%A5%BF%E6%94%BF%E5%8F%91%E3%80%942019%E3%80%956%E5%8F%B7', available: false },
  { key: 'debt-risk', docs: ['西政办发〔2019〕5号'], name: { zh: '政府性债务风险预警', en: 'Government debt risk warning' }, summary: { zh: '风险等级与应急处置', en: 'Warning levels and responses' }, href: '/law/%E8%A5%BF%E6%94%BF%E5%8A%9E%E5%8F%91%E3%80%942019%E3%80%955%E5%8F%B7', available: false },
  { key: 'supervision', docs: ['西政发〔2019〕1号', '西政办发〔2019〕2号', '西政办发〔2019〕3号', '西政办发〔2019〕4号'], name: { zh: '督查督办', en: 'Supervision of tasks' }, summary: { zh: '绩效考评、重要实事、“证照分离”月报与污染防治任务', en: 'Performance evaluation, key projects, licence reform reports and pollution tasks' }, href: '/law', available: false },
];
