"""The workload that trains the wheel's profile-guided optimization
(scripts/python-wheel.sh runs it on an instrumented build, then builds the wheel with
the profile it wrote).

A mix of what the package's users call, not the speed script's one request: header
signing for several services (queries, bodies, extra headers, session tokens, S3 and
generic rules, a fixed time and the clock), presigning, the requests and httpx plugins,
server-side verification, explain, and POST policies. It needs no network: requests
are prepared and signed, never sent.
"""

import sys

import sigv4

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
PLAIN = sigv4.Credentials("AKIDEXAMPLE", SECRET)
TOKEN = sigv4.Credentials("AKIDEXAMPLE", SECRET, "FQoGZXIvYXdzEXAMPLE//////////TOKEN")
JSON = {"Content-Type": "application/x-amz-json-1.1"}
REQUESTS = [
    ("GET", "https://polly.eu-west-1.amazonaws.com/v1/voices?LanguageCode=en-US", None, None),
    ("POST", "https://kinesis.us-east-1.amazonaws.com/",
     {**JSON, "X-Amz-Target": "Kinesis_20131202.PutRecord"},
     b'{"StreamName":"s","Data":"aGVsbG8=","PartitionKey":"pk1"}'),
    ("GET", "https://examplebucket.s3.amazonaws.com/photos/2024/a%20b.jpg", None, None),
    ("PUT", "https://examplebucket.s3.us-west-2.amazonaws.com/notes/k.txt",
     {"Content-Type": "text/plain"}, b"hello world " * 40),
    ("POST", "https://sqs.us-east-2.amazonaws.com/",
     {"Content-Type": "application/x-www-form-urlencoded"},
     b"Action=SendMessage&MessageBody=hi&QueueUrl=q"),
    ("GET", "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08", None, None),
    ("POST", "https://email.us-east-1.amazonaws.com/", None, b"Action=SendEmail&Source=a"),
    ("GET", "https://search-d.us-east-1.es.amazonaws.com/idx/_search?q=a%20b&size=10",
     {"Accept": "application/json"}, None),
    ("DELETE", "https://dynamodb.ap-southeast-2.amazonaws.com/", JSON, b"{}"),
]
TIMES = ["20150830T123600Z", "20150830T123601Z", "20240229T235959Z", None]


def core(rounds):
    for i in range(rounds):
        method, url, headers, body = REQUESTS[i % len(REQUESTS)]
        creds = TOKEN if i % 7 == 0 else PLAIN
        time = TIMES[i % len(TIMES)]
        kw = {"headers": headers} if headers else {}
        if body is not None:
            kw["body"] = body
        signed = sigv4.sign(method=method, url=url, credentials=creds, time=time, **kw)
        if i % 5 == 0:
            sigv4.presign(url=url, method=method, credentials=creds, expires=900, time=time)
        if i % 50 == 0:
            sent = dict(headers or {})
            sent.update(signed)
            sigv4.verify(method=method, url=url, headers=sent, body=body,
                         credentials={"AKIDEXAMPLE": creds}, now=time, max_skew=10**9)
            sigv4.explain(method=method, url=url, credentials=creds, time=time, **kw)
        if i % 200 == 0:
            sigv4.presign_post(url="https://examplebucket.s3.amazonaws.com/",
                               bucket="examplebucket", key="uploads/${filename}",
                               credentials=creds, time=time,
                               conditions=[["content-length-range", 1, 1048576]])


def plugins(rounds):
    import httpx
    import requests

    import sigv4.httpx
    import sigv4.requests

    ours = sigv4.requests.AWSAuth(credentials=PLAIN)
    flow = sigv4.httpx.AWSAuth(credentials=PLAIN)
    for i in range(rounds):
        method, url, headers, body = REQUESTS[i % len(REQUESTS)]
        ours(requests.Request(method, url, headers=headers, data=body).prepare())
        next(flow.auth_flow(httpx.Request(method, url, headers=headers, content=body)))


if __name__ == "__main__":
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 60000
    core(rounds)
    plugins(rounds // 10)
