//! What a host name says about how to sign for it: signing name, region, partition and,
//! for S3, the bucket.
//!
//! Tried in order:
//! 1. the host names botocore's endpoints.json lists that the patterns below do not
//!    place (global endpoints such as `iam.amazonaws.com`, odd legacy names), with the
//!    credential scope botocore signs them with (`endpoint_data::HOSTS`);
//! 2. hosts with names of their own, which botocore's endpoint data does not list:
//!    Lambda function URLs and VPC Lattice services (`on.aws`), S3 buckets, access
//!    points, directory buckets, Outposts and Object Lambda (signing names from
//!    botocore's S3 endpoint rule set);
//! 3. the pattern `[<names>.]<prefix>[-fips][.dualstack].<region>.<suffix>`, with the
//!    DNS suffixes and region patterns of botocore's partitions and the signing name
//!    botocore uses for the endpoint prefix (`endpoint_data::SIGNING_NAMES`);
//! 4. region first, `[<names>.]<region>.<label>.<suffix>`: legacy SQS and EMR names
//!    from botocore, OpenSearch domains and RDS/Neptune IAM authentication hosts.
//!
//! `tools/endpoints/generate.py` writes the data and mirrors rules 3 and 4 (without
//! their hand-written entries), so that the table only holds what they miss; the
//! `endpoints` test, given `tools/endpoints/check.sh`'s list, checks every host botocore
//! lists.

use crate::endpoint_data::{self, PARTITIONS, Partition};

/// What a host name says about how to sign for it: the signing name and region of the
/// credential scope, the partition, and for S3 the bucket.
///
/// Built by [`Endpoint::from_host`] from botocore's endpoint data (partitions, the
/// hosts endpoints.json lists, each service's signing name) and a few documented host
/// forms of its own: S3 virtual-hosted buckets, access points and directory buckets,
/// OpenSearch domains, API Gateway APIs, Lambda function URLs, IoT data endpoints.
///
/// ```
/// use sigv4::Endpoint;
///
/// let endpoint = Endpoint::from_host("email.eu-west-1.amazonaws.com").expect("an AWS host");
/// assert_eq!(endpoint.service, "ses");
/// assert_eq!(endpoint.region, "eu-west-1");
/// assert_eq!(endpoint.partition, "aws");
/// assert_eq!(endpoint.bucket, None);
///
/// let bucket = Endpoint::from_host("my.bucket.s3.dualstack.us-west-2.amazonaws.com:443");
/// assert_eq!(bucket.and_then(|e| e.bucket).as_deref(), Some("my.bucket"));
/// assert_eq!(Endpoint::from_host("localhost:9000"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Endpoint {
    /// The signing name for the credential scope: `ses` for `email.<region>.amazonaws.com`,
    /// `iotdata` for `data-ats.iot.<region>.amazonaws.com`, `s3` for buckets and access
    /// points. For an endpoint prefix botocore does not know, the prefix itself, as
    /// botocore signs a service whose model names no signing name.
    pub service: String,
    /// The region for the credential scope; for global endpoints the one botocore signs
    /// with (`us-east-1` for `iam.amazonaws.com`, `cn-north-1` for
    /// `iam.cn-north-1.amazonaws.com.cn`).
    pub region: String,
    /// The partition, as botocore names it: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`,
    /// `aws-iso-b`, `aws-iso-e`, `aws-iso-f`, `aws-eusc`.
    pub partition: &'static str,
    /// For S3 virtual-hosted-style hosts (general purpose and directory buckets), the
    /// bucket named in the host; `None` for path-style hosts and every other service.
    pub bucket: Option<String>,
}

impl Endpoint {
    /// The botocore release whose data (`endpoints.json`, `partitions.json`, service
    /// models) [`Endpoint::from_host`] uses.
    ///
    /// ```
    /// assert!(sigv4::Endpoint::BOTOCORE_VERSION.starts_with("1."));
    /// ```
    pub const BOTOCORE_VERSION: &'static str = endpoint_data::BOTOCORE_VERSION;

