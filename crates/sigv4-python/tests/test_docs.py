"""The documentation's Python runs: the package docstring's doctest, and the README's
Python example (with example credentials in the environment)."""

import doctest
import re

import sigv4
from conftest import REPO


def test_package_docstring():
    failed, tried = doctest.testmod(sigv4, verbose=False)
    assert tried > 0 and failed == 0


def test_readme_python_example(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    for readme in (REPO / "README.md", REPO / "crates" / "sigv4-python" / "README.md"):
        blocks = re.findall(r"```python\n(.*?)```", readme.read_text(), re.S)
        assert blocks, f"no Python example in {readme}"
        for block in blocks:
            scope = {}
            exec(compile(block, str(readme), "exec"), scope)
            assert set(scope["headers"]) == {"Authorization", "X-Amz-Date"}
            assert "X-Amz-Signature=" in scope["url"]
            assert scope["form"]["fields"]["key"] == "uploads/${filename}"
            assert "canonical_request" in scope["steps"]
