"""The documentation's Python runs: the package docstring's doctest, and the README's
Python example (with example credentials in the environment)."""

import doctest
import inspect
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


def positional_parameters():
    """{"scope_of(url)", "Credentials(access_key_id, ...)", "UploadSigner.answer(body)", ...}:
    each public function, class and method of sigv4 that takes positional arguments
    (exceptions aside), written as the README writes it."""
    out = set()

    def add(name, obj, drop_self):
        try:
            params = list(inspect.signature(obj).parameters.values())
        except (TypeError, ValueError):
            return
        positional = [p.name for p in params[1 if drop_self else 0:]
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if positional:
            out.add(f"{name}({', '.join(positional)})")

    for name in sigv4.__all__:
        obj = getattr(sigv4, name)
        if inspect.isclass(obj) and issubclass(obj, BaseException) or not callable(obj):
            continue
        add(name, obj, False)
        if inspect.isclass(obj):
            for member, value in vars(obj).items():
                if not member.startswith("_") and callable(value):
                    add(f"{name}.{member}", getattr(obj, member), not isinstance(value, staticmethod))
    return out


def test_readmes_name_every_positional_argument():
    """A README that calls the arguments keyword-only names the exceptions."""
    expected = positional_parameters()
    assert "scope_of(url)" in expected and "Credentials(access_key_id, secret_access_key, session_token)" in expected
    for readme in (REPO / "README.md", REPO / "crates" / "sigv4-python" / "README.md"):
        text = " ".join(readme.read_text().split())
        if "keyword-only" in text:
            missing = [f for f in sorted(expected) if f"`{f}`" not in text]
            assert not missing, f"{readme.name} calls the arguments keyword-only but does not name {missing}"
