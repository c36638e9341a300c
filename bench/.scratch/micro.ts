import Database from 'better-sqlite3';
import { patient } from '../booking-plan.ts';
const db = new Database('/tmp/ybench-base/yiwang.sqlite', { readonly: true });
const st = db.prepare('select * from persons where doc_type = ? and doc_number = ?');
const sl = db.prepare('select "id", "ticket_no", "pool" from "appt_tickets" where "slot_id" = ? and "booking_id" is null and "pool" in (?) order by "ticket_no" limit ?');
const docs = Array.from({ length: 50000 }, (_, i) => patient(i).docNumber);
for (const [label, fn] of [['person by doc', (i: number) => st.get('resident_id', docs[i % 50000])], ['free ticket', (i: number) => sl.all((i * 7919) % 100000 + 1, 'appointment', 1)], ['prepare', (i: number) => db.prepare('select * from persons where id = ?')]] as const) {
  for (let r = 0; r < 2; r++) {
    const c0 = process.cpuUsage(); const N = 50000;
    for (let i = 0; i < N; i++) fn(i);
    const c = process.cpuUsage(c0);
    console.log(label, ((c.user + c.system) / N).toFixed(1), 'µs');
  }
}
for (const q of ['select "id", "ticket_no", "pool" from "appt_tickets" where "slot_id" = 5 and "booking_id" is null and "pool" in (\'appointment\') order by "ticket_no" limit 1', 'select "visit_date", "institution_id", "department_id" from "appt_bookings" where "person_id" = 1 and "active" = 1 and "channel" <> \'window\' and "visit_date" >= \'2026-03-01\' and "visit_date" <= \'2026-03-10\'']) console.log(db.prepare('explain query plan ' + q).all());
