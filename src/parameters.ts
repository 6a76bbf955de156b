import { invalidParameter } from "./errors";

/**
 * Which request fields the function reads, and what happens to the others.
 *
 * A shared link picks up parameters on its way: chat apps and social sites append tracking parameters
 * (`utm_source`, `fbclid`, ...), so an HTTP request's unknown query parameters are ignored, or every such link
 * would break. A near-miss of a known name is refused instead, naming the known one: `?fileName=x` or
 * `?Expires=60` is a typo whose option would otherwise be silently dropped. A direct invocation's event is
 * written by a program, not carried through a share sheet, so it refuses every unknown field (see docs/http.md).
 */

/** The query parameters of the HTTP contract. */
export const QUERY_PARAMETERS = [
  "key",
  "format",
  "filename",
  "disposition",
  "versionId",
  "trafficLimit",
  "expires",
  "exp",
  "sig",
] as const;

/** The fields of one direct-invocation request (a batch entry has the same). */
export const DIRECT_FIELDS = ["key", "filename", "disposition", "versionId", "expires", "trafficLimit"] as const;

export type ParameterClass =
  | { readonly kind: "known" }
  | { readonly kind: "nearMiss"; readonly known: string }
  | { readonly kind: "ignored" };

/** Tracking parameters are never anybody's typo, whatever they come close to. */
function isTracking(name: string): boolean {
  return /^utm_/i.test(name) || TRACKING.has(name.toLowerCase());
}
const TRACKING = new Set(["fbclid", "gclid", "msclkid", "igshid", "mc_cid", "mc_eid"]);

/** Case and word separators do not make a different name: `fileName`, `file_name`, `FILE-NAME`. */
function normalized(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, "");
}

/**
 * How many typos a name may hold and still be taken for a known one: none beyond case and separators for the
 * three-letter names (`key`, `exp`, `sig` are one edit from too many unrelated words), two for the longest
 * (`disposition`, `trafficLimit`), one for the others (two would take `session_id` for `versionId`).
 */
function typoBudget(known: string): number {
  if (known.length < 5) return 0;
  return known.length < 11 ? 1 : 2;
}

/** Edit distance with adjacent transpositions (optimal string alignment); stops early once past `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (before[j - 2] ?? 0) + 1);
      }
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? limit + 1;
}

export function classifyParameter(name: string, known: readonly string[]): ParameterClass {
  if (known.includes(name)) return { kind: "known" };
  if (isTracking(name)) return { kind: "ignored" };
  const candidate = normalized(name);
  for (const knownName of known) {
    if (editDistance(candidate, normalized(knownName), typoBudget(knownName)) <= typoBudget(knownName)) {
      return { kind: "nearMiss", known: knownName };
    }
  }
  return { kind: "ignored" };
}

function quoted(name: string): string {
  return JSON.stringify(name.slice(0, 64));
}

/** HTTP: a near-miss of a known name is refused with InvalidParameter naming it; other unknown names pass. */
export function refuseNearMisses(names: Iterable<string>, known: readonly string[] = QUERY_PARAMETERS): void {
  for (const name of names) {
    const found = classifyParameter(name, known);
    if (found.kind === "nearMiss") {
      throw invalidParameter(`unknown parameter ${quoted(name)}: did you mean "${found.known}"?`);
    }
  }
}

/** Direct invocation: every unknown field is refused, with the known name it comes close to when there is one. */
export function refuseUnknownFields(names: Iterable<string>, known: readonly string[] = DIRECT_FIELDS): void {
  for (const name of names) {
    const found = classifyParameter(name, known);
    if (found.kind === "nearMiss") {
      throw invalidParameter(`unknown field ${quoted(name)}: did you mean "${found.known}"?`);
    }
    if (found.kind === "ignored") throw invalidParameter(`unknown field ${quoted(name)}`);
  }
}
