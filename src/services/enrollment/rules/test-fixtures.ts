/** Test fixtures for the 11号 standards: a family that meets every one. Used by rule, store and HTTP tests. */
import { parseCivilDate } from '../../../platform/time/civil.ts';
import type { NonLocalApplicationFacts } from './non-local-standards.ts';

const d = parseCivilDate;

/** A family that meets every standard: renting in 月坛, father on a contract, mother self-employed. */
export const goodFacts: NonLocalApplicationFacts = {
  childName: '李小明',
  guardians: [
    {
      name: '李大明',
      relation: 'father',
      employment: { kind: 'contract', employer: '北京某科技有限公司', inXicheng: true, contractProvided: true, employerLicenceProvided: true, workCertificateProvided: true, socialInsuranceMonthsInXicheng: ['2019-01', '2019-02', '2019-03'] },
      residencePermit: { number: '110102000001', inXicheng: true, address: '西城区月坛街道三里河一区5号楼3单元201', validUntil: d('2020-03-01') },
    },
    {
      name: '王丽',
      relation: 'mother',
      employment: { kind: 'individual_business', employer: '王丽便利店', inXicheng: false, businessLicenceProvided: true },
      residencePermit: { number: '110102000002', inXicheng: true, address: '西城区月坛街道 三里河一区 5号楼－3单元 201', validUntil: d('2019-12-31') },
    },
  ],
  residence: {
    kind: 'rented',
    address: '西城区月坛街道三里河一区5号楼3单元201',
    streetCode: '110102007',
    certificateProvided: true,
    residentialUse: true,
    issues: [],
    contractRegistered: true,
    landlordIdProvided: true,
    rentalTaxPaidFrom: d('2018-03-01'),
    rentalTaxPaidTo: d('2019-04-30'),
    livedSince: d('2018-03-01'),
  },
  household: { childBirthDateOnHukou: d('2013-02-02'), childBirthDateOnCertificate: d('2013-02-02'), singleParent: false, parentsOnSameHukouBook: true, childHkMacau: false },
};

