#!/usr/bin/env python3
"""Generate crates/sigv4/src/endpoint_data.rs from botocore's own data files.

Reads, from the installed botocore package (pinned in tools/oracle/requirements.txt):

- data/partitions.json: each partition's DNS suffixes and region pattern;
- data/endpoints.json: every service's endpoints, their `hostname`, `variants`
  (FIPS, dual-stack), `sslCommonName` and `credentialScope`;
- data/<service>/<newest api version>/service-2.json(.gz): `metadata.endpointPrefix`
  and `metadata.signingName`.

Every host name that endpoints.json lists is expanded with botocore's own resolver
(`EndpointResolver._resolve`, the code a botocore client runs) and paired with the
scope botocore signs it with: `credentialScope.service`, else the model's signingName,
else the endpoint prefix; `credentialScope.region`, else the region (for an endpoint
named after no region, such as mturk's `sandbox`, the one region in its host; none:
left out, see --dropped). Host names that the regular pattern
`[<labels>.]<prefix>[-fips][.dualstack].<region>.<suffix>` (or the legacy
`<region>.<label>.<suffix>`) already places are left out of the exact-host table.
`mirror_place` below is that pattern, the same rules as `regional` and
`region_first` in endpoint.rs; `--cases` writes every host with its expected scope so
that the Rust test (SIGV4_ENDPOINT_CASES) proves the two agree.

Usage (tools/endpoints/check.sh runs both):
    "$(scripts/python-venv.sh | tail -n 1)" tools/endpoints/generate.py \
        --out crates/sigv4/src/endpoint_data.rs [--cases target/endpoints/hosts.jsonl]
"""

import argparse
import copy
import json
import re
import subprocess
import sys

import botocore
import botocore.loaders
import botocore.regions

REGENERATE = (
    '"$(scripts/python-venv.sh | tail -n 1)" tools/endpoints/generate.py '
    "--out crates/sigv4/src/endpoint_data.rs"
)


# ---------------------------------------------------------------------------------
# Partitions and region patterns


def region_heads(regex):
    """Turns `^(us|eu)\\-\\w+\\-\\d+$` into ["us", "eu"]: the literal heads of a region
    pattern whose tail is `-<word>-<digits>`, the only shape botocore uses. Fails
    loudly on any other shape, so that a new kind of pattern is noticed."""
    tail = "\\-\\w+\\-\\d+$"
    if not regex.startswith("^") or not regex.endswith(tail):
        sys.exit(f"unexpected regionRegex {regex!r}")
    head = regex[1 : -len(tail)].replace("\\-", "-")
    heads = [""]
    for part in re.split(r"(\([a-z|]+\))", head):
        if part.startswith("("):
            alternatives = part[1:-1].split("|")
        else:
            alternatives = [part]
        if not all(re.fullmatch(r"[a-z0-9-]*", a) for a in alternatives):
            sys.exit(f"unexpected regionRegex {regex!r}")
        heads = [h + a for h in heads for a in alternatives]
    return sorted(heads)


def region_matches(heads, name):
    """The same test as `region_matches` in endpoint.rs."""
    for head in heads:
        if not name.startswith(head + "-"):
            continue
        word, sep, digits = name[len(head) + 1 :].rpartition("-")
        if (
            sep
            and word
            and re.fullmatch(r"[a-z0-9_]+", word)
            and re.fullmatch(r"[0-9]+", digits)
        ):
            return True
    return False


def load_partitions(loader, endpoints):
    """[(id, heads, [dns suffixes])] in partitions.json order, checked against
    endpoints.json (which names the same partitions and suffixes)."""
    partitions = []
    by_id = {p["partition"]: p for p in endpoints["partitions"]}
    for p in loader.load_data("partitions")["partitions"]:
        pid, out = p["id"], p["outputs"]
        heads = region_heads(p["regionRegex"])
        regex = re.compile(p["regionRegex"])
        samples = list(p["regions"]) + list(by_id[pid]["regions"])
        samples += [h + "-" + t for h in heads for t in ("east-1", "x-9", "a-b-1", "1")]
        samples += ["us-gov-west-1", "us-iso-east-1", "cn-north-1", "eusc-de-east-1"]
        for name in samples:
            if bool(regex.match(name)) != region_matches(heads, name):
                sys.exit(f"region pattern of {pid} disagrees on {name!r}")
        suffixes = {out["dnsSuffix"], out["dualStackDnsSuffix"], by_id[pid]["dnsSuffix"]}
        suffixes |= set(dns_suffixes(by_id[pid]))
        partitions.append((pid, heads, sorted(suffixes)))
    if {p[0] for p in partitions} != set(by_id):
        sys.exit("partitions.json and endpoints.json name different partitions")
    return partitions


