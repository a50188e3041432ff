#!/usr/bin/env node
// Random requests signed by aws4 (mhart/aws4), as they go on the wire, for
// the server-side verifier's tests.
//
//     node aws4_signed.mjs --seed S --count N --out FILE.jsonl
//
// Same format, PRNG and generators as smithy_signed.mjs (imported from there).
// The signing time is handed to aws4's RequestSigner (its `datetime`), never
// read from the clock. aws4 takes `path` with the query attached, as the
// caller would send it; it parses the query (Node's querystring: "+" is a
// space), signs it and re-serializes it, and the target recorded is the
// `path` it returns. Header mode: aws4 adds Host, X-Amz-Date,
// X-Amz-Security-Token, X-Amz-Content-Sha256 (s3), Content-Type and
// Content-Length (for a body), all signed. Query mode (signQuery: true): the
// X-Amz-* parameters are added to the query; X-Amz-Expires is put in the query
// by the caller, as aws4 expects (it defaults it to 86400 for s3 only).
//
// aws4's quirks, and the inputs avoided because of them (a correct AWS server
// would reject what aws4 signs for them):
// - only service "s3" gets S3's rules; s3-object-lambda, s3express and
//   s3-outposts would be normalized and double-encoded like a generic
//   service, so S3 rules here always use "s3";
// - for s3, each path segment is decoded with "+" taken as a space before
//   being encoded again: the S3 paths are given in canonical form (no raw
//   "+", uppercase hex), where that decoding is the identity;
// - for s3, only the first value of a repeated query name is signed: s3 query
//   names are unique;
// - header names differing only in case are signed as two lines: never
//   generated;
// - empty query names are dropped from both the signature and the URL;
//   names starting with "x-amz-" would mix with the X-Amz-* parameters:
//   neither is generated;
// - service "email" is silently renamed "ses": not generated;
// - a path with any character outside [0-9A-Za-z;,/?:@&=+$\-_.!~*'()#%] is
//   rewritten with encodeURI(decodeURI(path)): paths are given fully
//   percent-encoded (the generators only produce characters of that set);
// - a generic path ending in a dot segment ("/a/b/..") is signed as "/a":
//   never generated (as for botocore and smithy);
// - header values are ASCII (Node's HTTP client refuses or latin-1-encodes
//   others, while aws4 hashes UTF-8).

import aws4 from "aws4";
import {
  BODY_METHODS, METHODS, addTransportHeaders, genAuthority, genBody,
  genCredentials, genExpires, genGenericPath, genHeaders, genQueryPairs,
  genRegion, genS3Path, genService, genTime, runMain, serializeQuery,
  varyCase,
} from "./smithy_signed.mjs";

async function aws4Case(rng, idx) {
  const mode = rng.random() < 0.3 ? "query" : "header";
  const rules = rng.random() < 0.4 ? "s3" : "generic";
  const service = genService(rng, rules, ["s3"], new Set(["email"]));
  const region = genRegion(rng);
  const method = mode === "query" && rng.random() < 0.75
    ? rng.choice(["GET", "GET", "PUT"]) : rng.choice(METHODS);
  const authority = genAuthority(rng, rules, service, region);
  const path = rules === "s3" ? genS3Path(rng) : genGenericPath(rng);
  const pairs = genQueryPairs(rng, rules === "s3");
  const body = mode === "header" && BODY_METHODS.includes(method)
    ? genBody(rng) : "";
  const headerList = genHeaders(rng);
  const unsigned = mode === "header" && rules === "s3" && rng.random() < 0.25;
  const creds = genCredentials(rng);
  const { time } = genTime(rng);
  const expires = mode === "query" ? genExpires(rng) : null;

  let query = serializeQuery(rng, pairs);
  if (mode === "query") {
    query += (query ? "&" : "") + `X-Amz-Expires=${expires}`;
  }
  const headers = {};
  if (rng.random() < 0.2) {
    // An explicit Host header (aws4 adds "Host" from `host` otherwise).
    const value = rng.random() < 0.5 ? varyCase(rng, authority, 0.3)
      : authority;
    headers[rng.choice(["Host", "host"])] = rng.choice(["", " "]) + value
      + rng.choice(["", "", " \t"]);
  }
  for (const [k, v] of headerList) headers[k] = v;
  if (unsigned) headers["X-Amz-Content-Sha256"] = "UNSIGNED-PAYLOAD";

  const request = {
    host: authority,
    method,
    path: path + (query ? "?" + query : ""),
    headers,
    service,
    region,
    ...(body !== "" ? { body } : {}),
    ...(mode === "query" ? { signQuery: true } : {}),
  };
  const signer = new aws4.RequestSigner(request, {
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
  });
  signer.datetime = time; // read by getDateTime() instead of the clock
  const signed = signer.sign();

  const outHeaders = Object.entries(signed.headers)
    .map(([k, v]) => [k, String(v)]);
  addTransportHeaders(outHeaders, method, body);
  if (mode === "header"
    && !outHeaders.some(([k]) => k.toLowerCase() === "authorization")) {
    throw new Error(`case ${idx}: no Authorization header`);
  }
  if (mode === "query" && !/[?&]X-Amz-Signature=[0-9a-f]{64}(&|$)/
    .test(signed.path)) {
    throw new Error(`case ${idx}: no signature in ${signed.path}`);
  }
  if (!signer.stringToSign().startsWith(`AWS4-HMAC-SHA256\n${time}\n`)) {
    throw new Error(`case ${idx}: signing time not used`);
  }

  return {
    id: `aws4-${idx}`,
    signer: "aws4",
    mode,
    rules,
    method,
    target: signed.path,
    host: authority,
    headers: outHeaders,
    body,
    region,
    service,
    access_key_id: creds.accessKeyId,
    secret_access_key: creds.secretAccessKey,
    session_token: creds.sessionToken,
    time,
    expires,
  };
}

runMain("aws4", aws4Case).catch((e) => {
  console.error(e);
  process.exit(1);
});
