import { PresignError } from "../../src/errors";

/** The PresignError code `fn` throws, undefined when it returns, or a note when it throws something else. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof PresignError ? error.code : `not a PresignError: ${String(error)}`;
  }
  return undefined;
}
