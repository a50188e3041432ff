"""sigv4.httpx.AWSAuth with httpx.AsyncClient: 100 concurrent signed PUTs, then 100
concurrent signed GETs, to s3s-fs (asyncio.gather); every one accepted and every object
as written (read back once more with botocore). A wrong secret is refused the same way.
"""

import asyncio

import httpx

import sigv4.httpx

N = 100


def test_100_concurrent_async_requests(servers, s3s_bucket):
    auth = sigv4.httpx.AWSAuth(credentials=servers.s3s_credentials(), service="s3", region=servers.s3s_region)
    bodies = {f"{s3s_bucket}/async/{i:03d}.bin": (f"object {i} ".encode() * (i + 1)) for i in range(N)}

    async def run():
        limits = httpx.Limits(max_connections=N, max_keepalive_connections=N)
        async with httpx.AsyncClient(auth=auth, timeout=60, limits=limits) as client:
            puts = await asyncio.gather(*(client.put(url, content=body) for url, body in bodies.items()))
            gets = await asyncio.gather(*(client.get(url) for url in bodies))
        return puts, gets

    puts, gets = asyncio.run(run())
    assert [r.status_code for r in puts] == [200] * N, [(r.status_code, r.text) for r in puts if r.status_code != 200][:3]
    assert [r.status_code for r in gets] == [200] * N
    assert [r.content for r in gets] == list(bodies.values())
    for url in list(bodies)[::25]:
        assert servers.s3s("GET", url).content == bodies[url]


def test_async_wrong_secret_is_refused(servers, s3s_bucket):
    bad = sigv4.httpx.AWSAuth(credentials=servers.s3s_credentials(bad=True), service="s3",
                              region=servers.s3s_region)

    async def run():
        async with httpx.AsyncClient(auth=bad, timeout=60) as client:
            return await asyncio.gather(*(client.put(f"{s3s_bucket}/bad/{i}", content=b"x") for i in range(10)))

    assert [r.status_code for r in asyncio.run(run())] == [403] * 10
