import { beforeAll, describe, expect, it } from "vitest";
import { STATUS_BY_CODE } from "../src/errors";
import {
  baseEnv,
  functionHandler,
  functionUrlEvent,
  type Harness,
  type ScfAnswer,
  useFakeSts,
} from "./support/function";

/**
 * A corpus of hostile requests, each through main_handler of the built bundle. Every one must get the
 * expected 4xx code with a message, no 5xx, no stack, and no URL; and none may reach STS.
 */
type Code = keyof typeof STATUS_BY_CODE;
interface Case {
  readonly name: string;
  readonly event: unknown;
  readonly code: Code;
}

const get = (path: string, query: Record<string, string | string[]> = {}, method = "GET") =>
  functionUrlEvent(path, query, {}, method);

function pathCases(): Case[] {
  const invalidKey: Array<[string, string]> = [
    ["raw ..", "/public/../private/x"],
    ["raw .", "/public/./x"],
    ["leading ..", "/../public/x"],
    ["encoded ..", "/public/%2e%2e/private/x"],
    ["encoded .. upper", "/public/%2E%2E/private/x"],
    ["half-encoded ..", "/public/.%2e/private/x"],
    ["encoded .", "/public/%2e/x"],
    ["double-encoded ..", "/public/%252e%252e/private/x"],
    ["triple-encoded ..", "/public/%25252e%25252e/private/x"],
    ["encoded slash then ..", "/public%2F..%2Fprivate%2Fx"],
    ["double-encoded slash hides double-encoded ..", "/public/%252e%252e%252fsecret.txt"],
    ["encoded CAM policy variable", "/public/%24%7Buin%7D/x"],
    ["encoded question mark", "/public/a%3Fb.txt"],
    ["encoded slash and dots", "/public%2F%2e%2e%2Fprivate"],
    ["trailing ..", "/public/x/.."],
    ["empty segment", "/public//x"],
    ["encoded empty segment", "/public/%2F/x"],
    ["trailing slash", "/public/x/"],
    ["encoded leading slash", "/%2Fpublic/x"],
    ["backslash", "/public/..\\private\\x"],
    ["encoded backslash", "/public/%5C..%5Cprivate"],
    ["NUL", "/public/x%00.txt"],
    ["raw NUL", "/public/x\u0000.txt"],
    ["CR", "/public/x%0D.txt"],
    ["LF", "/public/x%0A.txt"],
    ["CRLF header injection", "/public/x%0D%0ASet-Cookie:%20a=b"],
    ["tab", "/public/x%09.txt"],
    ["DEL", "/public/x%7F.txt"],
    ["C1 control", "/public/x%C2%85.txt"],
    ["ESC", "/public/x%1B[31m.txt"],
    ["bad escape", "/public/x%zz.txt"],
    ["truncated escape", "/public/x%E6%96"],
    ["lone percent", "/public/100%"],
    ["overlong UTF-8 slash", "/public/%C0%AF..%C0%AFprivate"],
    ["encoded surrogate", "/public/%ED%A0%80.txt"],
    ["invalid UTF-8 byte", "/public/%FF.txt"],
    ["star", "/public/*"],
    ["encoded star", "/public/%2A"],
    ["star in the middle", "/public/a*b.txt"],
    ["policy break-out with star", '/public/x"]},{"effect":"allow","action":["name/cos:*"],"resource":["*'],
    ["encoded policy break-out", `/${encodeURIComponent('public/x"],"resource":["qcs::cos:*')}`],
    ["851 bytes", `/public/${"a".repeat(851 - 7)}`],
    ["851 bytes of CJK", `/public/${encodeURIComponent("文".repeat(282))}`],
    ["root", "/"],
    ["empty path", ""],
  ];
  const accessDenied: Array<[string, string]> = [
    ["outside prefix", "/private/payroll.xlsx"],
    ["prefix without slash", "/publicity/x"],
    ["case changed", "/PUBLIC/x"],
    ["double-encoded slash", "/public%252Fx"],
    ["policy break-out outside prefix", `/${encodeURIComponent('x"]}],"version":"2.0')}`],
    ["bracket break-out", `/${encodeURIComponent("]}")}`],
    ["quote", `/${encodeURIComponent('"')}`],
    ["unicode lookalike slash", `/public${encodeURIComponent("∕")}x`],
    ["fullwidth prefix", `/${encodeURIComponent("ｐｕｂｌｉｃ")}/x`],
    ["space before prefix", "/%20public/x"],
  ];
  return [
    ...invalidKey.map(([name, path]) => ({ name: `path: ${name}`, event: get(path), code: "InvalidKey" as const })),
    ...accessDenied.map(([name, path]) => ({ name: `path: ${name}`, event: get(path), code: "AccessDenied" as const })),
  ];
}

