import { PresignError } from "../errors";

/** COS actions a download credential may carry. HEAD needs its own action; GET does not imply it. */
export type CosAction = "GetObject" | "HeadObject";

export interface CamPolicy {
  readonly version: "2.0";
  readonly statement: readonly [
    {
      readonly effect: "allow";
      readonly action: readonly string[];
      readonly resource: readonly [string];
    },
  ];
}

export interface ObjectRef {
  /** Full bucket name, `<name>-<appid>`. */
  readonly bucket: string;
  readonly region: string;
  /** The object key, raw (not URL-encoded). */
  readonly key: string;
}

const BUCKET_WITH_APPID = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?-(\d{5,})$/;

/** The APPID is the bucket name's numeric suffix; COS requires it in every full bucket name. */
export function appIdFromBucket(bucket: string): string {
  const appId = BUCKET_WITH_APPID.exec(bucket)?.[1];
  if (appId === undefined) {
    throw new PresignError(
      "ConfigError",
      `bucket name "${bucket}" must be the full name "<name>-<appid>", e.g. "examplebucket-1250000000"`,
    );
  }
  return appId;
}

/** `qcs::cos:<region>:uid/<appid>:<bucket>/<key>`, the key raw as Tencent's CAM expects. */
export function objectResource({ bucket, region, key }: ObjectRef): string {
  return `qcs::cos:${region}:uid/${appIdFromBucket(bucket)}:${bucket}/${key}`;
}

/**
 * A CAM policy that grants the listed actions on exactly one object and nothing else.
 * No `principal`: STS rejects it in a session policy. The key must already have passed the key rules
 * (no `*`, which CAM reads as a wildcard that cannot be escaped).
 */
export function oneObjectPolicy(ref: ObjectRef, actions: readonly CosAction[]): CamPolicy {
  return {
    version: "2.0",
    statement: [
      {
        effect: "allow",
        action: actions.map((action) => `name/cos:${action}`),
        resource: [objectResource(ref)],
      },
    ],
  };
}

/** STS takes the policy JSON URL-encoded exactly once. */
export function encodePolicy(policy: CamPolicy): string {
  return encodeURIComponent(JSON.stringify(policy));
}
