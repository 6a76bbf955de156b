import type { SignatureInput, SignatureParts } from "../../src/cos/signature";

/**
 * The official COS signature vectors, transcribed from Tencent's "Request Signature" page
 * (cloud.tencent.com/document/product/436/7778), and the project's STS vectors. `expected` lists only what the
 * source states.
 */
export interface Vector {
  readonly name: string;
  readonly input: SignatureInput;
  readonly expected: Partial<SignatureParts>;
}

const OFFICIAL = { secretId: "AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q", secretKey: "BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz" };
/** Vector D's inputs, also used by the URL tests and the oracle's own sanity check. */
export const STS = { secretId: "AKIDTMPEXAMPLE", secretKey: "TmpSecretKeyExample/abc=" };
export const D_TIME = { start: 1700000000, end: 1700000600 };
export const D_QUERY = {
  "response-content-disposition": "attachment; filename*=UTF-8''%E6%96%87.pdf",
  versionId: "MTg0NDUxNTc1NjIzMTQ1MDAwODg",
  "x-cos-traffic-limit": "819200",
};
const BEIJING_HOST = "examplebucket-1250000000.cos.ap-beijing.myqcloud.com";
const GUANGZHOU_HOST = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com";

export const VECTORS: readonly Vector[] = [
  {
    name: "A: PUT with content headers",
    input: {
      ...OFFICIAL,
      method: "PUT",
      path: "/exampleobject(腾讯云)",
      query: {},
      headers: {
        "Content-Length": "13",
        "Content-MD5": "mQ/fVh815F3k6TAUm8m0eg==",
        "Content-Type": "text/plain",
        Date: "Thu, 16 May 2019 06:45:51 GMT",
        Host: BEIJING_HOST,
        "x-cos-acl": "private",
        "x-cos-grant-read": 'uin="100000000011"',
      },
      keyTime: { start: 1557989151, end: 1557996351 },
    },
    expected: {
      keyTime: "1557989151;1557996351",
      signKey: "eb2519b498b02ac213cb1f3d1a3d27a3b3c9bc5f",
      urlParamList: "",
      httpParameters: "",
      headerList: "content-length;content-md5;content-type;date;host;x-cos-acl;x-cos-grant-read",
      httpHeaders:
        "content-length=13&content-md5=mQ%2FfVh815F3k6TAUm8m0eg%3D%3D&content-type=text%2Fplain&date=Thu%2C%2016%20May%202019%2006%3A45%3A51%20GMT&host=examplebucket-1250000000.cos.ap-beijing.myqcloud.com&x-cos-acl=private&x-cos-grant-read=uin%3D%22100000000011%22",
      httpStringSha1: "8b2751e77f43a0995d6e9eb9477f4b685cca4172",
      signature: "3b8851a11a569213c17ba8fa7dcf2abec6935172",
    },
  },
  {
    name: "B: GET with response-* parameters, date and host signed",
    input: {
      ...OFFICIAL,
      method: "GET",
      path: "/exampleobject(腾讯云)",
      query: { "response-content-type": "application/octet-stream", "response-cache-control": "max-age=600" },
      headers: { Date: "Thu, 16 May 2019 06:55:53 GMT", Host: BEIJING_HOST },
      keyTime: { start: 1557989753, end: 1557996953 },
    },
    expected: {
      keyTime: "1557989753;1557996953",
      signKey: "937914bf490e9e8c189836aad2052e4feeb35eaf",
      urlParamList: "response-cache-control;response-content-type",
      httpParameters: "response-cache-control=max-age%3D600&response-content-type=application%2Foctet-stream",
      headerList: "date;host",
      httpStringSha1: "54ecfe22f59d3514fdc764b87a32d8133ea611e6",
      signature: "01681b8c9d798a678e43b685a9f1bba0f6c0e012",
    },
  },
  {
    name: "C: vector B signing host only",
    input: {
      ...OFFICIAL,
      method: "GET",
      path: "/exampleobject(腾讯云)",
      query: { "response-content-type": "application/octet-stream", "response-cache-control": "max-age=600" },
      headers: { Host: BEIJING_HOST },
      keyTime: { start: 1557989753, end: 1557996953 },
    },
    expected: {
      signKey: "937914bf490e9e8c189836aad2052e4feeb35eaf",
      urlParamList: "response-cache-control;response-content-type",
      headerList: "host",
      signature: "cf18ded2f669fcafa4b98e02c2a3fdb2b2e55c43",
    },
  },
  {
    name: "D: STS-style download with CJK path and response parameters",
    input: {
      ...STS,
      method: "GET",
      path: "/dir/文件 (1)+x.pdf",
      query: D_QUERY,
      headers: { Host: GUANGZHOU_HOST },
      keyTime: D_TIME,
    },
    expected: {
      keyTime: "1700000000;1700000600",
      signKey: "923716c3bf570f4a3344b1ae4a19f2a2a29e9cd9",
      httpString:
        "get\n/dir/文件 (1)+x.pdf\nresponse-content-disposition=attachment%3B%20filename%2A%3DUTF-8%27%27%25E6%2596%2587.pdf&versionid=MTg0NDUxNTc1NjIzMTQ1MDAwODg&x-cos-traffic-limit=819200\nhost=examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com\n",
      httpStringSha1: "47a8e602b1b036bc52cf137cac2ded72fc3acb2c",
      urlParamList: "response-content-disposition;versionid;x-cos-traffic-limit",
      headerList: "host",
      signature: "0c2caf546e154460796659274d3bfc84fb21549b",
    },
  },
  {
    name: "D2: session token signed in the query",
    input: {
      ...STS,
      method: "GET",
      path: "/a.txt",
      query: { "x-cos-security-token": "tok_EN-123" },
      headers: { Host: GUANGZHOU_HOST },
      keyTime: D_TIME,
    },
    expected: {
      signKey: "923716c3bf570f4a3344b1ae4a19f2a2a29e9cd9",
      urlParamList: "x-cos-security-token",
      headerList: "host",
      signature: "3e4a034f4c990eea81cb706fb413ee5dfa42370e",
    },
  },
];
