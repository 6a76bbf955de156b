import { type AuthRequest, type AuthSettings, parseAuthSettings } from "../../src/auth";
import { PresignError } from "../../src/errors";
import { registerSecret } from "../support/hygiene";

// Test secrets: long enough for the 32-byte rule, recognisable in any output they should never reach.
export const LINK_SECRET = "test-link-secret-CURRENT-0123456789abcdef";
export const PREVIOUS_LINK_SECRET = "test-link-secret-PREVIOUS-0123456789abcdef";
export const JWT_SECRET = "test-jwt-secret-HS256-0123456789abcdef";
export const ISSUER = "https://idp.example/";
export const AUDIENCE = "cos-presign";
registerSecret(LINK_SECRET, PREVIOUS_LINK_SECRET, JWT_SECRET);

/** 2025-06-01T00:00:00Z: a fixed clock for everything that does not involve jose's own JWKS timers. */
export const NOW = Date.UTC(2025, 5, 1);
export const NOW_S = NOW / 1000;

export function settingsFrom(env: Record<string, string | undefined>): AuthSettings {
  const { settings, problems } = parseAuthSettings(env);
  if (settings === undefined) {
    throw new Error(`unexpected settings problems: ${problems.join("; ")}`);
  }
  return settings;
}

export function httpRequest(
  key: string,
  params: AuthRequest["params"] = {},
  headers: Record<string, string> = {},
): AuthRequest {
  return { key, params, headers };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** The PresignError a promise rejects with; fails the test if it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<PresignError> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    if (error instanceof PresignError) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected a PresignError, got ${JSON.stringify(outcome)}`);
}
