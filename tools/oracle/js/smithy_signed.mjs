#!/usr/bin/env node
// Random requests signed by @smithy/signature-v4 (the AWS SDK for JavaScript
// v3 signer), as they go on the wire, for the server-side verifier's tests.
//
//     node smithy_signed.mjs --seed S --count N --out FILE.jsonl
//
// One JSON object per line, in the format shared with ../botocore_signed.py
// and aws4_signed.mjs (see there). Deterministic: a seeded PRNG (sfc32, seeded
// through splitmix32; never Math.random) drives every choice, the signing time
// is passed to the signer (signingDate), and case i does not depend on --count.
//
// The request is built the way the SDK builds it: an HttpRequest whose `path`
// is already percent-encoded as on the wire, whose `query` is a map of decoded
// names to values (arrays for repeated names), with a `host` header and, for a
// body, a `content-length` header (both signed). The target recorded is what
// @smithy/node-http-handler sends: path + "?" + buildQueryString(query).
// S3-like services are signed with uriEscapePath: false (S3's rules: the path
// as sent), others with uriEscapePath: true (normalized, encoded once more).
// Presigned S3 requests follow @aws-sdk/s3-request-presigner: an
// `x-amz-content-sha256: UNSIGNED-PAYLOAD` header (hoisted into the query),
// content-type unsigned, x-amz-server-side-encryption* kept as headers.
//
// Inputs avoided because smithy signs them in a way AWS would not accept:
// - a query value of null/undefined: sent as a bare `name` but left out of the
//   canonical query (getCanonicalQuery keeps only strings and arrays);
// - two header names differing only in case: both sent, only one signed;
// - a generic path ending in a dot segment ("/a/b/.."): normalized to "/a"
//   (like botocore), where RFC 3986 gives "/a/";
// - query names starting with "x-amz-": X-Amz-Signature (any case) is left out
//   of the canonical query, and presign() owns the X-Amz-* parameters;
// - header values with non-ASCII characters or CR/LF: Node's HTTP client
//   refuses them (or sends latin-1), while the signer hashes UTF-8.

import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

// ---------------------------------------------------------------------------
// Seeded PRNG.
// ---------------------------------------------------------------------------
// `salt` (e.g. the signer's name) keeps generators run with one seed from
// drawing the same sequence.
export function makeRng(seed, salt = "") {
  let sm = (Number(seed) >>> 0) ^ Math.floor(Number(seed) / 2 ** 32);
  for (const ch of salt) sm = Math.imul(sm ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  const splitmix = () => {
    sm = (sm + 0x9e3779b9) >>> 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix(), b = splitmix(), c = splitmix(), d = splitmix();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 16; i++) next();
  const rng = {
    u32: next,
    random: () => next() / 2 ** 32,
    randint: (lo, hi) => lo + Math.floor(rng.random() * (hi - lo + 1)),
    choice: (arr) => arr[Math.floor(rng.random() * arr.length)],
    hex: (nchars) => {
      let s = "";
      for (let i = 0; i < nchars; i++) s += "0123456789abcdef"[next() & 15];
      return s;
    },
  };
  return rng;
}

export function weighted(rng, table) {
  const total = table.reduce((s, [w]) => s + w, 0);
  let x = rng.random() * total;
  for (const [w, v] of table) {
    x -= w;
    if (x < 0) return v();
  }
  return table[table.length - 1][1]();
}

// ---------------------------------------------------------------------------
// Character pools (as in ../botocore_cases.py).
// ---------------------------------------------------------------------------
export const ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const DIGIT = "0123456789";
export const UNRESERVED = ALPHA + DIGIT + "-._~";
const SUB_DELIMS = "!$&'()*+,;=";
const TOKEN_EXTRA = "!#$%&'*+-.^_`|~";
const B64 = ALPHA + DIGIT + "+/";
const LOWER = "abcdefghijklmnopqrstuvwxyz";

const UNICODE_SAMPLES = [
  "é", "ü", "ß", "ñ", "ø", "Å", "Ж", "я", "中", "文", "日", "ア", "한",
  "ع", "א", "ℌ", "€", "✓", "😀", "🚀", "🦀", "𝔘", "\u00a0", "\u3000",
  "\u0301", "\u200b", "\ufeff", "\u{10fffd}",
];

const REAL_REGIONS = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1",
  "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1",
  "eu-south-1", "cn-north-1", "cn-northwest-1", "us-gov-west-1",
  "us-gov-east-1", "ap-southeast-2", "ap-southeast-1", "ap-northeast-1",
  "ap-northeast-3", "ap-south-1", "sa-east-1", "ca-central-1",
  "ca-west-1", "me-south-1", "me-central-1", "af-south-1", "il-central-1",
  "mx-central-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1",
];
const ODD_REGIONS = ["aws-global", "local", "x", "us-east-1-fips", "region-0",
  "zz-top-99", "a1"];
