import type { Db } from '../platform/db/connect.ts';
import type { PlatformTables } from '../platform/db/schema.ts';
import type { Clock } from '../platform/time/clock.ts';
import { seedPlatformDemo } from './demo.ts';
import { seedAppointmentsDemo } from '../services/appointments/seed.ts';
import type { AppointmentDb } from '../services/appointments/schema.ts';
import { seedHealthRecordsDemo } from '../services/health-records/index.ts';
import { seedEnrollmentReviewers, seedEnrollmentSchools } from '../services/enrollment/index.ts';
import type { EnrollmentDb } from '../services/enrollment/schema.ts';
import { demoPassword } from './demo.ts';

export { isSeeded } from './demo.ts';

/** All demo data, platform first, then each service's; returns one line for the console. */
export async function seedDemo(db: Db<PlatformTables>, clock: Clock, onProgress?: (done: number, total: number) => void): Promise<string> {
  const p = await seedPlatformDemo(db, clock, 200, onProgress);
  const a = await seedAppointmentsDemo(db as unknown as Db<AppointmentDb>, clock);
  const h = await seedHealthRecordsDemo(db, clock, demoPassword);
  const e = db as unknown as Db<EnrollmentDb>;
  const schools = await seedEnrollmentSchools(e, clock);
  await seedEnrollmentReviewers(e, clock, demoPassword);
  return `seeded ${p.streets} streets, ${p.organisations} institutions, ${p.persons} persons, ${p.staff} staff accounts; appointments: ${a.doctors} doctors, ${a.tickets} tickets over 14 days; health records: ${h?.people ?? 0} residents' records; enrollment: ${schools.size} school programmes`;
}
