import { describe, expect, it } from "vitest";
import {
  classifyParameter,
  DIRECT_FIELDS,
  QUERY_PARAMETERS,
  refuseNearMisses,
  refuseUnknownFields,
} from "../src/parameters";

const classOf = (name: string) => classifyParameter(name, QUERY_PARAMETERS);

describe("query parameter names", () => {
  it.each(QUERY_PARAMETERS)("%s is known", (name) => {
    expect(classOf(name)).toEqual({ kind: "known" });
  });

  it.each([
    ["fileName", "filename"],
    ["FILENAME", "filename"],
    ["file_name", "filename"],
    ["filname", "filename"],
    ["Expires", "expires"],
    ["expire", "expires"],
    ["expries", "expires"],
    ["versionid", "versionId"],
    ["version_id", "versionId"],
    ["version-id", "versionId"],
    ["versionIds", "versionId"],
    ["dispositon", "disposition"],
    ["dispostiion", "disposition"],
    ["traffic_limit", "trafficLimit"],
    ["trafficlimt", "trafficLimit"],
    ["Format", "format"],
    ["fromat", "format"],
    ["KEY", "key"],
    ["Sig", "sig"],
    ["EXP", "exp"],
  ])("%s is a near-miss of %s", (name, known) => {
    expect(classOf(name)).toEqual({ kind: "nearMiss", known });
  });

  it.each([
    "utm_source",
    "utm_medium",
    "UTM_Campaign",
    "fbclid",
    "gclid",
    "from",
    "spm",
    "isappinstalled",
    "session_id",
    "version",
    // One edit from a three-letter name is too close to unrelated words to call a typo.
    "keys",
    "ke",
    "ex",
    "sign",
    "id",
    "name",
    "x".repeat(5000),
  ])("%s is ignored", (name) => {
    expect(classOf(name)).toEqual({ kind: "ignored" });
  });

  it("refuses the first near-miss naming the known parameter, and lets tracking parameters through", () => {
    expect(() => refuseNearMisses(["utm_source", "fbclid", "filename"])).not.toThrow();
    expect(() => refuseNearMisses(["utm_source", "fileName"])).toThrow(
      expect.objectContaining({
        code: "InvalidParameter",
        message: 'unknown parameter "fileName": did you mean "filename"?',
      }),
    );
  });

  it("quotes at most 64 characters of a name", () => {
    expect(() => refuseNearMisses([`${"a".repeat(100)}`], ["a".repeat(99)])).toThrow(
      `unknown parameter "${"a".repeat(64)}"`,
    );
  });
});

describe("direct invocation fields", () => {
  it("accepts its own fields and refuses every other, naming a near one", () => {
    expect(() => refuseUnknownFields(DIRECT_FIELDS)).not.toThrow();
    expect(() => refuseUnknownFields(["key", "fileName"])).toThrow(
      expect.objectContaining({
        code: "InvalidParameter",
        message: 'unknown field "fileName": did you mean "filename"?',
      }),
    );
    // No tracking parameters in a JSON event: anything unknown is a mistake.
    expect(() => refuseUnknownFields(["key", "utm_source"])).toThrow('unknown field "utm_source"');
    expect(() => refuseUnknownFields(["key", "format"])).toThrow('unknown field "format"');
  });
});
