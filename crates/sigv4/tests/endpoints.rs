//! `Endpoint::from_host`: signing name, region, partition and bucket read from a host.
//!
//! The expectations are written from AWS documentation (service endpoint pages, the S3
//! user guide's virtual-hosted, legacy, dual-stack, access point, Object Lambda, Outposts
//! and directory bucket host forms, GovCloud and China endpoint lists) and from
//! botocore's data as published (endpoints.json credentialScope, each service model's
//! signingName), never from this crate's output. With SIGV4_ENDPOINT_CASES set
//! (tools/endpoints/check.sh sets it), every host botocore's endpoints.json names is
//! checked too; scripts/test.sh sets it, and the test fails without it.

use sigv4::Endpoint;

/// host, signing name, region, partition, bucket
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

#[rustfmt::skip]
const CASES: &[Case] = &[
    // --- aws: global endpoints sign with us-east-1 (endpoints.json credentialScope)
    ("iam.amazonaws.com", "iam", "us-east-1", "aws", None),
    ("sts.amazonaws.com", "sts", "us-east-1", "aws", None),
    ("route53.amazonaws.com", "route53", "us-east-1", "aws", None),
    ("cloudfront.amazonaws.com", "cloudfront", "us-east-1", "aws", None),
    ("iam-fips.amazonaws.com", "iam", "us-east-1", "aws", None),
    ("waf.amazonaws.com", "waf", "us-east-1", "aws", None),
    ("budgets.amazonaws.com", "budgets", "us-east-1", "aws", None),
    ("importexport.amazonaws.com", "IngestionService", "us-east-1", "aws", None),
    // --- aws: regional, the endpoint prefix is not the signing name
    ("email.us-east-1.amazonaws.com", "ses", "us-east-1", "aws", None),
    ("email-fips.us-west-2.amazonaws.com", "ses", "us-west-2", "aws", None),
    ("data-ats.iot.us-east-1.amazonaws.com", "iotdata", "us-east-1", "aws", None),
    ("data.iot.eu-west-1.amazonaws.com", "iotdata", "eu-west-1", "aws", None),
    ("a3k7odshaiipe8-ats.iot.us-west-2.amazonaws.com", "iotdata", "us-west-2", "aws", None),
    ("data.jobs.iot.us-east-1.amazonaws.com", "iot-jobs-data", "us-east-1", "aws", None),
    ("ab12cd34.jobs.iot.us-east-1.amazonaws.com", "iot-jobs-data", "us-east-1", "aws", None),
    ("iot.us-east-1.amazonaws.com", "iot", "us-east-1", "aws", None),
    ("runtime.sagemaker.us-east-1.amazonaws.com", "sagemaker", "us-east-1", "aws", None),
    ("api.sagemaker.ap-northeast-1.amazonaws.com", "sagemaker", "ap-northeast-1", "aws", None),
    ("runtime-fips.sagemaker.us-east-1.amazonaws.com", "sagemaker", "us-east-1", "aws", None),
    ("streams.dynamodb.us-east-1.amazonaws.com", "dynamodb", "us-east-1", "aws", None),
    ("api.ecr.eu-central-1.amazonaws.com", "ecr", "eu-central-1", "aws", None),
    ("ecr-fips.us-east-1.amazonaws.com", "ecr", "us-east-1", "aws", None),
    ("models.lex.us-east-1.amazonaws.com", "lex", "us-east-1", "aws", None),
    ("runtime.lex.us-west-2.amazonaws.com", "lex", "us-west-2", "aws", None),
    ("pinpoint.us-east-1.amazonaws.com", "mobiletargeting", "us-east-1", "aws", None),
    ("appstream2.us-east-1.amazonaws.com", "appstream", "us-east-1", "aws", None),
    ("portal.sso.us-east-1.amazonaws.com", "awsssoportal", "us-east-1", "aws", None),
    ("oidc.eu-west-1.amazonaws.com", "sso-oauth", "eu-west-1", "aws", None),
    ("participant.connect.us-east-1.amazonaws.com", "execute-api", "us-east-1", "aws", None),
    ("bedrock-runtime.us-east-1.amazonaws.com", "bedrock", "us-east-1", "aws", None),
    ("metering.marketplace.us-east-1.amazonaws.com", "aws-marketplace", "us-east-1", "aws", None),
    ("ingest.timestream.us-east-1.amazonaws.com", "timestream", "us-east-1", "aws", None),
    // --- aws: regional, prefix and signing name agree
    ("polly.eu-west-1.amazonaws.com", "polly", "eu-west-1", "aws", None),
    ("kinesis.us-east-1.amazonaws.com", "kinesis", "us-east-1", "aws", None),
    ("lambda.us-west-2.amazonaws.com", "lambda", "us-west-2", "aws", None),
    ("sqs.us-east-1.amazonaws.com", "sqs", "us-east-1", "aws", None),
    ("sqs-fips.us-east-2.amazonaws.com", "sqs", "us-east-2", "aws", None),
    ("sns.ap-southeast-2.amazonaws.com", "sns", "ap-southeast-2", "aws", None),
    ("monitoring.us-east-1.amazonaws.com", "monitoring", "us-east-1", "aws", None),
    ("logs.ca-central-1.amazonaws.com", "logs", "ca-central-1", "aws", None),
    ("dynamodb.us-east-1.amazonaws.com", "dynamodb", "us-east-1", "aws", None),
    ("kms-fips.us-east-1.amazonaws.com", "kms", "us-east-1", "aws", None),
    ("es.us-east-1.amazonaws.com", "es", "us-east-1", "aws", None),
    ("sts.us-east-2.amazonaws.com", "sts", "us-east-2", "aws", None),
    ("fips.batch.us-east-1.amazonaws.com", "batch", "us-east-1", "aws", None),
    ("fips.transcribe.us-west-2.amazonaws.com", "transcribe", "us-west-2", "aws", None),
    ("kafka.us-east-1.amazonaws.com", "kafka", "us-east-1", "aws", None),
    // --- aws: dual-stack (api.aws) and FIPS dual-stack
    ("ec2.us-east-1.api.aws", "ec2", "us-east-1", "aws", None),
    ("lambda-fips.us-east-1.api.aws", "lambda", "us-east-1", "aws", None),
    ("sqs.eu-west-1.api.aws", "sqs", "eu-west-1", "aws", None),
    ("aos.us-east-1.api.aws", "es", "us-east-1", "aws", None),
    // --- legacy SQS names (endpoints.json sslCommonName)
    ("queue.amazonaws.com", "sqs", "us-east-1", "aws", None),
    ("eu-west-1.queue.amazonaws.com", "sqs", "eu-west-1", "aws", None),
    ("us-east-1.elasticmapreduce.amazonaws.com", "elasticmapreduce", "us-east-1", "aws", None),
    // --- names in front of the service
    ("abc123defg.execute-api.us-east-1.amazonaws.com", "execute-api", "us-east-1", "aws", None),
    ("search-my-domain-abc123.eu-west-1.es.amazonaws.com", "es", "eu-west-1", "aws", None),
    ("vpc-logs-xyz789.us-west-2.es.amazonaws.com", "es", "us-west-2", "aws", None),
    ("1a2b3c4d5e6f.us-east-1.aoss.amazonaws.com", "aoss", "us-east-1", "aws", None),
    ("abcdefghij1234567890.lambda-url.us-east-1.on.aws", "lambda", "us-east-1", "aws", None),
    ("x7yz.appsync-api.eu-west-2.amazonaws.com", "appsync", "eu-west-2", "aws", None),
    ("mydb.c9akciq32.us-east-1.rds.amazonaws.com:3306", "rds-db", "us-east-1", "aws", None),
    ("db.cluster-c9akciq32.us-east-1.neptune.amazonaws.com", "neptune-db", "us-east-1", "aws", None),
    ("b-1.demo.abc123.c2.kafka.us-east-1.amazonaws.com:9098", "kafka-cluster", "us-east-1", "aws", None),
    ("svc-0123456789abcdef0.7d67968.vpc-lattice-svcs.us-west-2.on.aws", "vpc-lattice-svcs", "us-west-2", "aws", None),
    // --- S3 (S3 user guide: virtual-hosted, path style, legacy, dual-stack, FIPS)
    ("examplebucket.s3.amazonaws.com", "s3", "us-east-1", "aws", Some("examplebucket")),
    ("s3.amazonaws.com", "s3", "us-east-1", "aws", None),
    ("my-bucket.s3.us-west-2.amazonaws.com", "s3", "us-west-2", "aws", Some("my-bucket")),
    ("my.dotted.bucket.s3.eu-west-1.amazonaws.com", "s3", "eu-west-1", "aws", Some("my.dotted.bucket")),
    ("s3.s3.us-east-2.amazonaws.com", "s3", "us-east-2", "aws", Some("s3")),
    ("bucket.s3-us-west-2.amazonaws.com", "s3", "us-west-2", "aws", Some("bucket")),
    ("s3-eu-west-1.amazonaws.com", "s3", "eu-west-1", "aws", None),
    ("s3-external-1.amazonaws.com", "s3", "us-east-1", "aws", None),
    ("bucket.s3-external-1.amazonaws.com", "s3", "us-east-1", "aws", Some("bucket")),
    ("s3.eu-west-1.amazonaws.com", "s3", "eu-west-1", "aws", None),
    ("bucket.s3.dualstack.eu-west-1.amazonaws.com", "s3", "eu-west-1", "aws", Some("bucket")),
    ("s3.dualstack.us-east-1.amazonaws.com", "s3", "us-east-1", "aws", None),
    ("s3-fips.dualstack.us-east-2.amazonaws.com", "s3", "us-east-2", "aws", None),
    ("bucket.s3-fips.us-east-1.amazonaws.com", "s3", "us-east-1", "aws", Some("bucket")),
    ("123456789012.s3-control.us-east-1.amazonaws.com", "s3", "us-east-1", "aws", None),
    ("s3-control.dualstack.us-west-2.amazonaws.com", "s3", "us-west-2", "aws", None),
    ("finance-docs-123456789012.s3-accesspoint.us-west-2.amazonaws.com", "s3", "us-west-2", "aws", None),
    ("my-ap-123456789012.s3-accesspoint.dualstack.us-east-1.amazonaws.com", "s3", "us-east-1", "aws", None),
    ("my-olap-123456789012.s3-object-lambda.us-east-1.amazonaws.com", "s3-object-lambda", "us-east-1", "aws", None),
    ("my-ap-123456789012.op-01ac5d28a6a232904.s3-outposts.us-west-2.amazonaws.com", "s3-outposts", "us-west-2", "aws", None),
    ("bucket-base-name--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com", "s3express", "us-west-2", "aws", Some("bucket-base-name--usw2-az1--x-s3")),
    ("s3express-control.us-west-2.amazonaws.com", "s3express", "us-west-2", "aws", None),
    // --- aws-cn
    ("iam.cn-north-1.amazonaws.com.cn", "iam", "cn-north-1", "aws-cn", None),
    ("sts.cn-north-1.amazonaws.com.cn", "sts", "cn-north-1", "aws-cn", None),
    ("route53.amazonaws.com.cn", "route53", "cn-northwest-1", "aws-cn", None),
    ("lambda.cn-northwest-1.amazonaws.com.cn", "lambda", "cn-northwest-1", "aws-cn", None),
    ("s3.cn-north-1.amazonaws.com.cn", "s3", "cn-north-1", "aws-cn", None),
    ("bucket.s3.cn-northwest-1.amazonaws.com.cn", "s3", "cn-northwest-1", "aws-cn", Some("bucket")),
    ("bucket.s3.dualstack.cn-north-1.amazonaws.com.cn", "s3", "cn-north-1", "aws-cn", Some("bucket")),
    ("ec2.cn-north-1.api.amazonwebservices.com.cn", "ec2", "cn-north-1", "aws-cn", None),
    ("cn-north-1.queue.amazonaws.com.cn", "sqs", "cn-north-1", "aws-cn", None),
    // --- aws-us-gov
    ("iam.us-gov.amazonaws.com", "iam", "us-gov-west-1", "aws-us-gov", None),
    ("route53.us-gov.amazonaws.com", "route53", "us-gov-west-1", "aws-us-gov", None),
    ("sts.us-gov-west-1.amazonaws.com", "sts", "us-gov-west-1", "aws-us-gov", None),
    ("email.us-gov-west-1.amazonaws.com", "ses", "us-gov-west-1", "aws-us-gov", None),
    ("s3-fips.us-gov-west-1.amazonaws.com", "s3", "us-gov-west-1", "aws-us-gov", None),
    ("bucket.s3.us-gov-east-1.amazonaws.com", "s3", "us-gov-east-1", "aws-us-gov", Some("bucket")),
    ("s3-fips-us-gov-west-1.amazonaws.com", "s3", "us-gov-west-1", "aws-us-gov", None),
    ("lambda.us-gov-west-1.api.aws", "lambda", "us-gov-west-1", "aws-us-gov", None),
    ("abc.execute-api.us-gov-east-1.amazonaws.com", "execute-api", "us-gov-east-1", "aws-us-gov", None),
    // --- aws-iso (C2S), aws-iso-b (SC2S), aws-iso-e, aws-iso-f, aws-eusc
    ("ec2.us-iso-east-1.c2s.ic.gov", "ec2", "us-iso-east-1", "aws-iso", None),
    ("s3.us-iso-west-1.c2s.ic.gov", "s3", "us-iso-west-1", "aws-iso", None),
    ("route53.c2s.ic.gov", "route53", "us-iso-east-1", "aws-iso", None),
    ("sts.us-isob-east-1.sc2s.sgov.gov", "sts", "us-isob-east-1", "aws-iso-b", None),
    ("bucket.s3.us-isob-east-1.sc2s.sgov.gov", "s3", "us-isob-east-1", "aws-iso-b", Some("bucket")),
    ("lambda.eu-isoe-west-1.cloud.adc-e.uk", "lambda", "eu-isoe-west-1", "aws-iso-e", None),
    ("kms.us-isof-south-1.csp.hci.ic.gov", "kms", "us-isof-south-1", "aws-iso-f", None),
    ("lambda.us-isof-east-1.api.aws.hci.ic.gov", "lambda", "us-isof-east-1", "aws-iso-f", None),
    ("s3.eusc-de-east-1.amazonaws.eu", "s3", "eusc-de-east-1", "aws-eusc", None),
    ("sts.eusc-de-east-1.api.amazonwebservices.eu", "sts", "eusc-de-east-1", "aws-eusc", None),
    // --- spelling: case, port, trailing dot; a service botocore does not know yet
    ("DynamoDB.US-EAST-1.AmazonAWS.com:443", "dynamodb", "us-east-1", "aws", None),
    ("sqs.us-east-1.amazonaws.com.", "sqs", "us-east-1", "aws", None),
    ("Bucket.S3.amazonaws.com:80", "s3", "us-east-1", "aws", Some("bucket")),
    ("newservice.us-east-1.amazonaws.com", "newservice", "us-east-1", "aws", None),
];

