// Fine Uploader (S3 build, no UI, no jQuery) sending files straight to S3, with
// `sigv4 serve` at /sign as its signature endpoint (signature version 4).
//
// Where the bucket is comes from the page's query string, so one page serves the test
// and a deployment alike:
//   index.html?endpoint=http://127.0.0.1:9100/my-bucket&bucket=my-bucket&accessKey=AKIA...
// The access key ID is public (it is in every signed request); the secret stays on the
// server.
(function () {
  "use strict";

  var query = new URLSearchParams(window.location.search);
  var config = {
    // The bucket's URL: https://BUCKET.s3.REGION.amazonaws.com (virtual-hosted), or an
    // S3-compatible store path-style: http://127.0.0.1:9100/BUCKET.
    endpoint: query.get("endpoint") || "http://127.0.0.1:9100/uploads-bucket",
    bucket: query.get("bucket") || "uploads-bucket",
    accessKey: query.get("accessKey") || "",
    region: query.get("region") || "us-east-1",
    // Must be one of the rules' key_prefixes, and sizeLimit at most max_size.
    keyPrefix: query.get("prefix") || "uploads/",
    sizeLimit: Number(query.get("sizeLimit") || 64 * 1024 * 1024),
  };

  var MiB = 1024 * 1024;
  var list = document.getElementById("list");
  var rows = {};
  // What happened to each file, for people (the list) and for the browser test.
  var results = [];
  window.uploadPage = { config: config, results: results, ready: false };
  document.getElementById("bucket").textContent = config.bucket;

  function row(id, name) {
    var li = document.createElement("li");
    var label = document.createElement("span");
    var bar = document.createElement("progress");
    var status = document.createElement("span");
    label.textContent = name + " ";
    bar.max = 1;
    bar.value = 0;
    status.textContent = " waiting";
    li.append(label, bar, status);
    list.append(li);
    rows[id] = { bar: bar, status: status, li: li };
  }

  // Keys: the prefix, Fine Uploader's UUID, and the name with anything unusual replaced.
  function keyFor(id) {
    var name = uploader.getName(id).replace(/[^A-Za-z0-9._-]/g, "_");
    return config.keyPrefix + uploader.getUuid(id) + "-" + name;
  }

  var uploader = new qq.s3.FineUploaderBasic({
    request: { endpoint: config.endpoint, accessKey: config.accessKey },
    signature: { endpoint: "/sign", version: 4 },
    objectProperties: {
      region: config.region,
      // Fine Uploader guesses the bucket from the endpoint's host name, which a
      // path-style endpoint does not hold.
      bucket: config.bucket,
      acl: "private",
      key: keyFor,
    },
    // Files over partSize go up as S3 multipart uploads, 5 MiB (S3's minimum) a part;
    // smaller ones as one POST with a signed policy.
    chunking: { enabled: true, partSize: 5 * MiB },
    // Puts ["content-length-range", 0, sizeLimit] in every policy: the rules demand it.
    validation: { sizeLimit: config.sizeLimit },
    retry: { enableAuto: false },
    callbacks: {
      onSubmitted: function (id, name) {
        row(id, name);
      },
      onUpload: function (id) {
        rows[id].status.textContent = " uploading";
      },
      onProgress: function (id, name, sent, total) {
        rows[id].bar.value = total ? sent / total : 0;
      },
      onComplete: function (id, name, response) {
        if (!response.success) {
          return; // onError has it.
        }
        var r = rows[id];
        r.bar.value = 1;
        r.status.textContent = " uploaded as " + uploader.getKey(id);
        r.li.className = "ok";
        results.push({ name: name, key: uploader.getKey(id), size: uploader.getSize(id), ok: true });
      },
      onError: function (id, name, reason) {
        if (id == null) {
          results.push({ name: String(name), ok: false, error: String(reason) });
          return;
        }
        var r = rows[id];
        if (r) {
          r.status.textContent = " failed: " + reason;
          r.li.className = "failed";
        }
        results.push({ name: name, size: uploader.getSize(id), ok: false, error: String(reason) });
      },
    },
  });

  var input = document.getElementById("files");
  input.addEventListener("change", function () {
    uploader.addFiles(input.files);
    input.value = "";
  });
  window.uploadPage.ready = true;
})();