def dns_suffixes(partition):
    """Every dnsSuffix endpoints.json gives anywhere in a partition."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("dnsSuffix"), str):
                found.add(node["dnsSuffix"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(partition)
    return found


# ---------------------------------------------------------------------------------
# Signing names


def model_signing_names(loader):
    """endpointPrefix -> signingName (or the prefix) over every service model."""
    names = {}
    for service in loader.list_available_services("service-2"):
        meta = loader.load_service_model(service, "service-2")["metadata"]
        prefix = meta["endpointPrefix"]
        name = meta.get("signingName") or prefix
        if names.setdefault(prefix, name) != name:
            sys.exit(f"models disagree on the signing name of {prefix}")
    return names


def prefix_signing_names(endpoints, models):
    """Every endpoint prefix (models and endpoints.json service keys) -> signing name,
    the way a botocore client picks it: the service's credentialScope.service, else
    the model's signingName, else the prefix."""
    names = dict(models)
    seen = {}
    for p in endpoints["partitions"]:
        for key, service in p["services"].items():
            name = service_scope(service).get("service") or models.get(key) or key
            if seen.setdefault(key, name) != name:
                sys.exit(f"partitions disagree on the signing name of {key}")
            names[key] = name
    return names


def service_scope(service):
    return service.get("defaults", {}).get("credentialScope", {})


# ---------------------------------------------------------------------------------
# Every host botocore knows, with the scope it signs with


def expand(endpoints, models, partitions):
    """{host: (service, region, partition)} for every host endpoints.json names, and
    the hosts left out (with why)."""
    heads = {pid: h for pid, h, _ in partitions}
    candidates = {}  # host -> [(tier, (service, region, partition), why)]
    for p in endpoints["partitions"]:
        pid = p["partition"]
        shell = {k: v for k, v in p.items() if k != "services"}
        for key, service in p["services"].items():
            for name, entry in service.get("endpoints", {}).items():
                tag_sets = [()] + [tuple(sorted(v["tags"])) for v in entry.get("variants", [])]
                for tags in tag_sets:
                    resolved = resolve(shell, key, service, name, tags)
                    hosts = [(resolved["hostname"], False)]
                    if not tags and "sslCommonName" in resolved:
                        hosts.append((resolved["sslCommonName"], True))
                    # credentialScope merged key by key (botocore merges the whole
                    # object, which would let a region-only scope hide the service's)
                    scope = {**service_scope(service), **entry.get("credentialScope", {})}
                    signing = scope.get("service") or models.get(key) or key
                    for host, ssl in hosts:
                        host = host.lower()
                        region = scope.get("region") or name
                        if not region_matches(heads[pid], region):
                            region = region_in_host(heads[pid], host)
                        deprecated = bool(resolved.get("deprecated"))
                        tier = (ssl, deprecated, key not in models)
                        why = f"{pid}/{key}/{name}/{'+'.join(tags) or 'base'}"
                        candidates.setdefault(host, []).append(
                            (tier, (signing, region, pid), why)
                        )
    table, dropped = {}, []
    for host, found in sorted(candidates.items()):
        best = min(tier for tier, _, _ in found)
        answers = {answer for tier, answer, _ in found if tier == best}
        whys = sorted(why for tier, _, why in found if tier == best)
        if len(answers) != 1:
            dropped.append((host, f"botocore data disagrees: {sorted(answers)}"))
        elif next(iter(answers))[1] is None:
            dropped.append((host, f"no region to sign with ({whys[0]})"))
        elif split_suffix(host, partitions) is None:
            dropped.append((host, "not under a partition's DNS suffix"))
        else:
            table[host] = next(iter(answers))
    return table, dropped


