/** One line describing a referral hand-back (西卫〔2019〕5号 第二十八条) for the record page and the PDF copy. */
export function describeHandBack(d: Record<string, unknown>, en: boolean): string {
  const s = (key: string) => (d[key] === undefined || d[key] === null ? '' : String(d[key]));
  return en
    ? `Handed back by ${s('fromOrganisationName')} to ${s('toOrganisationName')}. Diagnosis: ${s('diagnosis')}. Treatment: ${s('treatment')}. Follow-up plan: ${s('plan')}`
    : `${s('fromOrganisationName')} 转回 ${s('toOrganisationName')}。诊断：${s('diagnosis')}；诊疗经过：${s('treatment')}；后续治疗与康复方案：${s('plan')}`;
}