    /// [`Endpoint::from_host`] for a URL's host (`https://email.us-east-1.amazonaws.com/`):
    /// `None` for a URL that does not parse or a host that names no service.
    ///
    /// ```
    /// let ses = sigv4::Endpoint::from_url("https://email.us-east-1.amazonaws.com/?Action=SendEmail");
    /// let ses = ses.expect("SES");
    /// assert_eq!((ses.service.as_str(), ses.region.as_str()), ("ses", "us-east-1"));
    /// assert_eq!(sigv4::Endpoint::from_url("email.us-east-1.amazonaws.com"), None); // no scheme
    /// ```
    pub fn from_url(url: &str) -> Option<Endpoint> {
        let request = crate::request::Request::new("GET", url).ok()?;
        Endpoint::from_host(request.host()?)
    }

    /// Reads the signing name, region and partition (and S3 bucket) from a host name,
    /// with or without a port, in any case, with or without a trailing dot.
    ///
    /// Returns `None` for a host it cannot place, so that the caller asks for the service
    /// and region: local and custom hosts (`localhost:9000`, `127.0.0.1`,
    /// `minio.example.com`, CloudFront or API Gateway custom domains), VPC endpoint names
    /// (`*.vpce.amazonaws.com`), and AWS hosts whose region is not in the name: S3 Transfer
    /// Acceleration (`bucket.s3-accelerate.amazonaws.com` signs with the bucket's region,
    /// which botocore takes from the client's configuration), S3 multi-Region access points
    /// (SigV4a) and S3 website endpoints (not signed). Never panics.
    ///
    /// ```
    /// use sigv4::Endpoint;
    ///
    /// let iam = Endpoint::from_host("IAM.amazonaws.com").expect("a global endpoint");
    /// assert_eq!((iam.service.as_str(), iam.region.as_str()), ("iam", "us-east-1"));
    ///
    /// let api = Endpoint::from_host("abc123.execute-api.us-gov-west-1.amazonaws.com");
    /// let api = api.expect("an API Gateway API");
    /// assert_eq!((api.service.as_str(), api.partition), ("execute-api", "aws-us-gov"));
    ///
    /// let express = "bucket--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com";
    /// let express = Endpoint::from_host(express).expect("a directory bucket");
    /// assert_eq!(express.service, "s3express");
    /// assert_eq!(express.bucket.as_deref(), Some("bucket--usw2-az1--x-s3"));
    ///
    /// assert_eq!(Endpoint::from_host("bucket.s3-accelerate.amazonaws.com"), None);
    /// ```
    pub fn from_host(host: &str) -> Option<Endpoint> {
        // A label such as "-fips" alone would leave an empty name: not a host we can place.
        Self::place(host).filter(|e| {
            let ok = |s: &str| !s.is_empty() && !s.starts_with('-') && !s.ends_with('-');
            ok(&e.service) && ok(&e.region)
        })
    }

    fn place(host: &str) -> Option<Endpoint> {
        let host = normalize(host)?;
        if let Some(listed) = listed(&host) {
            return Some(listed);
        }
        if let Some(rest) = host.strip_suffix(".on.aws") {
            return on_aws(&labels(rest));
        }
        let (labels, suffix) = split_suffix(&host)?;
        if let Some(s3) = s3(&labels, suffix) {
            return s3;
        }
        regional(&labels, suffix).or_else(|| region_first(&labels, suffix))
    }

    fn new(service: &str, region: &str, partition: &Partition, bucket: &[&str]) -> Endpoint {
        Endpoint {
            service: service.to_owned(),
            region: region.to_owned(),
            partition: partition.name,
            bucket: (!bucket.is_empty()).then(|| bucket.join(".")),
        }
    }
}

/// The longest host name DNS allows.
const MAX_HOST: usize = 253;