/// Hosts that name no AWS scope, or no region to sign with.
const UNPLACED: &[&str] = &[
    "",
    ":",
    ".",
    "localhost",
    "localhost:9000",
    "127.0.0.1",
    "127.0.0.1:9000",
    "[::1]:9000",
    "::1",
    "minio.example.com",
    "minio.example.com:9000",
    "storage.googleapis.com",
    "d111111abcdef8.cloudfront.net",
    "amazonaws.com",
    "api.aws",
    "us-east-1.amazonaws.com",
    "s3.amazonaws.com.example.com",
    "bucket.s3.us-east-1.amazonaws.com.cn",
    "sts.us-gov-west-1.amazonaws.com.cn",
    "sqs.cn-north-1.amazonaws.com",
    "ec2-203-0-113-25.compute-1.amazonaws.com",
    "vpce-0a1b2c3d-4e5f.sqs.us-east-1.vpce.amazonaws.com",
    "a.b.unknown.us-east-1.amazonaws.com",
    // S3 hosts naming no region to sign with, or not signed with SigV4
    "bucket.s3-accelerate.amazonaws.com",
    "bucket.s3-accelerate.dualstack.amazonaws.com",
    "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com",
    "bucket.s3-website-us-east-1.amazonaws.com",
    "bucket.s3-website.eu-central-1.amazonaws.com",
    // a Lambda function URL without its id, an unknown on.aws service
    "lambda-url.us-east-1.on.aws",
    "x.other.us-east-1.on.aws",
    // found by the fuzz target: a label that is only "-fips" names no service
    "-fips.us-e-3.amazonaws.com",
    "-fips.us-east-1.amazonaws.com",
];

