"""Run by scripts/python-test.sh in a fresh venv holding only the wheel, with no Rust
toolchain on PATH: the package must import (at most 50 ms, best of 5 fresh interpreters)
and sign the AWS suite's get-vanilla request to the suite's signature."""

import shutil
import subprocess
import sys

assert shutil.which("cargo") is None and shutil.which("rustc") is None, "a Rust toolchain is reachable"

import sigv4  # noqa: E402

creds = sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
headers = sigv4.sign(
    method="GET",
    url="https://example.amazonaws.com/",
    credentials=creds,
    region="us-east-1",
    service="service",
    time="20150830T123600Z",
)
# aws-signing-test-suite v4/get-vanilla, published signature.
expected = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
assert headers["Authorization"].endswith("Signature=" + expected), headers

code = "import time; t = time.perf_counter(); import sigv4; print(time.perf_counter() - t)"
times = [float(subprocess.check_output([sys.executable, "-c", code])) for _ in range(5)]
best = min(times) * 1000
print(f"wheel check: installed with no Rust toolchain, signs get-vanilla; import sigv4 "
      f"{best:.1f} ms (best of 5; all: {', '.join(f'{t * 1000:.1f}' for t in times)})")
assert best <= 50, f"import sigv4 took {best:.1f} ms (limit 50 ms)"
