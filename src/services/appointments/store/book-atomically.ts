import type { Tx } from '../../../platform/db/transaction.ts';
import { refuse, type Decision, type Reason } from '../../../platform/law/decision.ts';
import type { AppointmentDb } from '../schema.ts';
import type { AppointmentsDeps } from '../routes/context.ts';

/** Refusals that must leave their trace: a duplicate booking is recorded as a violation (第三十二条). */
const refusalsWithTrace = new Set(['department_daily_limit_exceeded']);

class RefusedUnit extends Error {
  constructor(readonly reasons: readonly Reason[]) {
    super('refused');
  }
}

/**
 * Run a booking unit so that a refusal changes nothing: the unit's writes (a first-time patient's
 * registration, say) are rolled back by throwing out of the savepoint or transaction, and the
 * refusal comes back as a value.
 */
export async function bookWithoutTrace<R>(deps: Pick<AppointmentsDeps, 'committer'>, unit: (trx: Tx<AppointmentDb>) => Promise<Decision<R>>): Promise<Decision<R>> {
  try {
    return await deps.committer.run(async (trx) => {
      const d = await unit(trx);
      if (!d.allowed && !refusalsWithTrace.has(d.reasons[0]?.code ?? '')) throw new RefusedUnit(d.reasons);
      return d;
    });
  } catch (error) {
    if (error instanceof RefusedUnit) return refuse(...error.reasons);
    throw error;
  }
}