#[test]
fn places_documented_hosts() {
    let mut failures = Vec::new();
    for &(host, service, region, partition, bucket) in CASES {
        let want = (service, region, partition, bucket);
        let got = Endpoint::from_host(host);
        let got = got.as_ref().map(|e| {
            (
                e.service.as_str(),
                e.region.as_str(),
                e.partition,
                e.bucket.as_deref(),
            )
        });
        if got != Some(want) {
            failures.push(format!("{host}\n    want {want:?}\n    got  {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(CASES.len() >= 60);
}

#[test]
fn leaves_other_hosts_unplaced() {
    let placed: Vec<_> = UNPLACED
        .iter()
        .filter_map(|h| Endpoint::from_host(h).map(|e| format!("{h}: {e:?}")))
        .collect();
    assert!(placed.is_empty(), "{}", placed.join("\n"));
}

/// Every botocore service model whose endpointPrefix is not its signingName (botocore
/// 1.44.5, `metadata` of each service-2.json), as `<prefix>.<region>.amazonaws.com`.
#[test]
fn signs_with_the_models_signing_name() {
    const MODELS: &[(&str, &str)] = &[
        ("a2i-runtime.sagemaker", "sagemaker"),
        ("account-access-runtime", "account-access"),
        ("admin.wickr", "wickr"),
        ("agent-registry-control", "agent-registry"),
        ("agreement-marketplace", "aws-marketplace"),
        ("api.detective", "detective"),
        ("api.ecr", "ecr"),
        ("api.ecr-public", "ecr-public"),
        ("api.iotdeviceadvisor", "iotdeviceadvisor"),
        ("api.iotmanagedintegrations", "iotmanagedintegrations"),
        ("api.iotwireless", "iotwireless"),
        ("api.mediatailor", "mediatailor"),
        ("api.pricing", "pricing"),
        ("api.sagemaker", "sagemaker"),
        ("api.tunneling.iot", "IoTSecuredTunneling"),
        ("appconfigdata", "appconfig"),
        ("appstream2", "appstream"),
        ("bedrock-agent", "bedrock"),
        ("bedrock-agent-runtime", "bedrock"),
        ("bedrock-agentcore-control", "bedrock-agentcore"),
        ("bedrock-data-automation", "bedrock"),
        ("bedrock-data-automation-runtime", "bedrock"),
        ("bedrock-runtime", "bedrock"),
        ("cassandra-streams", "cassandra"),
        ("catalog.marketplace", "aws-marketplace"),
        ("cloudhsmv2", "cloudhsm"),
        ("cloudsearchdomain", "cloudsearch"),
        ("cloudwatch-omni", "cloudwatch"),
        ("contact-lens", "connect"),
        ("controlplane.payment-cryptography", "payment-cryptography"),
        ("data-ats.iot", "iotdata"),
        ("data-signer", "signer"),
        ("data.jobs.iot", "iot-jobs-data"),
        ("data.mediastore", "mediastore"),
        ("data.qapps", "qapps"),
        ("dataplane.payment-cryptography", "payment-cryptography"),
        ("deployment-marketplace", "aws-marketplace"),
        ("discovery-marketplace", "aws-marketplace"),
        ("edge.sagemaker", "sagemaker"),
        ("email", "ses"),
        ("entitlement.marketplace", "aws-marketplace"),
        ("eventsv2", "events"),
        ("featurestore-runtime.sagemaker", "sagemaker"),
        ("forecastquery", "forecast"),
        ("iam-toolbox", "iam"),
        ("identity-chime", "chime"),
        ("inferencerouter-runtime.sagemaker", "sagemaker"),
        ("ingest.timestream", "timestream"),
        ("ivsrealtime", "ivs"),
        ("job-runtime.sagemaker", "sagemaker"),
        ("mail-manager", "ses"),
        ("media-pipelines-chime", "chime"),
        ("meetings-chime", "chime"),
        ("memory-db", "memorydb"),
        ("messaging-chime", "chime"),
        ("metering.marketplace", "aws-marketplace"),
        ("metrics.sagemaker", "sagemaker"),
        ("migrationhub-config", "mgh"),
        ("models-v2-lex", "lex"),
        ("models.lex", "lex"),
        ("oidc", "sso-oauth"),
        ("participant.connect", "execute-api"),
        ("partnercentral-prm", "partnercentral"),
        ("personalize-events", "personalize"),
        ("personalize-runtime", "personalize"),
        ("pinpoint", "mobiletargeting"),
        ("portal.sso", "awsssoportal"),
        ("query.timestream", "timestream"),
        ("reporting-marketplace", "aws-marketplace"),
        ("runtime-v2-lex", "lex"),
        ("runtime.lex", "lex"),
        ("runtime.sagemaker", "sagemaker"),
        ("s3-control", "s3"),
        ("servicecatalog-appregistry", "servicecatalog"),
        ("sms-voice.pinpoint", "sms-voice"),
        ("streams.dynamodb", "dynamodb"),
        ("training-session-runtime.sagemaker", "sagemaker"),
        ("voice-chime", "chime"),
    ];
    let mut failures = Vec::new();
    for &(prefix, signing_name) in MODELS {
        for host in [
            format!("{prefix}.us-west-2.amazonaws.com"),
            format!("{prefix}.eu-central-1.api.aws"),
        ] {
            let got = Endpoint::from_host(&host).map(|e| e.service);
            if got.as_deref() != Some(signing_name) {
                failures.push(format!("{host}: want {signing_name}, got {got:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Any string gives `Some` or `None`, never a panic: random bytes, and mutations of
/// real hosts (labels dropped, doubled, swapped, characters changed).
#[test]
fn never_panics() {
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789-.:_[]AZ\xc3\xa9 ";
    let seeds: Vec<&str> = CASES
        .iter()
        .map(|c| c.0)
        .chain(UNPLACED.iter().copied())
        .collect();
    for round in 0..20_000 {
        let input = if round % 2 == 0 {
            let len = (next() % 64) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            let seed = seeds[(next() % seeds.len() as u64) as usize];
            let mut labels: Vec<&str> = seed.split('.').collect();
            match next() % 4 {
                0 if !labels.is_empty() => {
                    labels.remove((next() % labels.len() as u64) as usize);
                }
                1 if !labels.is_empty() => {
                    let i = (next() % labels.len() as u64) as usize;
                    labels.insert(i, labels[i]);
                }
                2 if labels.len() > 1 => {
                    let i = (next() % (labels.len() as u64 - 1)) as usize;
                    labels.swap(i, i + 1);
                }
                _ => {
                    labels.push(["s3", "us-east-1", "dualstack", "fips", ""][(next() % 5) as usize])
                }
            }
            labels.join(".")
        };
        let _ = Endpoint::from_host(&input);
    }
    let long = "a.".repeat(5_000) + "s3.amazonaws.com";
    assert_eq!(Endpoint::from_host(&long), None);
}

/// With SIGV4_ENDPOINT_CASES (written by `tools/endpoints/generate.py --cases`, as
/// tools/endpoints/check.sh does): every host botocore's endpoints.json names is placed
/// with the scope botocore signs it with.
#[test]
fn places_every_botocore_host() {
    let path = std::env::var("SIGV4_ENDPOINT_CASES").expect(
        "SIGV4_ENDPOINT_CASES must name botocore's hosts file: run tools/endpoints/check.sh or scripts/test.sh",
    );
    let text = std::fs::read_to_string(&path).expect("SIGV4_ENDPOINT_CASES file");
    let mut failures = Vec::new();
    let mut count = 0;
    for line in text.lines() {
        let case: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let field = |name: &str| case[name].as_str().expect(name).to_owned();
        let host = field("host");
        let want = (field("service"), field("region"), field("partition"));
        let got = Endpoint::from_host(&host)
            .map(|e| (e.service, e.region, e.partition.to_owned(), e.bucket));
        if got != Some((want.0.clone(), want.1.clone(), want.2.clone(), None)) {
            failures.push(format!("{host}: want {want:?}, got {got:?}"));
        }
        count += 1;
    }
    println!("{count} botocore hosts checked");
    assert!(count > 1000, "{path}: only {count} hosts");
    assert!(
        failures.is_empty(),
        "{} of {count}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
