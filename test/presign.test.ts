import { describe, expect, it } from "vitest";
import { baseEnv, functionHandler, functionUrlEvent, type ScfAnswer, useFakeSts } from "./support/function";

// A fake STS that mints what AssumeRole's default gives (STS doc 598/33164), 7200 s, as real STS honours DurationSeconds.
const sts = useFakeSts({ lifetimeSeconds: 7200, resetEach: true });

describe("the default lifetimes agree", () => {
  it("asking for more than URL_MAX_EXPIRES_SECONDS gets all of it: a 3600 s URL from a 7200 s key", async () => {
    const { handler } = functionHandler(baseEnv(sts));
    const answer = (await handler(functionUrlEvent("/public/report.pdf", { format: "json", expires: "86400" }), {
      request_id: "req-defaults",
    })) as ScfAnswer;
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ expiresIn: 3600 });
    expect(sts.calls.map((call) => call.durationSeconds)).toEqual([7200]);
  });
});