export const S3_SERVICES = ["s3", "s3", "s3", "s3", "s3-object-lambda",
  "s3express", "s3-outposts"];
const GENERIC_SERVICES = [
  "polly", "ses", "kinesis", "sts", "execute-api", "es", "iam", "sqs",
  "monitoring", "iotdata", "dynamodb", "lambda", "sns", "ec2",
];
export const METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH",
  "OPTIONS"];
export const BODY_METHODS = ["POST", "PUT", "PATCH", "DELETE"];
// Node's HTTP client sends Content-Length: 0 for these with no body.
const CHUNKED_BY_DEFAULT = ["POST", "PUT", "PATCH"];

// Names the signers own, hop-by-hop headers and headers that some signer
// never signs: random names avoid all of them.
const RESERVED_HEADER_NAMES = new Set([
  "host", "authorization", "date", "x-amz-date", "x-amz-security-token",
  "x-amz-content-sha256", "content-md5", "content-length", "content-type",
  "x-amz-algorithm", "x-amz-credential", "x-amz-signedheaders",
  "x-amz-expires", "x-amz-signature", "x-amz-region-set",
  "baggage", "connection", "expect", "keep-alive", "proxy-authenticate",
  "proxy-authorization", "te", "traceparent", "tracestate", "trailer",
  "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
  "presigned-expires", "__proto__",
]);

// ---------------------------------------------------------------------------
// Small helpers.
// ---------------------------------------------------------------------------
const utf8 = new TextEncoder();

export function pctByte(rng, b) {
  let out = "%";
  for (const d of b.toString(16).toUpperCase().padStart(2, "0")) {
    out += rng.random() < 0.3 ? d.toLowerCase() : d;
  }
  return out;
}

export function pctChar(rng, c) {
  return Array.from(utf8.encode(c), (b) => pctByte(rng, b)).join("");
}

export function canonChar(c) {
  if (UNRESERVED.includes(c)) return c;
  return Array.from(utf8.encode(c),
    (b) => "%" + b.toString(16).toUpperCase().padStart(2, "0")).join("");
}

export function randomUnicode(rng) {
  if (rng.random() < 0.7) return rng.choice(UNICODE_SAMPLES);
  for (;;) {
    const cp = rng.choice([rng.randint(0x80, 0x7ff), rng.randint(0x800, 0xffff),
      rng.randint(0x10000, 0x10ffff)]);
    if (cp < 0xd800 || cp > 0xdfff) return String.fromCodePoint(cp);
  }
}

export function varyCase(rng, s, p = 0.5) {
  return Array.from(s, (c) => (/[A-Za-z]/.test(c) && rng.random() < p
    ? (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) : c))
    .join("");
}

function str(rng, pool, lo, hi) {
  let s = "";
  const n = rng.randint(lo, hi);
  for (let i = 0; i < n; i++) s += rng.choice(pool);
  return s;
}