function queryKeyCases(): Case[] {
  const keys: Array<[string, string, Code]> = [
    ["lone high surrogate", "public/\ud800.txt", "InvalidKey"],
    ["lone low surrogate", "public/\udc00.txt", "InvalidKey"],
    ["reversed pair", "public/\udc00\ud800.txt", "InvalidKey"],
    ["dots", "public/../x", "InvalidKey"],
    ["NUL", "public/\u0000", "InvalidKey"],
    ["newline", "public/a\nb", "InvalidKey"],
    ["star", "public/*", "InvalidKey"],
    ["overlong", `public/${"é".repeat(422)}`, "InvalidKey"],
    ["longer than any parameter may be", `public/${"a".repeat(2100)}`, "InvalidKey"],
    ["leading slash", "/public/x", "InvalidKey"],
    ["outside", "private/x", "AccessDenied"],
  ];
  const cases: Case[] = keys.map(([name, key, code]) => ({ name: `?key=: ${name}`, event: get("/", { key }), code }));
  cases.push({ name: "?key= and a path", event: get("/public/a", { key: "public/b" }), code: "InvalidParameter" });
  cases.push({ name: "?key= twice", event: get("/", { key: ["public/a", "public/b"] }), code: "InvalidParameter" });
  cases.push({ name: "?key= empty", event: get("/", { key: "" }), code: "InvalidKey" });
  return cases;
}

function optionCases(): Case[] {
  const numbers = ["-1", "0", "1.5", "1e3", "0x10", "60s", " 60", "60 ", "+60", "", "abc", "NaN", "Infinity"];
  const huge = ["604801", "999999999999", "99999999999999999999999", "9".repeat(400)];
  const cases: Case[] = [];
  for (const value of [...numbers, ...huge]) {
    cases.push({
      name: `expires=${value.slice(0, 20)}`,
      event: get("/public/a", { expires: value }),
      code: "InvalidParameter",
    });
  }
  for (const value of [...numbers, ...huge, "819199", "838860801", "100"]) {
    cases.push({
      name: `trafficLimit=${value.slice(0, 20)}`,
      event: get("/public/a", { trafficLimit: value }),
      code: "InvalidParameter",
    });
  }
  const filenames: Array<[string, string]> = [
    ["CRLF", "a.txt\r\nSet-Cookie: x=y"],
    ["LF", "a\nb.txt"],
    ["CR", "a\rb.txt"],
    ["NUL", "a\u0000.txt"],
    ["tab", "a\tb.txt"],
    ["lone surrogate", "a\ud800.txt"],
    ["empty", ""],
    ["256 characters", "a".repeat(256)],
    ["huge", "x".repeat(100_000)],
  ];
  for (const [name, filename] of filenames) {
    cases.push({ name: `filename ${name}`, event: get("/public/a", { filename }), code: "InvalidParameter" });
  }
  const others: Array<[string, Record<string, string | string[]>]> = [
    ["disposition=download", { disposition: "download" }],
    ["disposition with CRLF", { disposition: "inline\r\nX: y" }],
    ["disposition upper-case", { disposition: "INLINE" }],
    ["versionId with slash-dot", { versionId: "../x" }],
    ["versionId with space", { versionId: "a b" }],
    ["versionId huge", { versionId: "a".repeat(3000) }],
    ["format=xml", { format: "xml" }],
    ["format twice", { format: ["json", "json"] }],
    ["filename twice", { filename: ["a.txt", "b.txt"] }],
    ["expires twice", { expires: ["60", "60"] }],
    ["trafficLimit twice", { trafficLimit: ["819200", "819200"] }],
    ["disposition twice", { disposition: ["inline", "attachment"] }],
    ["versionId twice", { versionId: ["a", "b"] }],
    ["exp twice", { exp: ["1", "2"] }],
  ];
  for (const [name, query] of others) {
    cases.push({ name, event: get("/public/a", query), code: "InvalidParameter" });
  }
  return cases;
}

function methodCases(): Case[] {
  return ["POST", "PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "PROPFIND", "GETX", "get ", "", "X".repeat(1000)].map(
    (method) => ({
      name: `method ${JSON.stringify(method.slice(0, 12))}`,
      event: get("/public/a", {}, method),
      code: "MethodNotAllowed",
    }),
  );
}