/// Lower-cased, without port and trailing dot; `None` unless it is a DNS name
/// (letters, digits, `-`, non-empty labels). IP literals fall out at the suffix step.
pub(crate) fn normalize(host: &str) -> Option<String> {
    let host = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        Some(_) => return None,
        None => host,
    };
    let host = host.strip_suffix('.').unwrap_or(host);
    let dns = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'.';
    if host.is_empty() || host.len() > MAX_HOST || !host.bytes().all(dns) {
        return None;
    }
    if host.split('.').any(str::is_empty) {
        return None;
    }
    Some(host.to_ascii_lowercase())
}

fn labels(name: &str) -> Vec<&str> {
    name.split('.').collect()
}

/// A host botocore lists that the patterns do not place.
fn listed(host: &str) -> Option<Endpoint> {
    let found = endpoint_data::HOSTS.binary_search_by(|entry| entry.0.cmp(host));
    let (_, service, region, partition) = endpoint_data::HOSTS[found.ok()?];
    let partition = PARTITIONS.get(usize::from(partition))?;
    Some(Endpoint::new(service, region, partition, &[]))
}

/// The labels in front of the longest partition DNS suffix the host ends with, and
/// that suffix.
fn split_suffix(host: &str) -> Option<(Vec<&str>, &'static str)> {
    let suffix = PARTITIONS
        .iter()
        .flat_map(|p| p.dns_suffixes.iter().copied())
        .filter(|s| host.strip_suffix(s).is_some_and(|rest| rest.ends_with('.')))
        .max_by_key(|s| s.len())?;
    let rest = &host[..host.len() - suffix.len() - 1];
    Some((labels(rest), suffix))
}

/// The partition that serves `suffix` and whose region pattern `region` matches.
fn partition_for(region: &str, suffix: &str) -> Option<&'static Partition> {
    PARTITIONS
        .iter()
        .find(|p| p.dns_suffixes.contains(&suffix) && region_matches(p.region_heads, region))
}

