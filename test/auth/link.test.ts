import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AuthRequest, authorize, type LinkOptions, linkQuery, signLink } from "../../src/auth";
import { canonicalLinkString, linkPath, verifyLink } from "../../src/auth/link";
import { httpRequest, LINK_SECRET, NOW, NOW_S, PREVIOUS_LINK_SECRET, rejection, settingsFrom } from "./support";

const settings = settingsFrom({ AUTH_MODE: "link", LINK_SECRET, LINK_SECRET_PREVIOUS: PREVIOUS_LINK_SECRET });
const KEY = "reports/q3.pdf";
const EXP = NOW_S + 3600;
const FULL: Required<LinkOptions> = {
  filename: "Q3 résumé.pdf",
  disposition: "inline",
  versionId: "MTg0NDUx",
  trafficLimit: "819200",
  expires: "600",
};

function params(secret: string, key: string, exp: number, options: LinkOptions = {}): AuthRequest["params"] {
  return { exp: String(exp), sig: signLink(secret, key, exp, options), ...options };
}

async function linkFailure(key: string, p: AuthRequest["params"], now = NOW): Promise<string> {
  const error = await rejection(authorize(settings, httpRequest(key, p), now));
  expect(error.code).toBe("Unauthorized");
  expect(error.status).toBe(401);
  // Link-only deployments do not speak Bearer.
  expect(error.bearer).toBeUndefined();
  return error.message;
}

describe("canonical string and signature (fixed vectors, computed with Python's hmac)", () => {
  const secret = "0123456789abcdef0123456789abcdef";

  it("without options", () => {
    expect(canonicalLinkString(KEY, "1767225600")).toBe(
      "cos-presign-link-v1\n14:reports/q3.pdf\n10:1767225600\n0:\n0:\n0:\n0:\n0:\n",
    );
    expect(signLink(secret, KEY, 1767225600)).toBe("-MtcbjJh_NY924i7jOxzeWBlPU2nAFmc5nPA1GAU-W0");
  });

  it("with every option, expires last; lengths are UTF-8 bytes", () => {
    expect(canonicalLinkString(KEY, "1767225600", FULL)).toBe(
      "cos-presign-link-v1\n14:reports/q3.pdf\n10:1767225600\n15:Q3 résumé.pdf\n6:inline\n8:MTg0NDUx\n6:819200\n3:600\n",
    );
    expect(signLink(secret, KEY, 1767225600, FULL)).toBe("WwMuN8hXhQfTfCVRYTL2g6LoJ2sSNmP9R9yYjzZi5-A");
  });

  it("expires alone", () => {
    expect(canonicalLinkString(KEY, "1767225600", { expires: "600" })).toBe(
      "cos-presign-link-v1\n14:reports/q3.pdf\n10:1767225600\n0:\n0:\n0:\n0:\n3:600\n",
    );
    expect(signLink(secret, KEY, 1767225600, { expires: "600" })).toBe("EiBs1Ei5_Y-tzPuLkg_3BRNfBhzjyaxfbCeTVCIraGA");
  });

  it("is unambiguous: different fields never give the same bytes", () => {
    // A small alphabet rich in the characters a naive format would trip on: separators, digits, multi-byte.
    const field = fc.string({ unit: fc.constantFrom("a", "1", ":", "\n", "é", "0"), maxLength: 6 });
    const tuple = fc.tuple(field, field, field, field, field, field, field);
    type Fields = [string, string, string, string, string, string, string];
    const bytes = ([key, exp, filename, disposition, versionId, trafficLimit, expires]: Fields) =>
      Buffer.from(canonicalLinkString(key, exp, { filename, disposition, versionId, trafficLimit, expires }), "utf8");
    fc.assert(
      fc.property(tuple, tuple, (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        expect(bytes(a).equals(bytes(b))).toBe(false);
      }),
      { numRuns: 2000 },
    );
    // The classic shift: moving a newline between fields changes the lengths.
    expect(canonicalLinkString("a\n1:b", "c")).not.toBe(canonicalLinkString("a", "b\n1:c"));
  });

  it("is unambiguous where a naive format breaks: the same text cut into fields two ways never gives the same bytes", () => {
    const text = fc.string({ unit: fc.constantFrom("a", "1", ":", "\n", "é", "0"), maxLength: 12 });
    const cuts = (length: number) =>
      fc
        .array(fc.integer({ min: 0, max: length }), { minLength: 6, maxLength: 6 })
        .map((at) => at.sort((x, y) => x - y));
    const cutTwice = text.chain((t) => fc.tuple(fc.constant(t), cuts(t.length), cuts(t.length)));
    type Fields = [string, string, string, string, string, string, string];
    const fieldsOf = (t: string, at: readonly number[]): Fields => {
      const bounds = [0, ...at, t.length];
      return bounds.slice(1).map((end, i) => t.slice(bounds[i], end)) as Fields;
    };
    const bytes = ([key, exp, filename, disposition, versionId, trafficLimit, expires]: Fields) =>
      canonicalLinkString(key, exp, { filename, disposition, versionId, trafficLimit, expires });
    fc.assert(
      fc.property(cutTwice, ([t, first, second]) => {
        fc.pre(first.join() !== second.join());
        expect(bytes(fieldsOf(t, first))).not.toBe(bytes(fieldsOf(t, second)));
      }),
      { numRuns: 2000 },
    );
  });

  it("signLink refuses what it cannot sign unambiguously", () => {
    for (const exp of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e13]) {
      expect(() => signLink(secret, KEY, exp), String(exp)).toThrow(RangeError);
    }
    expect(() => signLink("", KEY, EXP)).toThrow(TypeError);
    expect(() => signLink(secret, "a\uD800b", EXP)).toThrow(TypeError);
    expect(() => signLink(secret, KEY, EXP, { filename: "\uDC00" })).toThrow(TypeError);
  });
});