function directCases(): Case[] {
  const events: Array<[string, unknown, Code]> = [
    ["not JSON", "not json", "InvalidParameter"],
    ["truncated JSON", '{"key": "public/a"', "InvalidParameter"],
    ["huge string", `{"key":"${"a".repeat(200_000)}"}`, "InvalidParameter"],
    ["JSON string of a number", "42", "InvalidParameter"],
    ["number", 42, "InvalidParameter"],
    ["boolean", true, "InvalidParameter"],
    ["null", null, "InvalidParameter"],
    ["undefined", undefined, "InvalidParameter"],
    ["array", ["public/a"], "InvalidParameter"],
    ["empty object", {}, "InvalidParameter"],
    ["unknown shape", { Records: [{ cos: {} }] }, "InvalidParameter"],
    ["httpMethod not a string", { httpMethod: 1, path: "/public/a" }, "InvalidParameter"],
    ["key null", { key: null }, "InvalidKey"],
    ["key number", { key: 7 }, "InvalidKey"],
    ["key object", { key: { toString: "public/a" } }, "InvalidKey"],
    ["key with ..", { key: "public/../x" }, "InvalidKey"],
    ["key outside", { key: "private/x" }, "AccessDenied"],
    ["huge key", { key: `public/${"a".repeat(100_000)}` }, "InvalidKey"],
    ["unknown field", { key: "public/a", Key: "private/x" }, "InvalidParameter"],
    ["__proto__ field", JSON.parse('{"key":"public/a","__proto__":{"x":1}}'), "InvalidParameter"],
    ["expires string", { key: "public/a", expires: "-5" }, "InvalidParameter"],
    ["expires fractional", { key: "public/a", expires: 0.5 }, "InvalidParameter"],
    ["expires huge", { key: "public/a", expires: 1e300 }, "InvalidParameter"],
    ["trafficLimit negative", { key: "public/a", trafficLimit: -819200 }, "InvalidParameter"],
    ["filename CRLF", { key: "public/a", filename: "a\r\nb" }, "InvalidParameter"],
    ["filename number", { key: "public/a", filename: 5 }, "InvalidParameter"],
    ["keys over the limit", { keys: Array.from({ length: 101 }, (_, i) => `public/${i}`) }, "InvalidParameter"],
    ["keys far over the limit", { keys: Array.from({ length: 100_000 }, () => "public/a") }, "InvalidParameter"],
    ["keys empty", { keys: [] }, "InvalidParameter"],
    ["keys not an array", { keys: { 0: "public/a" } }, "InvalidParameter"],
    ["keys and key", { keys: ["public/a"], key: "public/a" }, "InvalidParameter"],
    // Hand-made HTTP events (only a direct caller can send these): values no string conversion survives.
    [
      "HTTP event, a repeated header holding an object",
      { httpMethod: "GET", path: "/private/x", headers: { x: [{ toString: 1 }] } },
      "AccessDenied",
    ],
    [
      "HTTP event, a repeated query value holding an object",
      { httpMethod: "GET", path: "/", queryString: { key: [{ toString: 1 }] } },
      "InvalidParameter",
    ],
  ];
  return events.map(([name, event, code]) => ({ name: `direct: ${name}`, event, code }));
}

const corpus = [...pathCases(), ...queryKeyCases(), ...optionCases(), ...methodCases(), ...directCases()];

const sts = useFakeSts();
let harness: Harness;

beforeAll(async () => {
  harness = functionHandler({ ...baseEnv(sts), ALLOWED_PREFIXES: "public/" });
});

interface Envelope {
  error?: { code?: string; message?: string };
  requestId?: string;
  url?: string;
}

describe("hostile input", () => {
  it("has at least 150 requests", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(150);
  });

  it.each(corpus.map((entry) => [entry.name, entry] as const))("%s", async (_, entry) => {
    const answer = (await harness.handler(entry.event, { request_id: "hostile" })) as ScfAnswer | Envelope;
    const http = typeof answer === "object" && answer !== null && "statusCode" in answer;
    const body: Envelope = http ? JSON.parse((answer as ScfAnswer).body || "{}") : (answer as Envelope);
    // A direct invocation's answer has no status; the log line records the one the function chose.
    const status = http ? (answer as ScfAnswer).statusCode : harness.logs.at(-1)?.status;

    expect(body.error?.code, JSON.stringify(body).slice(0, 300)).toBe(entry.code);
    expect(status).toBe(STATUS_BY_CODE[entry.code]);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(body.error?.message?.length ?? 0).toBeGreaterThan(5);
    expect(body.error?.message?.length ?? 0).toBeLessThan(300);
    expect(JSON.stringify(answer)).not.toMatch(/\n\s+at |node_modules|dist\/index\.js|TypeError|RangeError/);
    expect(body.url).toBeUndefined();
    if (http) expect((answer as ScfAnswer).headers.location).toBeUndefined();
  });

  it("never reached STS, and kept serving good requests afterwards", async () => {
    expect(sts.calls).toHaveLength(0);
    const good = (await harness.handler(get("/public/fine.txt"))) as ScfAnswer;
    expect(good.statusCode).toBe(302);
    expect(sts.calls).toHaveLength(1);
    expect(harness.logs.filter((line) => line.status >= 500)).toEqual([]);
  });
});