// ---------------------------------------------------------------------------
// Service, region, credentials, time.
// ---------------------------------------------------------------------------
export function genService(rng, rules, s3Services = S3_SERVICES,
  avoid = new Set()) {
  if (rules === "s3") return rng.choice(s3Services);
  if (rng.random() < 0.8) return rng.choice(GENERIC_SERVICES);
  for (;;) {
    const name = (rng.choice(LOWER) + str(rng, LOWER + DIGIT + "-", 1, 14))
      .replace(/-+$/, "");
    if (!S3_SERVICES.includes(name) && !avoid.has(name)) return name;
  }
}

export function genRegion(rng) {
  const r = rng.random();
  if (r < 0.8) return rng.choice(REAL_REGIONS);
  if (r < 0.9) return rng.choice(ODD_REGIONS);
  const parts = [];
  for (let i = rng.randint(1, 3); i > 0; i--) parts.push(str(rng, LOWER, 1, 8));
  return parts.join("-") + "-" + rng.randint(0, 99);
}

export function genCredentials(rng) {
  let token = null;
  if (rng.random() < 0.5) {
    token = str(rng, B64, 16, 400) + "=".repeat(rng.randint(0, 2));
  }
  const prefix = token && rng.random() < 0.8 ? "ASIA" : "AKIA";
  const accessKeyId = prefix + str(rng, ALPHA.slice(0, 26) + DIGIT, 16, 16);
  const secretAccessKey = str(rng, B64, 40, 40);
  return { accessKeyId, secretAccessKey, sessionToken: token };
}

const T0 = Date.UTC(2000, 0, 1) / 1000;
const T1 = Date.UTC(2035, 11, 31, 23, 59, 59) / 1000;

// Returns { date: Date, time: "YYYYMMDDTHHMMSSZ" }.
export function genTime(rng) {
  const date = new Date(rng.randint(T0, T1) * 1000);
  return { date, time: date.toISOString().replace(/[-:]|\.\d{3}/g, "") };
}

export function genExpires(rng) {
  return rng.choice([1, 60, 900, 3600, 86400, 604800, rng.randint(1, 604800)]);
}

// ---------------------------------------------------------------------------
// Host and port.
// ---------------------------------------------------------------------------
function genLabel(rng, lo = 1, hi = 12) {
  const s = str(rng, LOWER + DIGIT + "-", lo, hi).replace(/^-+|-+$/g, "");
  return s || "h";
}

// Returns the authority ("host[:port]") the client connects to and sends in
// the Host header.
export function genAuthority(rng, rules, service, region) {
  const bucket = genLabel(rng, 3, 20);
  const kinds = rules === "s3" ? [
    [3, () => `${bucket}.s3.${region}.amazonaws.com`],
    [1, () => `${bucket}.s3.amazonaws.com`],
    [2, () => `s3.${region}.amazonaws.com`],
    [1, () => `${bucket}--usw2-az1--x-s3.s3express-usw2-az1.${region}.amazonaws.com`],
    [1, () => `${bucket}-123456789012.s3-object-lambda.${region}.amazonaws.com`],
    [1, () => "localhost"],
    [1, () => "127.0.0.1"],
    [1, () => "Host.example.com"],
  ] : [
    [3, () => `${service}.${region}.amazonaws.com`],
    [1, () => `${service}.${region}.amazonaws.com.cn`],
    [1, () => `${genLabel(rng, 10, 10)}.execute-api.${region}.amazonaws.com`],
    [2, () => "Host.example.com"],
    [2, () => Array.from({ length: rng.randint(1, 4) }, () => genLabel(rng))
      .join(".") + rng.choice([".example.org", ".internal", ".test", ""])],
    [1, () => "localhost"],
    [1, () => "127.0.0.1"],
  ];
  const host = weighted(rng, kinds);
  if (host === "localhost") return "localhost:9000";
  if (host === "127.0.0.1") return "127.0.0.1:8014";
  if (rng.random() < 0.2) {
    return host + ":" + rng.choice([8443, 8080, 9000, 4566, 1, 65535,
      rng.randint(1, 65535)]);
  }
  return host;
}

