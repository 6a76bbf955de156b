// The baseline of bench/scale.ts: src/sts/retry.ts as it behaved before the retry budget, swapped in for it when
// the simulation is bundled a second time, so the same run measures before and after. Everything is the real
// module but the budget, which never runs out: every retryable failure is retried up to maxAttempts, as before.
import { RetryBudget as Budget } from "../../../src/sts/retry";

export * from "../../../src/sts/retry";

export class RetryBudget extends Budget {
  override trySpend(): boolean {
    return true;
  }
}
