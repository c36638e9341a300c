import type { AppointmentsDeps } from '../routes/context.ts';

/** What a check-answers page shows about one slot: where, when, which title (第九条: never the doctor). */
export async function slotSummary(deps: AppointmentsDeps, slotId: number) {
  return deps.k
    .selectFrom('appt_slots as sl')
    .innerJoin('appt_sessions as se', 'se.id', 'sl.session_id')
    .innerJoin('appt_departments as d', 'd.id', 'se.department_id')
    .innerJoin('appt_institutions as i', 'i.id', 'se.institution_id')
    .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
    .select(['sl.visit_date', 'sl.period_start', 'sl.period_end', 'se.title', 'se.institution_id', 'se.department_id', 'd.name as department', 'o.name as institution'])
    .where('sl.id', '=', slotId)
    .executeTakeFirst();
}