// ---------------------------------------------------------------------------
// Path, in wire form.
// ---------------------------------------------------------------------------
function genericSegmentToken(rng) {
  return weighted(rng, [
    [40, () => rng.choice(UNRESERVED)],
    [16, () => rng.choice(SUB_DELIMS + ":@")],
    [5, () => "+"],
    [10, () => pctByte(rng, rng.randint(0, 0x7f))],
    [5, () => pctByte(rng, 0x20)],
    [4, () => pctByte(rng, 0x25)],
    [3, () => pctByte(rng, rng.choice("?#/[]").charCodeAt(0))],
    [10, () => pctChar(rng, randomUnicode(rng))],
  ]);
}

// A segment that only decodes to "." or "..": ambiguous (signers differ on
// whether it is a dot segment), never generated.
function isFakeDotSegment(seg) {
  if (seg === "." || seg === "..") return false;
  return ["%2e", "%2e%2e", ".%2e", "%2e."].includes(seg.toLowerCase());
}

// Generic rules: any valid wire path, with "//", "." and ".." segments; the
// signer normalizes it and encodes it once more. Never ends in a dot segment
// (see the note at the top).
export function genGenericPath(rng) {
  if (rng.random() < 0.1) return "/";
  const segs = [];
  for (let i = rng.randint(1, 7); i > 0; i--) {
    let seg = weighted(rng, [[8, () => null], [1, () => ""], [1, () => "."],
      [1, () => ".."]]);
    if (seg === null) {
      do {
        seg = "";
        for (let j = rng.randint(1, 10); j > 0; j--) {
          seg += genericSegmentToken(rng);
        }
      } while (isFakeDotSegment(seg) || seg === "." || seg === "..");
    }
    segs.push(seg);
  }
  let path = "/" + segs.join("/");
  if (segs[segs.length - 1] === "." || segs[segs.length - 1] === ".."
    || rng.random() < 0.25) path += "/";
  return path;
}

function s3DecodedChar(rng) {
  return weighted(rng, [
    [45, () => rng.choice(UNRESERVED)],
    [15, () => rng.choice(SUB_DELIMS + ":@")],
    [5, () => "+"],
    [5, () => " "],
    [3, () => "%"],
    [4, () => rng.choice("?#[]\"<>\\^`{|}")],
    [10, () => randomUnicode(rng)],
  ]);
}

// S3 rules: the key as the SDK sends it, each character of the decoded key
// encoded once (RFC 3986 unreserved set kept, uppercase hex), "/" as is; so
// the path as sent is the canonical path. Keeps "//", "." and "..".
export function genS3Path(rng) {
  if (rng.random() < 0.1) return "/";
  const segs = [];
  for (let i = rng.randint(1, 7); i > 0; i--) {
    let seg = weighted(rng, [[8, () => null], [1, () => ""], [1, () => "."],
      [1, () => ".."]]);
    if (seg === null) {
      seg = "";
      for (let j = rng.randint(1, 12); j > 0; j--) {
        seg += canonChar(s3DecodedChar(rng));
      }
    }
    segs.push(seg);
  }
  let path = "/" + segs.join("/");
  if (rng.random() < 0.25) path += "/";
  return path;
}

// ---------------------------------------------------------------------------
// Query: decoded (name, value) pairs.
// ---------------------------------------------------------------------------
const QUERY_ALWAYS_ENCODED_ASCII = "&=#%\"<>[\\]^`{|}";
const QUERY_OPTIONAL_RAW = "!'()*,;:@/?$";

