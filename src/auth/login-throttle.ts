// Login limits that count failures only, per username (over every address) and per address.
//
// Per username, every attempt reserves one failure *before* the password is hashed, so 300
// concurrent guesses cannot all pass the check before the first failure is recorded; a login
// that does not fail gives its reservation back. Per address, only recorded failures count: a
// shift of agents logging in correctly at once behind one NAT address is never refused, and a
// flood from one address is held by the hashing bound until its failures reach the limit.
import type { LoginLimits } from '../config.js';
import type { FailureCounter } from './failure-counter.js';

export interface LoginAttempt {
  /** The password was wrong: the address's failure count grows (the user's reservation stays). */
  failed(): Promise<void>;
  /** The attempt did not fail (it succeeded, or was refused before any check): give back its reservation. */
  release(): Promise<void>;
}

export interface LoginThrottle {
  /** A reserved attempt, or undefined (nothing reserved) when the user or the address is over its limit. */
  admit(username: string, address: string): Promise<LoginAttempt | undefined>;
  readonly retryAfterSeconds: number;
}

export function createLoginThrottle(counter: FailureCounter, limits: LoginLimits): LoginThrottle {
  return {
    retryAfterSeconds: limits.windowSeconds,
    async admit(username, address) {
      const addressKey = `addr:${address}`;
      // Case folded: `Seat1` and `seat1` share one budget whatever the user lookup does.
      const userKey = `user:${username.toLowerCase()}`;
      if ((await counter.count(addressKey)) >= limits.maxFailuresPerAddress) return undefined;
      if ((await counter.hit(userKey)) > limits.maxFailuresPerUser) {
        await counter.undo(userKey);
        return undefined;
      }
      return {
        failed: async () => {
          await counter.hit(addressKey);
        },
        release: () => counter.undo(userKey),
      };
    },
  };
}
