/**
 * Real Xicheng geography and institutions for demo data. Street codes are the national
 * township-level division codes (GB/T 10114) under 110102 西城区.
 */
export const xichengStreets = [
  { code: '110102001', zh: '西长安街街道', en: "Xichang'anjie" },
  { code: '110102003', zh: '新街口街道', en: 'Xinjiekou' },
  { code: '110102007', zh: '月坛街道', en: 'Yuetan' },
  { code: '110102009', zh: '展览路街道', en: 'Zhanlanlu' },
  { code: '110102010', zh: '德胜街道', en: 'Desheng' },
  { code: '110102011', zh: '金融街街道', en: 'Jinrongjie' },
  { code: '110102012', zh: '什刹海街道', en: 'Shichahai' },
  { code: '110102013', zh: '大栅栏街道', en: 'Dashilan' },
  { code: '110102014', zh: '天桥街道', en: 'Tianqiao' },
  { code: '110102015', zh: '椿树街道', en: 'Chunshu' },
  { code: '110102016', zh: '陶然亭街道', en: 'Taoranting' },
  { code: '110102017', zh: '广安门内街道', en: "Guang'anmennei" },
  { code: '110102018', zh: '牛街街道', en: 'Niujie' },
  { code: '110102019', zh: '白纸坊街道', en: 'Baizhifang' },
  { code: '110102020', zh: '广安门外街道', en: "Guang'anmenwai" },
] as const;

export interface HospitalSeed {
  code: string;
  name: string;
  short: string;
  level: '三级' | '二级';
  street: string;
  address: string;
  phone: string;
}

export const xichengHospitals: readonly HospitalSeed[] = [
  { code: 'H001', name: '北京大学人民医院', short: '人民医院', level: '三级', street: '110102009', address: '北京市西城区西直门南大街11号', phone: '010-88326666' },
  { code: 'H002', name: '北京大学第一医院', short: '北大医院', level: '三级', street: '110102001', address: '北京市西城区西什库大街8号', phone: '010-83572211' },
  { code: 'H003', name: '首都医科大学宣武医院', short: '宣武医院', level: '三级', street: '110102015', address: '北京市西城区长椿街45号', phone: '010-83198899' },
  { code: 'H004', name: '首都医科大学附属北京友谊医院', short: '友谊医院', level: '三级', street: '110102014', address: '北京市西城区永安路95号', phone: '010-63138585' },
  { code: 'H005', name: '首都医科大学附属北京儿童医院', short: '儿童医院', level: '三级', street: '110102007', address: '北京市西城区南礼士路56号', phone: '010-59616161' },
  { code: 'H006', name: '中国中医科学院广安门医院', short: '广安门医院', level: '三级', street: '110102017', address: '北京市西城区北线阁5号', phone: '010-88001122' },
  { code: 'H007', name: '北京积水潭医院', short: '积水潭医院', level: '三级', street: '110102003', address: '北京市西城区新街口东街31号', phone: '010-58516688' },
  { code: 'H008', name: '中国医学科学院阜外医院', short: '阜外医院', level: '三级', street: '110102009', address: '北京市西城区北礼士路167号', phone: '010-88398866' },
  { code: 'H009', name: '首都医科大学附属复兴医院', short: '复兴医院', level: '二级', street: '110102007', address: '北京市西城区复兴门外大街甲20号', phone: '010-88062230' },
  { code: 'H010', name: '北京市肛肠医院（北京市二龙路医院）', short: '二龙路医院', level: '二级', street: '110102010', address: '北京市西城区德外大街16号', phone: '010-62011199' },
  { code: 'H011', name: '北京市回民医院', short: '回民医院', level: '二级', street: '110102019', address: '北京市西城区右安门内大街11号', phone: '010-83912000' },
  { code: 'H012', name: '北京市健宫医院', short: '健宫医院', level: '二级', street: '110102016', address: '北京市西城区南菜园街9号', phone: '010-83559999' },
  { code: 'H013', name: '北京市西城区平安医院', short: '平安医院', level: '二级', street: '110102003', address: '北京市西城区新街口', phone: '010-66181688' },
  { code: 'H014', name: '北京市西城区展览路医院', short: '展览路医院', level: '二级', street: '110102009', address: '北京市西城区展览路', phone: '010-68356100' },
  { code: 'H015', name: '北京市西城区广外医院', short: '广外医院', level: '二级', street: '110102020', address: '北京市西城区广安门外', phone: '010-63262626' },
];

/** One 社区卫生服务中心 per street, named after it. */
export function communityCentreName(streetZh: string): string {
  return `北京市西城区${streetZh.replace(/街道$/, '')}社区卫生服务中心`;
}

export const surnames = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'];
export const givenNameChars = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉梅红建国志文辉春晓晨宇浩然子轩思雨欣怡梓涵一诺佳琪雅婷俊杰鑫淑珍海燕立新'];