def resolve(shell, key, service, name, tags):
    """botocore's own endpoint resolution of one endpoint (and variant), on a copy:
    `_resolve` writes into the data it is given."""
    partition = dict(shell, services={key: copy.deepcopy(service)})
    resolver = botocore.regions.EndpointResolver({"partitions": [partition]})
    return resolver._resolve(
        partition=partition,
        service_name=key,
        service_data=partition["services"][key],
        endpoint_name=name,
        use_dualstack_endpoint="dualstack" in tags,
        use_fips_endpoint="fips" in tags,
    )


def region_in_host(heads, host):
    """For an endpoint named after no region (`sandbox`): the one region in its host."""
    found = [label for label in host.split(".") if region_matches(heads, label)]
    return found[0] if len(found) == 1 else None


# ---------------------------------------------------------------------------------
# The pattern rule, as endpoint.rs applies it (see `generic` there)


def split_suffix(host, partitions):
    """(labels before the longest partition DNS suffix, [partition ids]) or None."""
    best = None
    for pid, _, suffixes in partitions:
        for suffix in suffixes:
            if host.endswith("." + suffix) and (best is None or len(suffix) > len(best)):
                best = suffix
    if best is None:
        return None
    pids = [pid for pid, _, suffixes in partitions if best in suffixes]
    return host[: -len(best) - 1].split("."), pids


def unfips(candidate):
    return ".".join(label.removesuffix("-fips") for label in candidate.split("."))


def mirror_place(host, partitions, prefixes, region_first, max_labels):
    placed = split_suffix(host, partitions)
    if placed is None:
        return None
    labels, pids = placed
    heads = {pid: h for pid, h, _ in partitions}

    def partition(region):
        return next((pid for pid in pids if region_matches(heads[pid], region)), None)

    *before, last = labels
    if partition(last):
        if before and before[-1] == "dualstack":
            before.pop()
        service = mirror_service(before, prefixes, max_labels)
        return service and (service, last, partition(last))
    if last in region_first and before and partition(before[-1]):
        return (region_first[last], before[-1], partition(before[-1]))
    return None


def mirror_service(before, prefixes, max_labels):
    for k in range(min(len(before), max_labels), 0, -1):
        name = prefixes.get(unfips(".".join(before[-k:])))
        if name:
            return name
    if len(before) == 1:
        return unfips(before[0])
    return None


def legacy_region_first(endpoints, prefixes):
    """{label: signing name} for hosts `<region>.<label>.<suffix>` that endpoints.json
    names in sslCommonName templates (SQS's `<region>.queue.amazonaws.com`)."""
    found = {}
    for p in endpoints["partitions"]:
        for key, service in p["services"].items():
            entries = [service.get("defaults", {})] + list(service.get("endpoints", {}).values())
            for entry in entries:
                m = re.fullmatch(r"\{region\}\.([a-z0-9-]+|\{service\})\.\{dnsSuffix\}",
                                 entry.get("sslCommonName", ""))
                if m:
                    label = key if m.group(1) == "{service}" else m.group(1)
                    found[label] = prefixes[key]
    return found


# ---------------------------------------------------------------------------------
# Output


def rust_str(s):
    if not re.fullmatch(r"[A-Za-z0-9._-]*", s):
        sys.exit(f"unexpected character in {s!r}")
    return f'"{s}"'


def tuple_lines(items):
    return [f"    ({', '.join(items)}),"]