/// botocore's `regionRegex` (`^(us|eu|...)\-\w+\-\d+$`): one of the heads, then
/// `-<word>-<digits>` with no `-` in the word.
fn region_matches(heads: &[&str], region: &str) -> bool {
    heads.iter().any(|head| {
        let Some(tail) = region.strip_prefix(head).and_then(|t| t.strip_prefix('-')) else {
            return false;
        };
        let Some((word, digits)) = tail.rsplit_once('-') else {
            return false;
        };
        let word_char = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        !word.is_empty()
            && word.bytes().all(word_char)
            && !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

fn lookup(table: &[(&str, &'static str)], key: &str) -> Option<&'static str> {
    let found = table.binary_search_by(|entry| entry.0.cmp(key)).ok()?;
    Some(table[found].1)
}

fn without_dualstack<'a, 'b>(labels: &'a [&'b str]) -> &'a [&'b str] {
    match labels.split_last() {
        Some((&"dualstack", rest)) => rest,
        _ => labels,
    }
}

// ---------------------------------------------------------------------------------------
// The pattern: [<extra labels>.]<prefix>[-fips][.dualstack].<region>.<suffix>

/// Signing names for endpoint prefixes that are reached through names of their own in
/// front of them, where the signing name differs from the prefix's; sorted.
const WITH_NAME_IN_FRONT: &[(&str, &str)] = &[
    // GraphQL APIs: <api-id>.appsync-api.<region>.amazonaws.com sign as appsync.
    ("appsync-api", "appsync"),
    // IoT device data endpoints from DescribeEndpoint: <id>-ats.iot.<region>... and the
    // legacy <id>.iot.<region>... serve the iot-data API (botocore: data-ats.iot, iotdata).
    ("iot", "iotdata"),
    // Jobs data endpoints (DescribeEndpoint iot:Jobs): <id>.jobs.iot.<region>...
    ("jobs.iot", "iot-jobs-data"),
    // MSK brokers (b-1.<cluster>.<id>.c2.kafka.<region>...): IAM access control signs as
    // kafka-cluster.
    ("kafka", "kafka-cluster"),
];

/// `[<extra labels>.]<prefix>[-fips][.dualstack].<region>.<suffix>`.
fn regional(labels: &[&str], suffix: &str) -> Option<Endpoint> {
    let (&region, before) = labels.split_last()?;
    let partition = partition_for(region, suffix)?;
    let service = service_for(without_dualstack(before))?;
    Some(Endpoint::new(service, region, partition, &[]))
}

/// The signing name for the labels in front of the region: the longest known endpoint
/// prefix at their end (`-fips` dropped from each label), else a lone unknown label.
fn service_for<'a>(before: &[&'a str]) -> Option<&'a str> {
    for start in 0..before.len() {
        let prefix = before[start..]
            .iter()
            .map(|label| label.strip_suffix("-fips").unwrap_or(label))
            .collect::<Vec<_>>()
            .join(".");
        if start > 0
            && let Some(name) = lookup(WITH_NAME_IN_FRONT, &prefix)
        {
            return Some(name);
        }
        if let Some(name) = lookup(endpoint_data::SIGNING_NAMES, &prefix) {
            return Some(name);
        }
    }
    match before {
        [only] => Some(only.strip_suffix("-fips").unwrap_or(only)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Region first: [<name>.]<region>.<label>.<suffix>

/// Hosts `<name>.<region>.<label>.<suffix>` botocore does not list; sorted by label.
const REGION_FIRST: &[(&str, &str)] = &[
    // OpenSearch Serverless collections: <collection-id>.<region>.aoss.amazonaws.com.
    ("aoss", "aoss"),
    // OpenSearch Service domains: search-<domain>-<id>.<region>.es.amazonaws.com (and
    // vpc-<domain>-<id>.<region>.es...).
    ("es", "es"),
    // Neptune clusters with IAM authentication sign as neptune-db.
    ("neptune", "neptune-db"),
    // RDS and Aurora instances, clusters and proxies: IAM database authentication tokens
    // are presigned for <name>.<id>.<region>.rds.amazonaws.com as rds-db.
    ("rds", "rds-db"),
];

/// `[<name>.]<region>.<label>.<suffix>`: legacy SQS and EMR names from botocore
/// (`<region>.queue.amazonaws.com`), and the resource endpoints above.
fn region_first(labels: &[&str], suffix: &str) -> Option<Endpoint> {
    let [.., region, label] = labels else {
        return None;
    };
    let service =
        lookup(endpoint_data::REGION_FIRST, label).or_else(|| lookup(REGION_FIRST, label))?;
    let partition = partition_for(region, suffix)?;
    Some(Endpoint::new(service, region, partition, &[]))
}

// ---------------------------------------------------------------------------------------
// <name>.<label>.<region>.on.aws

/// Hosts under `on.aws`: `<url-id>.lambda-url.<region>.on.aws` (Lambda function URLs
/// with AWS_IAM auth) and `<service>.<id>.vpc-lattice-svcs.<region>.on.aws` (VPC
/// Lattice services with IAM auth); sorted.
const ON_AWS: &[(&str, &str)] = &[
    ("lambda-url", "lambda"),
    ("vpc-lattice-svcs", "vpc-lattice-svcs"),
];

fn on_aws(labels: &[&str]) -> Option<Endpoint> {
    let [_, .., label, region] = labels else {
        return None;
    };
    let service = lookup(ON_AWS, label)?;
    let partition = PARTITIONS
        .iter()
        .find(|p| region_matches(p.region_heads, region))?;
    Some(Endpoint::new(service, region, partition, &[]))
}

// ---------------------------------------------------------------------------------------
// S3: buckets, access points, directory buckets, control, Outposts, Object Lambda

/// What an S3 label (`-fips` dropped) names: the signing name, and whether the labels
/// in front of it are a bucket. Signing names from botocore's S3 endpoint rule set.
fn s3_label(label: &str) -> Option<S3Host> {
    let label = label.strip_suffix("-fips").unwrap_or(label);
    Some(match label {
        "s3" => S3Host::Signed("s3", true),
        "s3-accesspoint" | "s3-control" => S3Host::Signed("s3", false),
        "s3-object-lambda" => S3Host::Signed("s3-object-lambda", false),
        "s3-outposts" => S3Host::Signed("s3-outposts", false),
        "s3express-control" => S3Host::Signed("s3express", false),
        // zonal endpoints: s3express-<zone id>, s3express-fips-<zone id>
        _ if label.starts_with("s3express-") => S3Host::Signed("s3express", true),
        // the region is the bucket's, not in the name; multi-Region access points sign
        // with SigV4a; websites are not signed
        "s3-accelerate" | "s3-global" => S3Host::Unplaced,
        _ if label == "s3-website" || label.starts_with("s3-website-") => S3Host::Unplaced,
        _ => return None,
    })
}

#[derive(Clone, Copy)]
enum S3Host {
    /// The signing name, and whether a bucket may stand in front.
    Signed(&'static str, bool),
    /// An S3 host that names no region to sign with.
    Unplaced,
}

/// `Some(answer)` for an S3 host, `None` for a host of another service.
fn s3(labels: &[&str], suffix: &str) -> Option<Option<Endpoint>> {
    let (&last, rest) = labels.split_last()?;
    if let Some(partition) = partition_for(last, suffix) {
        // [<bucket or id>.]<label>[.dualstack].<region>.<suffix>
        let (&label, front) = without_dualstack(rest).split_last()?;
        return Some(match s3_label(label)? {
            S3Host::Signed(name, true) => Some(Endpoint::new(name, last, partition, front)),
            S3Host::Signed(name, false) => Some(Endpoint::new(name, last, partition, &[])),
            S3Host::Unplaced => None,
        });
    }
    let (&label, front) = without_dualstack(labels).split_last()?;
    // legacy s3-<region> and s3-fips-<region> (bucket.s3-us-west-2.amazonaws.com)
    let dashed = label
        .strip_prefix("s3-fips-")
        .or_else(|| label.strip_prefix("s3-"));
    if let Some(region) = dashed
        && let Some(partition) = partition_for(region, suffix)
    {
        return Some(Some(Endpoint::new("s3", region, partition, front)));
    }
    if let Some(S3Host::Unplaced) = s3_label(label) {
        return Some(None);
    }
    // the global names botocore lists: s3.amazonaws.com, s3-external-1.amazonaws.com
    let global = listed(&format!("{label}.{suffix}")).filter(|e| e.service == "s3")?;
    let bucket = (!front.is_empty()).then(|| front.join("."));
    Some(Some(Endpoint { bucket, ..global }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(table: &[(&str, &str)]) -> bool {
        table.windows(2).all(|w| w[0].0 < w[1].0)
    }

    #[test]
    fn tables_are_sorted_for_binary_search() {
        assert!(sorted(endpoint_data::SIGNING_NAMES));
        assert!(sorted(endpoint_data::REGION_FIRST));
        assert!(sorted(WITH_NAME_IN_FRONT));
        assert!(sorted(REGION_FIRST));
        assert!(sorted(ON_AWS));
        let hosts = endpoint_data::HOSTS;
        assert!(hosts.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(hosts.iter().all(|h| usize::from(h.3) < PARTITIONS.len()));
    }

    #[test]
    fn region_patterns() {
        let aws = &["us", "eu"];
        assert!(region_matches(aws, "us-east-1"));
        assert!(region_matches(aws, "eu-central-22"));
        assert!(!region_matches(aws, "us-gov-west-1"));
        assert!(!region_matches(aws, "us-east-"));
        assert!(!region_matches(aws, "us--1"));
        assert!(!region_matches(aws, "useast-1"));
        assert!(!region_matches(aws, "us-east-1a"));
        assert!(region_matches(&["eusc-de"], "eusc-de-east-1"));
    }

    #[test]
    fn normalizes_hosts() {
        assert_eq!(
            normalize("S3.Amazonaws.COM.:443").as_deref(),
            Some("s3.amazonaws.com")
        );
        assert_eq!(normalize("h:"), Some("h".into()));
        for bad in [
            "",
            ".",
            "a..b",
            ".a",
            "[::1]:443",
            "::1",
            "a:b",
            "a b",
            "ä.com",
            "a_b",
        ] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
        assert_eq!(normalize(&"a.".repeat(128)), None);
    }
}