function queryChar(rng) {
  return weighted(rng, [
    [50, () => rng.choice(UNRESERVED)],
    [6, () => " "],
    [4, () => "+"],
    [10, () => rng.choice(QUERY_OPTIONAL_RAW)],
    [8, () => rng.choice(QUERY_ALWAYS_ENCODED_ASCII)],
    [1, () => rng.choice("\t\n\x00\x7f")],
    [10, () => randomUnicode(rng)],
  ]);
}

export function genQueryString(rng, lo, hi) {
  let s = "";
  for (let i = rng.randint(lo, hi); i > 0; i--) s += queryChar(rng);
  return s;
}

// Names are never empty, never "__proto__" and never start with "x-amz-".
export function genQueryPairs(rng, uniqueKeys) {
  if (rng.random() < 0.25) return [];
  const pairs = [];
  const seen = [];
  for (let i = rng.randint(1, 7); i > 0; i--) {
    let key;
    if (!uniqueKeys && seen.length && rng.random() < 0.25) {
      key = rng.choice(seen);
    } else {
      do {
        key = genQueryString(rng, 1, 8);
      } while ((uniqueKeys && seen.includes(key)) || key === "__proto__"
        || key.toLowerCase().startsWith("x-amz-"));
    }
    const value = rng.random() < 0.2 ? "" : genQueryString(rng, 1, 10);
    pairs.push([key, value]);
    seen.push(key);
  }
  return pairs;
}

// One of the equivalent wire encodings of a decoded name or value.
export function encodeQueryComponent(rng, s) {
  let out = "";
  for (const c of s) {
    if (UNRESERVED.includes(c)) {
      out += rng.random() < 0.85 ? c : pctChar(rng, c);
    } else if (c === " ") {
      out += rng.random() < 0.5 ? "+" : pctChar(rng, c);
    } else if (QUERY_OPTIONAL_RAW.includes(c)) {
      out += rng.random() < 0.5 ? c : pctChar(rng, c);
    } else {
      out += pctChar(rng, c);
    }
  }
  return out;
}

export function serializeQuery(rng, pairs) {
  return pairs.map(([k, v]) => {
    const ek = encodeQueryComponent(rng, k);
    if (v === "" && rng.random() < 0.5) return ek;
    return ek + "=" + encodeQueryComponent(rng, v);
  }).join("&");
}

// ---------------------------------------------------------------------------
// Headers (ASCII values only; no two names equal but for case).
// ---------------------------------------------------------------------------
export function genHeaderName(rng) {
  for (;;) {
    const kind = rng.random();
    let name;
    if (kind < 0.25) {
      name = rng.choice(["X-Amz-Meta-", "x-amz-meta-", "X-Amz-", "x-",
        "X-Custom-"]) + genLabel(rng, 1, 10);
    } else if (kind < 0.45) {
      name = rng.choice([
        "Accept", "Accept-Encoding", "Cache-Control", "Content-Encoding",
        "Content-Language", "If-Match", "Range", "X-Amz-Target", "x-amz-acl",
        "X-Amz-Storage-Class", "X-Amz-Server-Side-Encryption", "Origin",
        "Referer", "Content-Disposition", "X-Forwarded-For",
      ]);
    } else {
      name = str(rng, ALPHA + DIGIT + TOKEN_EXTRA, 1, 16);
    }
    if (rng.random() < 0.3) name = varyCase(rng, name);
    if (!RESERVED_HEADER_NAMES.has(name.toLowerCase())) return name;
  }
}

function ws(rng, lo, hi) {
  let s = "";
  for (let i = rng.randint(lo, hi); i > 0; i--) {
    s += rng.random() < 0.4 ? rng.choice(" \t") : " ";
  }
  return s;
}

export function genHeaderValue(rng) {
  if (rng.random() < 0.05) return rng.choice(["", " ", "\t", "  \t "]);
  const words = [];
  for (let i = rng.randint(1, 5); i > 0; i--) {
    let w = "";
    for (let j = rng.randint(1, 10); j > 0; j--) {
      w += String.fromCharCode(rng.randint(0x21, 0x7e));
    }
    words.push(w);
  }
  let out = rng.random() < 0.3 ? ws(rng, 0, 3) : "";
  words.forEach((w, i) => {
    if (i) out += rng.random() < 0.4 ? ws(rng, 1, 4) : " ";
    out += w;
  });
  if (rng.random() < 0.3) out += ws(rng, 1, 3);
  return out;
}