describe("authorize: signed links", () => {
  it("a valid link passes, with and without options", async () => {
    await expect(authorize(settings, httpRequest(KEY, params(LINK_SECRET, KEY, EXP)), NOW)).resolves.toEqual({
      via: "link",
    });
    await expect(authorize(settings, httpRequest(KEY, params(LINK_SECRET, KEY, EXP, FULL)), NOW)).resolves.toEqual({
      via: "link",
    });
  });

  it("a link signed with the previous secret still passes (rotation)", async () => {
    const grant = await authorize(settings, httpRequest(KEY, params(PREVIOUS_LINK_SECRET, KEY, EXP, FULL)), NOW);
    expect(grant).toEqual({ via: "link" });
  });

  it("a link signed with another secret fails", async () => {
    const other = "some-other-secret-0123456789abcdefgh";
    expect(await linkFailure(KEY, params(other, KEY, EXP))).toBe("link signature does not match");
  });

  it("a link for another key fails", async () => {
    const p = params(LINK_SECRET, KEY, EXP);
    for (const key of ["reports/q4.pdf", "reports/q3.pdf ", "Reports/q3.pdf", "reports/q3.pd", `/${KEY}`]) {
      expect(await linkFailure(key, p), key).toBe("link signature does not match");
    }
  });

  it("altering, adding or dropping any option fails", async () => {
    const signed = params(LINK_SECRET, KEY, EXP, FULL);
    for (const name of Object.keys(FULL) as (keyof LinkOptions)[]) {
      const altered = { ...signed, [name]: `${FULL[name]}x` };
      expect(await linkFailure(KEY, altered), `altered ${name}`).toBe("link signature does not match");
      const { [name]: _dropped, ...rest } = signed;
      expect(await linkFailure(KEY, rest), `dropped ${name}`).toBe("link signature does not match");
      const bare = params(LINK_SECRET, KEY, EXP);
      expect(await linkFailure(KEY, { ...bare, [name]: FULL[name] }), `added ${name}`).toBe(
        "link signature does not match",
      );
    }
  });

  it("expires is signed: a link signed with it passes with it; adding, changing or dropping it fails", async () => {
    const signed = params(LINK_SECRET, KEY, EXP, { expires: "300" });
    expect(signed.expires).toBe("300");
    await expect(authorize(settings, httpRequest(KEY, signed), NOW)).resolves.toEqual({ via: "link" });
    // The attack this closes: a link holder stretching the COS URL each click hands out.
    const bare = params(LINK_SECRET, KEY, EXP);
    for (const expires of ["604800", "300", "1"]) {
      expect(await linkFailure(KEY, { ...bare, expires }), `added ${expires}`).toBe("link signature does not match");
    }
    // Another value, or the same number spelled another way: the raw text is what is signed.
    for (const expires of ["604800", "301", "0300", "300 ", "3e2"]) {
      expect(await linkFailure(KEY, { ...signed, expires }), `changed to ${expires}`).toBe(
        "link signature does not match",
      );
    }
    const { expires: _dropped, ...dropped } = signed;
    expect(await linkFailure(KEY, dropped)).toBe("link signature does not match");
    // The same holds with every other option present, and with the previous secret.
    const full = params(PREVIOUS_LINK_SECRET, KEY, EXP, FULL);
    await expect(authorize(settings, httpRequest(KEY, full), NOW)).resolves.toEqual({ via: "link" });
    expect(await linkFailure(KEY, { ...full, expires: "604800" })).toBe("link signature does not match");
  });

  it("moving exp later, or spelling it differently, fails", async () => {
    const p = params(LINK_SECRET, KEY, EXP);
    expect(await linkFailure(KEY, { ...p, exp: String(EXP + 86_400) })).toBe("link signature does not match");
    expect(await linkFailure(KEY, { ...p, exp: String(EXP - 1) })).toBe("link signature does not match");
    expect(await linkFailure(KEY, { ...p, exp: `0${EXP}` })).toBe("link exp is not a Unix time in seconds");
    for (const exp of ["1e10", "-1", " 1", "1.0", "0x10", "abc"]) {
      expect(await linkFailure(KEY, { ...p, exp }), exp).toBe("link exp is not a Unix time in seconds");
    }
  });

  it("an altered sig fails without throwing, whatever its length", async () => {
    const p = params(LINK_SECRET, KEY, EXP);
    const sig = p.sig ?? "";
    const flipped = `${sig.slice(0, 10)}${sig[10] === "A" ? "B" : "A"}${sig.slice(11)}`;
    for (const bad of [flipped, sig.slice(1), `${sig}A`, `${sig}=`, sig.toLowerCase(), "x", "é".repeat(43)]) {
      expect(await linkFailure(KEY, { ...p, sig: bad }), bad).toBe("link signature does not match");
    }
  });

  it("an expired link fails; the expiry is exclusive", async () => {
    const p = params(LINK_SECRET, KEY, EXP);
    await expect(authorize(settings, httpRequest(KEY, p), EXP * 1000 - 1)).resolves.toEqual({ via: "link" });
    expect(await linkFailure(KEY, p, EXP * 1000)).toBe("link expired");
    expect(await linkFailure(KEY, p, EXP * 1000 + 86_400_000)).toBe("link expired");
  });

  it("an expired link that was also altered is reported as altered", async () => {
    const p = params(LINK_SECRET, KEY, NOW_S - 60);
    expect(await linkFailure(KEY, { ...p, filename: "x.pdf" })).toBe("link signature does not match");
  });

  it("missing sig or exp", async () => {
    const p = params(LINK_SECRET, KEY, EXP);
    expect(await linkFailure(KEY, { exp: p.exp ?? "" })).toBe("link signature missing (sig)");
    expect(await linkFailure(KEY, { sig: p.sig ?? "" })).toBe("link expiry missing (exp)");
    expect(await linkFailure(KEY, { exp: p.exp ?? "", sig: "" })).toBe("link signature missing (sig)");
    expect(await linkFailure(KEY, {})).toBe("no credentials: send a signed link (exp, sig)");
    expect(await linkFailure(KEY, { filename: "a.pdf" })).toBe("no credentials: send a signed link (exp, sig)");
  });

  it("an empty option signs like an absent one", () => {
    const sig = signLink(LINK_SECRET, KEY, EXP);
    expect(signLink(LINK_SECRET, KEY, EXP, { filename: "" })).toBe(sig);
    expect(verifyLink([LINK_SECRET], KEY, { exp: String(EXP), sig, filename: "" }, NOW)).toBeUndefined();
  });

  it("a key with a lone surrogate never verifies (it has no UTF-8 form to sign)", () => {
    const sig = signLink(LINK_SECRET, "a\uFFFDb", EXP);
    expect(verifyLink([LINK_SECRET], "a\uD800b", { exp: String(EXP), sig }, NOW)).toBe("link signature does not match");
  });

  it("messages never carry the expected signature or a secret", async () => {
    const good = params(LINK_SECRET, KEY, EXP);
    const message = await linkFailure("other", good);
    const expected = signLink(LINK_SECRET, "other", EXP);
    for (const leak of [expected, good.sig ?? "", LINK_SECRET, PREVIOUS_LINK_SECRET]) {
      expect(message).not.toContain(leak);
    }
  });
});

