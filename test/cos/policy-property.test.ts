import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BUCKET,
  baseEnv,
  encodePath,
  functionHandler,
  functionUrlEvent,
  type Harness,
  REGION,
  useFakeSts,
} from "../support/function";
import { nastyString } from "./arbitraries";

const sts = useFakeSts();
let harness: Harness;

beforeAll(async () => {
  harness = functionHandler({ ...baseEnv(sts), ALLOWED_PREFIXES: "public/" });
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what the rule refuses.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f*?\\]|\$\{/;

/** Every form a decoder may turn the key into: `%XX` of an ASCII byte decoded, round after round. */
function decodedForms(key: string): string[] {
  const forms = [key];
  for (;;) {
    const last = forms[forms.length - 1] ?? "";
    const next = last.replace(/%[0-7][0-9a-f]/gi, (triplet) =>
      String.fromCharCode(Number.parseInt(triplet.slice(1), 16)),
    );
    if (next === last) return forms;
    forms.push(next);
  }
}

/** The key rules, restated here from the contract rather than imported, for the oracle's side. */
function allowedByContract(key: string): boolean {
  const segments = key.split("/");
  return (
    key.startsWith("public/") &&
    Buffer.byteLength(key) <= 850 &&
    !FORBIDDEN.test(key) &&
    !/[\ud800-\udfff]/.test(key.replace(/[\ud800-\udbff][\udc00-\udfff]/g, "")) &&
    segments.every((segment) => segment !== "" && segment !== "." && segment !== "..") &&
    decodedForms(key).every((form) => form.split(/[/\\]/).every((segment) => !["", ".", ".."].includes(segment)))
  );
}

/** Names the key rules accept, full of characters that break JSON, URLs and other signers. */
const acceptableName = fc
  .array(fc.constantFrom(..."aZ9 +%=&#()'!~\"]}[{,;@:$-_".split(""), "文", "件", "😀", "e\u0301", "/x"), {
    minLength: 1,
    maxLength: 30,
  })
  .map((units) => `public/${units.join("")}`);

/** Anything behind any prefix: mostly refused. */
const anyKey = fc
  .tuple(fc.constantFrom("public/", "public", "private/", "", "public//", "pub"), nastyString(40))
  .map(([prefix, rest]) => prefix + rest);

/**
 * Keys built from what hides a segment or means more to CAM: encoded and double-encoded dots, slashes and
 * backslashes, stray percent signs, policy variables, wildcards.
 */
const trickyKey = fc
  .array(
    fc.constantFrom(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CAM policy variables, literally.
      ..."%2e %2E %252e %2f %2F %252F %25252f %5c %25 % . .. / a b ${ $ { } ? *".split(" "),
      "%24%7B",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CAM policy variable, literally.
      "${uin}",
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((units) => `public/${units.join("")}`);

/** Half meant to be signed, half meant to be refused, so both sides of the property are always exercised. */
const requestedKey = fc.oneof(
  { weight: 2, arbitrary: acceptableName },
  { weight: 1, arbitrary: anyKey },
  { weight: 1, arbitrary: trickyKey },
);

/** The same key sent the three ways a caller can: in the path, as ?key=, or by direct invocation. */
const request = fc.tuple(requestedKey, fc.constantFrom("path", "query", "direct")).map(([key, via]) => {
  if (via === "direct") return { key, event: { key } as unknown };
  if (via === "query") return { key, event: functionUrlEvent("/", { key }) as unknown };
  return { key, event: functionUrlEvent(encodePath(key)) as unknown };
});

describe("every policy sent to STS", () => {
  it("has one statement and one resource: the validated, allowed key's, and nothing else", async () => {
    const outcomes = { signed: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(request, async ({ key, event }) => {
        const before = sts.calls.length;
        const answer = (await harness.handler(event)) as {
          statusCode?: number;
          headers?: Record<string, string>;
          url?: string;
        };
        const calls = sts.calls.slice(before);
        const succeeded = answer.statusCode === 302 || typeof answer.url === "string";

        expect(succeeded).toBe(allowedByContract(key));
        outcomes[succeeded ? "signed" : "refused"]++;
        expect(calls.length).toBeLessThanOrEqual(1);
        if (!succeeded) expect(calls).toEqual([]);
        if (succeeded) {
          // The URL is signed with a credential whose policy names this very key, whether it was fetched
          // just now or came from the cache (a wrong cache key would show up here, not in `calls`).
          const url = new URL(answer.url ?? answer.headers?.location ?? "");
          const issued = sts.lookupToken(url.searchParams.get("x-cos-security-token") ?? "");
          expect(
            (issued?.policy as { statement: Array<{ resource: unknown }> } | undefined)?.statement[0]?.resource,
          ).toEqual([`qcs::cos:${REGION}:uid/1250000000:${BUCKET}/${key}`]);
        }
        for (const call of calls) {
          const policy = call.policy as { statement: Array<Record<string, unknown>> } & Record<string, unknown>;
          expect(Object.keys(policy).sort()).toEqual(["statement", "version"]);
          expect(policy.statement).toHaveLength(1);
          expect(policy.statement[0]).toEqual({
            effect: "allow",
            action: ["name/cos:GetObject"],
            resource: [`qcs::cos:${REGION}:uid/1250000000:${BUCKET}/${key}`],
          });
        }
      }),
      { numRuns: 600 },
    );
    // Both sides of the property were exercised, not just one.
    expect(outcomes.signed).toBeGreaterThan(150);
    expect(outcomes.refused).toBeGreaterThan(100);
  });
});