// Returns [[name, value], ...] with distinct lower-cased names; no Host,
// Content-Length or signer-owned headers.
export function genHeaders(rng) {
  const headers = [];
  const used = new Set();
  const add = (name, value) => {
    if (used.has(name.toLowerCase())) return;
    used.add(name.toLowerCase());
    headers.splice(rng.randint(0, headers.length), 0, [name, value]);
  };
  for (let n = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8]); n > 0; n--) {
    add(genHeaderName(rng), genHeaderValue(rng));
  }
  if (rng.random() < 0.2) {
    add(rng.choice(["Content-Type", "content-type"]), rng.choice([
      "application/json", "text/plain; charset=utf-8",
      "application/x-amz-json-1.1", "application/xml",
      "application/octet-stream",
      "application/x-www-form-urlencoded; charset=utf-8"]));
  }
  // Headers some signers never sign.
  if (rng.random() < 0.2) {
    add(rng.choice(["User-Agent", "user-agent"]), rng.choice([
      "aws-sdk-js/3.700.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2",
      "sigv4-test/0.1", "curl/8.5.0"]));
  }
  if (rng.random() < 0.1) {
    add("X-Amzn-Trace-Id", `Root=1-${rng.hex(8)}-${rng.hex(24)}`);
  }
  return headers;
}