describe("linkQuery and linkPath", () => {
  it("produce a link the function accepts after ordinary URL decoding", () => {
    const option = fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined });
    fc.assert(
      fc.property(
        // Keys as the key rules allow them: no empty, "." or ".." segments, which URL parsing would rewrite.
        fc
          .array(
            fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== "." && s !== ".." && !s.includes("/")),
            { minLength: 1, maxLength: 4 },
          )
          .map((segments) => segments.join("/")),
        fc.integer({ min: NOW_S + 1, max: NOW_S + 10 * 365 * 86_400 }),
        fc.record({ filename: option, disposition: option, versionId: option, trafficLimit: option, expires: option }),
        (key, exp, maybe) => {
          const options = Object.fromEntries(Object.entries(maybe).filter(([, v]) => v !== undefined)) as LinkOptions;
          const url = new URL(`https://fn.example${linkPath(key)}?${linkQuery(LINK_SECRET, key, exp, options)}`);
          const decodedKey = url.pathname.slice(1).split("/").map(decodeURIComponent).join("/");
          expect(decodedKey).toBe(key);
          const received = Object.fromEntries(url.searchParams);
          expect(verifyLink([LINK_SECRET], decodedKey, received, NOW)).toBeUndefined();
        },
      ),
    );
  });

  it("puts exp and sig first and leaves out absent or empty options", () => {
    const query = linkQuery(LINK_SECRET, KEY, EXP, { filename: "a b&c.pdf", versionId: "" });
    expect(query).toMatch(/^exp=\d+&sig=[A-Za-z0-9_-]{43}&filename=a%20b%26c\.pdf$/);
  });

  it("writes expires, last, when given", () => {
    const query = linkQuery(LINK_SECRET, KEY, EXP, { expires: "600", filename: "a.pdf" });
    expect(query).toBe(
      `exp=${EXP}&sig=${signLink(LINK_SECRET, KEY, EXP, { filename: "a.pdf", expires: "600" })}&filename=a.pdf&expires=600`,
    );
    expect(linkQuery(LINK_SECRET, KEY, EXP, { expires: "" })).not.toContain("expires");
  });

  it("valid links round-trip for arbitrary keys and options; any single change breaks them", () => {
    const field = fc.string({ unit: "grapheme", maxLength: 16 });
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 24 }),
        fc.record({ filename: field, disposition: field, versionId: field, trafficLimit: field, expires: field }),
        fc.constantFrom("key", "exp", "filename", "disposition", "versionId", "trafficLimit", "expires"),
        (key, options, victim) => {
          const p: Record<string, string> = {
            exp: String(EXP),
            sig: signLink(LINK_SECRET, key, EXP, options),
            ...options,
          };
          expect(verifyLink([LINK_SECRET], key, p, NOW)).toBeUndefined();
          const changed = victim === "key" ? `${key}!` : key;
          const q = victim === "key" ? p : { ...p, [victim]: victim === "exp" ? String(EXP + 1) : `${p[victim]}!` };
          expect(verifyLink([LINK_SECRET], changed, q, NOW)).toBe("link signature does not match");
        },
      ),
    );
  });
});