def rustfmt(text):
    """The file as `cargo fmt` leaves it (the project's CI checks that)."""
    done = subprocess.run(
        ["rustfmt", "--edition", "2024", "--emit", "stdout"],
        input=text, capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        sys.exit(f"rustfmt failed:\n{done.stderr}")
    return done.stdout


def render(version, partitions, prefixes, region_first, table, dropped):
    out = [
        "// @generated by tools/endpoints/generate.py from botocore "
        f"{version}: do not edit.",
        "// Sources: botocore/data/partitions.json, endpoints.json and the newest",
        "// service-2.json of each service (metadata.endpointPrefix, signingName).",
        f"// Regenerate: {REGENERATE}",
        "// Check: tools/endpoints/check.sh",
        "//! Data for `endpoint`: partitions, signing names and the hosts patterns miss.",
        "",
        "/// The botocore release this data comes from.",
        f'pub(crate) const BOTOCORE_VERSION: &str = "{version}";',
        "",
        "/// A partition: its name, the heads of its region names (`us` in",
        "/// `us-<word>-<digits>`) and the DNS suffixes its endpoints end with.",
        "pub(crate) struct Partition {",
        "    pub(crate) name: &'static str,",
        "    pub(crate) region_heads: &'static [&'static str],",
        "    pub(crate) dns_suffixes: &'static [&'static str],",
        "}",
        "",
        "/// Every partition, in partitions.json order.",
        "pub(crate) static PARTITIONS: &[Partition] = &[",
    ]
    for pid, heads, suffixes in partitions:
        out += [
            "    Partition {",
            f"        name: {rust_str(pid)},",
            *field_lines("region_heads", heads),
            *field_lines("dns_suffixes", suffixes),
            "    },",
        ]
    out += [
        "];",
        "",
        "/// Endpoint prefix (botocore's `metadata.endpointPrefix` and endpoints.json service",
        "/// keys) to signing name, sorted by prefix.",
        "pub(crate) static SIGNING_NAMES: &[(&str, &str)] = &[",
    ]
    for prefix in sorted(prefixes):
        out += tuple_lines([rust_str(prefix), rust_str(prefixes[prefix])])
    out += [
        "];",
        "",
        "/// Legacy hosts `<region>.<label>.<suffix>` (from endpoints.json `sslCommonName`):",
        "/// label to signing name, sorted by label.",
        "pub(crate) static REGION_FIRST: &[(&str, &str)] = &[",
    ]
    for label in sorted(region_first):
        out += tuple_lines([rust_str(label), rust_str(region_first[label])])
    out += [
        "];",
        "",
        "/// Hosts endpoints.json names that the patterns do not place, sorted: host, signing",
        "/// name, region, index into `PARTITIONS`.",
        "pub(crate) static HOSTS: &[(&str, &str, &str, u8)] = &[",
    ]
    index = {pid: i for i, (pid, _, _) in enumerate(partitions)}
    for host in sorted(table):
        service, region, pid = table[host]
        out += tuple_lines([rust_str(host), rust_str(service), rust_str(region), str(index[pid])])
    out += ["];", ""]
    if dropped:
        out.insert(5, f"// Left out ({len(dropped)}): see `generate.py --dropped`.")
    return "\n".join(out)


def field_lines(name, values):
    return [f"        {name}: &[{', '.join(rust_str(v) for v in values)}],"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="the Rust file to write ('-': stdout)")
    parser.add_argument("--cases", help="also write every botocore host, as JSON lines")
    parser.add_argument("--dropped", action="store_true",
                        help="list, on stderr, the hosts left out and why")
    args = parser.parse_args()

    loader = botocore.loaders.create_loader()
    endpoints = loader.load_data("endpoints")
    partitions = load_partitions(loader, endpoints)
    models = model_signing_names(loader)
    prefixes = prefix_signing_names(endpoints, models)
    region_first = legacy_region_first(endpoints, prefixes)
    every, dropped = expand(endpoints, models, partitions)
    max_labels = max(p.count(".") + 1 for p in prefixes)
    table = {
        host: answer
        for host, answer in every.items()
        if mirror_place(host, partitions, prefixes, region_first, max_labels) != answer
    }
    text = rustfmt(render(botocore.__version__, partitions, prefixes, region_first, table, dropped))
    if args.out == "-":
        sys.stdout.write(text)
    else:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    if args.cases:
        with open(args.cases, "w", encoding="utf-8") as f:
            for host in sorted(every):
                service, region, pid = every[host]
                case = {"host": host, "service": service, "region": region, "partition": pid}
                f.write(json.dumps(case, sort_keys=True) + "\n")
    if args.dropped:
        for host, why in dropped:
            print(f"{host}: {why}", file=sys.stderr)
    print(
        f"endpoint_data: botocore {botocore.__version__}, {len(every)} hosts, "
        f"{len(table)} in HOSTS, {len(prefixes)} prefixes, {len(dropped)} left out",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