// ---------------------------------------------------------------------------
// Body.
// ---------------------------------------------------------------------------
export function genBody(rng) {
  const r = rng.random();
  if (r < 0.35) return "";
  if (r < 0.5) {
    const obj = { Action: genLabel(rng), n: rng.randint(0, 99),
      s: genQueryString(rng, 0, 12) };
    let s = JSON.stringify(obj);
    if (rng.random() < 0.5) {
      s = s.replace(/[\u007f-\uffff]/g,
        (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
    }
    return s;
  }
  let out = "";
  for (let i = rng.randint(1, 200); i > 0; i--) {
    out += weighted(rng, [
      [80, () => String.fromCharCode(rng.randint(0x20, 0x7e))],
      [4, () => rng.choice(["\n", "\r\n", "\t"])],
      [8, () => randomUnicode(rng)],
    ]);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Output.
// ---------------------------------------------------------------------------
export const byteLength = (s) => utf8.encode(s).length;

// After signing, what Node's HTTP client adds: Content-Length for a body, or 0
// for methods it would otherwise send chunked. Unsigned.
export function addTransportHeaders(headers, method, body) {
  const has = headers.some(([k]) => k.toLowerCase() === "content-length");
  if (!has && (body !== "" || CHUNKED_BY_DEFAULT.includes(method))) {
    headers.push(["Content-Length", String(byteLength(body))]);
  }
  return headers;
}

export function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(seed|count|out)$/.exec(argv[i]);
    if (!m || i + 1 >= argv.length) {
      throw new Error(`usage: --seed S --count N --out FILE.jsonl (at ${argv[i]})`);
    }
    args[m[1]] = argv[++i];
  }
  for (const k of ["seed", "count", "out"]) {
    if (args[k] === undefined) throw new Error(`missing --${k}`);
  }
  if (!/^\d+$/.test(args.seed) || !/^\d+$/.test(args.count)) {
    throw new Error("--seed and --count must be non-negative integers");
  }
  return { seed: Number(args.seed), count: Number(args.count), out: args.out };
}

export async function runMain(salt, genCase) {
  const { seed, count, out } = parseArgs(process.argv.slice(2));
  const rng = makeRng(seed, salt);
  const lines = [];
  for (let i = 0; i < count; i++) {
    lines.push(JSON.stringify(await genCase(rng, i)) + "\n");
  }
  writeFileSync(out, lines.join(""), "utf8");
}

// ---------------------------------------------------------------------------
// smithy.
// ---------------------------------------------------------------------------
async function smithyCase(rng, idx) {
  // Imported here so that aws4_signed.mjs can import the helpers above
  // without loading smithy.
  const { SignatureV4 } = await import("@smithy/signature-v4");
  const { HttpRequest } = await import("@smithy/protocol-http");
  const { buildQueryString } = await import("@smithy/core/protocols");
  const { Sha256 } = await import("@aws-crypto/sha256-js");

  const mode = rng.random() < 0.3 ? "query" : "header";
  const rules = rng.random() < 0.4 ? "s3" : "generic";
  const service = genService(rng, rules);
  const region = genRegion(rng);
  const method = mode === "query" && rng.random() < 0.75
    ? rng.choice(["GET", "GET", "PUT"]) : rng.choice(METHODS);
  const authority = genAuthority(rng, rules, service, region);
  const path = rules === "s3" ? genS3Path(rng) : genGenericPath(rng);
  const pairs = genQueryPairs(rng, false);
  const body = mode === "header" && BODY_METHODS.includes(method)
    ? genBody(rng) : "";
  const headerList = genHeaders(rng);
  const unsigned = mode === "header" && rules === "s3" && rng.random() < 0.25;
  const applyChecksum = rules === "s3" || rng.random() < 0.7;
  const creds = genCredentials(rng);
  const { date, time } = genTime(rng);
  const expires = mode === "query" ? genExpires(rng) : null;

  const query = {};
  for (const [k, v] of pairs) {
    if (!Object.hasOwn(query, k)) query[k] = v;
    else if (Array.isArray(query[k])) query[k].push(v);
    else query[k] = [query[k], v];
  }
  const [hostname, port] = authority.split(":");
  const headers = { host: authority };
  for (const [k, v] of headerList) headers[k] = v;
  if (body !== "") headers["content-length"] = String(byteLength(body));
  if (unsigned) headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";

  const request = new HttpRequest({
    method, protocol: "https:", hostname,
    port: port === undefined ? undefined : Number(port),
    path, query, headers, body: body === "" ? undefined : body,
  });
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
    },
    region, service, sha256: Sha256,
    uriEscapePath: rules !== "s3",
    applyChecksum,
  });

  let signed;
  if (mode === "header") {
    signed = await signer.sign(request, { signingDate: date });
  } else {
    const options = { signingDate: date, expiresIn: expires };
    if (rules === "s3") {
      // As @aws-sdk/s3-request-presigner's S3RequestPresigner does.
      options.unsignableHeaders = new Set(["content-type"]);
      options.unhoistableHeaders = new Set(Object.keys(request.headers)
        .map((h) => h.toLowerCase())
        .filter((h) => h.startsWith("x-amz-server-side-encryption")));
      request.headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
    }
    signed = await signer.presign(request, options);
  }

  const qs = buildQueryString(signed.query || {});
  const target = signed.path + (qs ? "?" + qs : "");
  const outHeaders = Object.entries(signed.headers)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => [k, String(v)]);
  addTransportHeaders(outHeaders, method, body);
  if (mode === "header"
    && !outHeaders.some(([k]) => k.toLowerCase() === "authorization")) {
    throw new Error(`case ${idx}: no authorization header`);
  }
  if (mode === "query" && !/[?&]X-Amz-Signature=[0-9a-f]{64}$/.test(target)
    && !/[?&]X-Amz-Signature=[0-9a-f]{64}&/.test(target)) {
    throw new Error(`case ${idx}: no signature in ${target}`);
  }

  return {
    id: `smithy-${idx}`,
    signer: "smithy",
    mode,
    rules,
    method,
    target,
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

if (process.argv[1]
  && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runMain("smithy", smithyCase).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
