"""The stub of the native module (python/sigv4/_sigv4.pyi) against the module itself:
every name it declares exists in sigv4._sigv4 with the same parameters (names, kinds,
defaults), and every public name of sigv4._sigv4 is declared. The exceptions and
ChunkedUpload are Python (sigv4._errors, sigv4._chunked), annotated, not stubbed."""

import ast
import inspect
import typing

import pytest

import sigv4
import sigv4._sigv4 as native
from conftest import PACKAGE

STUB = ast.parse((PACKAGE / "python" / "sigv4" / "_sigv4.pyi").read_text())
KINDS = {"posonlyargs": "POSITIONAL_ONLY", "args": "POSITIONAL_OR_KEYWORD", "kwonlyargs": "KEYWORD_ONLY"}


def declared(body):
    """{name: node} of the definitions in a module's or a class's body (no imports)."""
    out = {}
    for node in body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            out[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out[node.target.id] = node
        elif isinstance(node, ast.Assign):
            out.update({t.id: node for t in node.targets if isinstance(t, ast.Name)})
    return out


def stub_parameters(fn, drop_first):
    """[(name, kind, default)] of a stub function, as inspect.Parameter would give them."""
    a = fn.args
    positional = [(p, KINDS["posonlyargs"]) for p in a.posonlyargs] + [(p, KINDS["args"]) for p in a.args]
    defaults = [inspect.Parameter.empty] * (len(positional) - len(a.defaults)) + [ast.literal_eval(d) for d in a.defaults]
    out = [(p.arg, kind, d) for (p, kind), d in zip(positional, defaults)]
    out += [(p.arg, KINDS["kwonlyargs"], inspect.Parameter.empty if d is None else ast.literal_eval(d))
            for p, d in zip(a.kwonlyargs, a.kw_defaults)]
    return out[1:] if drop_first else out


def runtime_parameters(obj):
    return [(p.name, p.kind.name, p.default) for p in inspect.signature(obj).parameters.values()]


def is_static(fn):
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in fn.decorator_list)


TOP = declared(STUB.body)


@pytest.mark.parametrize("name", sorted(TOP))
def test_every_stub_name_exists_in_the_native_module(name):
    assert hasattr(native, name), f"_sigv4.pyi declares {name}, sigv4._sigv4 has none"
    node, obj = TOP[name], getattr(native, name)
    if isinstance(node, ast.FunctionDef):
        assert stub_parameters(node, False) == runtime_parameters(obj), name
    if isinstance(node, ast.ClassDef):
        assert inspect.isclass(obj), name
        for member, fn in declared(node.body).items():
            assert hasattr(obj, member), f"_sigv4.pyi declares {name}.{member}, which does not exist"
            if member == "__init__":
                assert stub_parameters(fn, True) == runtime_parameters(obj), name
            elif isinstance(fn, ast.FunctionDef) and callable(getattr(obj, member)):
                got = runtime_parameters(getattr(obj, member))
                if not is_static(fn):
                    assert got[0][0] == "self"
                    got = got[1:]
                assert stub_parameters(fn, not is_static(fn)) == got, f"{name}.{member}"


def test_every_public_name_of_the_native_module_is_in_the_stub():
    public = {n for n in dir(native) if not n.startswith("_")} | {"__version__"}
    assert public <= set(TOP), f"not in _sigv4.pyi: {sorted(public - set(TOP))}"
    for name in public:
        if inspect.isclass(getattr(native, name)):
            members = {m for m in vars(getattr(native, name)) if not m.startswith("_")}
            stubbed = set(declared(TOP[name].body))
            assert members <= stubbed, f"{name}: not in _sigv4.pyi: {sorted(members - stubbed)}"


@pytest.mark.parametrize("name", sigv4.__all__)
def test_every_public_name_is_stubbed_or_annotated_python(name):
    obj = getattr(sigv4, name)
    if name in TOP:
        return
    assert obj.__module__ in ("sigv4._errors", "sigv4._chunked"), f"{name}: neither in _sigv4.pyi nor Python"
    if name == "ChunkedUpload":
        for method in ("__init__", "__iter__", "__len__"):
            sig = inspect.signature(getattr(obj, method))
            missing = [p for p in list(sig.parameters)[1:] if sig.parameters[p].annotation is inspect.Parameter.empty]
            assert not missing and sig.return_annotation is not inspect.Parameter.empty, (method, missing)


def test_headers_type_takes_bytes_as_the_runtime_does():
    from sigv4._types import Headers, Text

    assert bytes in typing.get_args(Text) and Headers is not None
    headers = sigv4.sign(method="GET", url="https://polly.eu-west-1.amazonaws.com/", time="20150830T123600Z",
                         credentials=sigv4.Credentials("AKIDEXAMPLE", "secret"), headers={b"X-A": b"1"})
    assert "x-a" in headers["Authorization"]
