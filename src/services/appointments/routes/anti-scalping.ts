import { RateLimiterMemory } from 'rate-limiter-flexible';
import { cite, reason, type Reason } from '../../../platform/law/decision.ts';

/**
 * Anti-scalping (第十三条: 号源管理和预约服务的规范、公平, 不诚信预约制约机制): booking attempts are
 * limited per patient document and per phone, on top of the platform's per-IP limit. Counters live
 * in process memory: with several app processes the effective limit is per process, which still
 * caps a bot's rate; the database limits of 第十七条 hold regardless.
 */
export interface AttemptLimits {
  perPersonPerMinute: number;
  perPhonePerMinute: number;
}

export const defaultAttemptLimits: AttemptLimits = { perPersonPerMinute: 20, perPhonePerMinute: 20 };

const fairness = cite('西卫〔2019〕5号', '第十三条');

export type BookingThrottle = ReturnType<typeof bookingThrottle>;

export function bookingThrottle(limits: AttemptLimits = defaultAttemptLimits) {
  const person = new RateLimiterMemory({ keyPrefix: 'person', points: limits.perPersonPerMinute, duration: 60 });
  const phone = new RateLimiterMemory({ keyPrefix: 'phone', points: limits.perPhonePerMinute, duration: 60 });
  return {
    /** Undefined when allowed; a refusal reason when this attempt is over a limit. */
    async check(docType: string, docNumber: string, phoneNumber: string): Promise<Reason | undefined> {
      try {
        await person.consume(`${docType}:${docNumber.trim().toUpperCase()}`);
        await phone.consume(phoneNumber.trim());
        return undefined;
      } catch {
        return reason('rate_limited', '预约请求过于频繁，请稍后再试', 'Too many booking attempts; please wait a minute', fairness);
      }
    },
  };
}

const shared = new WeakMap<object, BookingThrottle>();

/**
 * The one throttle of a service instance: the booking API and the staff booking pages (phone)
 * count a person's attempts together, so a second way in is not a second allowance. Keyed on the
 * service's deps object, which registerAppointmentsService builds once and passes to every part.
 */
export function sharedBookingThrottle(deps: { readonly attemptLimits?: AttemptLimits | undefined }): BookingThrottle {
  let t = shared.get(deps);
  if (!t) {
    t = bookingThrottle(deps.attemptLimits);
    shared.set(deps, t);
  }
  return t;
}
