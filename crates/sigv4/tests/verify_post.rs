//! POST-policy forms verify, from boto3's generate_presigned_post
//! (tools/oracle/botocore_post.py, made by scripts/test.sh) and from our own
//! `Signer::presign_post`; a form that breaks a condition, comes too late or carries a
//! changed policy or signature is refused.

use std::time::Duration;

use serde_json::Value;
use sigv4::{Credentials, PolicyCondition, PostForm, Signer, SigningParams, SigningTime, Verifier};

/// A labelled change: fields, file size, time.
type Change = (&'static str, Vec<(String, String)>, u64, SigningTime);

struct Form {
    id: String,
    bucket: String,
    fields: Vec<(String, String)>,
    max_size: u64,
    creds: Credentials,
    time: SigningTime,
    expires: i64,
}

fn boto3_forms() -> Vec<Form> {
    let path = std::env::var("SIGV4_BOTOCORE_POST").unwrap_or_else(|_| {
        panic!("SIGV4_BOTOCORE_POST must name boto3's forms: run scripts/test.sh (tools/oracle/botocore_post.py)")
    });
    std::fs::read_to_string(&path)
        .expect("read")
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("JSON");
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
            let mut creds =
                Credentials::new(s("access_key_id"), s("secret_access_key")).expect("creds");
            if let Some(t) = v["session_token"].as_str() {
                creds = creds.with_session_token(t);
            }
            Form {
                id: s("id"),
                bucket: s("bucket"),
                fields: v["fields"]
                    .as_array()
                    .expect("fields")
                    .iter()
                    .map(|p| {
                        (
                            p[0].as_str().unwrap_or_default().to_owned(),
                            p[1].as_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect(),
                max_size: v["max_size"].as_u64().expect("max"),
                creds,
                time: SigningTime::parse(&s("time")).expect("time"),
                expires: v["expires"].as_i64().expect("expires"),
            }
        })
        .collect()
}

fn our_forms() -> Vec<Form> {
    (0..100u64)
        .map(|i| {
            let creds =
                Credentials::new(format!("AKIDPOST{i}"), format!("secret{i}/xyz")).expect("creds");
            let creds = if i % 2 == 0 {
                creds.with_session_token(format!("token{i}"))
            } else {
                creds
            };
            let time =
                SigningTime::from_unix_seconds(1_700_000_000 + i as i64 * 7919).expect("time");
            let params = SigningParams::new(&creds, "eu-west-1", "s3", time).expect("params");
            let max_size = 1000 + i * 37;
            let key = if i % 3 == 0 {
                format!("up/{i}/${{filename}}")
            } else {
                format!("up/{i}.bin")
            };
            let post = Signer::new()
                .presign_post(
                    &PostForm::new(
                        "https://ourbucket.s3.eu-west-1.amazonaws.com/",
                        "ourbucket",
                        &key,
                    )
                    .with_field("Content-Type", "image/png")
                    .with_condition(PolicyCondition::content_length_range(0, max_size))
                    .with_condition(PolicyCondition::starts_with("Content-Type", "image/")),
                    &params,
                    Duration::from_secs(600),
                )
                .expect("presign_post");
            Form {
                id: format!("ours-{i}"),
                bucket: "ourbucket".into(),
                fields: post.fields,
                max_size,
                creds,
                time,
                expires: 600,
            }
        })
        .collect()
}

fn verify(
    form: &Form,
    fields: &[(String, String)],
    size: u64,
    now: SigningTime,
) -> sigv4::Result<sigv4::Verified> {
    let creds = form.creds.clone();
    let verifier =
        Verifier::new(move |id: &str| (id == creds.access_key_id()).then(|| creds.clone()));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    verifier.verify_post(&form.bucket, &pairs, size, now)
}

fn check(forms: &[Form]) -> usize {
    let mut refused = 0;
    for form in forms {
        let now = SigningTime::from_unix_seconds(form.time.unix_seconds() + 1).expect("t");
        verify(form, &form.fields, form.max_size, now)
            .unwrap_or_else(|e| panic!("{}: {e}", form.id));
        let set = |name: &str, value: &str| -> Vec<(String, String)> {
            form.fields
                .iter()
                .map(|(n, v)| {
                    if n.eq_ignore_ascii_case(name) {
                        (n.clone(), value.to_owned())
                    } else {
                        (n.clone(), v.clone())
                    }
                })
                .collect()
        };
        let mut changes: Vec<Change> = vec![
            (
                "size over the range",
                form.fields.clone(),
                form.max_size + 1,
                now,
            ),
            (
                "content type outside the prefix",
                set("Content-Type", "zz/unknown"),
                1,
                now,
            ),
            ("key outside the policy", set("key", "elsewhere/x"), 1, now),
            ("another bucket's policy", form.fields.clone(), 1, now),
        ];
        let mut extra = form.fields.clone();
        extra.push(("x-amz-website-redirect-location".into(), "/x".into()));
        changes.push(("an extra field", extra, 1, now));
        let missing: Vec<_> = form
            .fields
            .iter()
            .filter(|(n, _)| n != "Content-Type")
            .cloned()
            .collect();
        changes.push(("a missing field", missing, 1, now));
        let late =
            SigningTime::from_unix_seconds(form.time.unix_seconds() + form.expires).expect("t");
        changes.push(("after the expiration", form.fields.clone(), 1, late));
        let signature = form
            .fields
            .iter()
            .find(|(n, _)| n == "x-amz-signature")
            .expect("sig")
            .1
            .clone();
        let flipped = format!(
            "{}{}",
            &signature[..63],
            if signature.ends_with('0') { '1' } else { '0' }
        );
        changes.push(("a signature bit", set("x-amz-signature", &flipped), 1, now));
        let policy = form
            .fields
            .iter()
            .find(|(n, _)| n == "policy")
            .expect("policy")
            .1
            .clone();
        let mut tampered = policy.into_bytes();
        tampered[10] = if tampered[10] == b'A' { b'B' } else { b'A' };
        changes.push((
            "a policy byte",
            set("policy", &String::from_utf8(tampered).expect("ascii")),
            1,
            now,
        ));
        for (label, fields, size, at) in changes {
            let result = if label == "another bucket's policy" {
                let other = Form {
                    bucket: "not-the-bucket".into(),
                    fields: form.fields.clone(),
                    id: form.id.clone(),
                    max_size: form.max_size,
                    creds: form.creds.clone(),
                    time: form.time,
                    expires: form.expires,
                };
                verify(&other, &fields, size, at)
            } else {
                verify(form, &fields, size, at)
            };
            assert!(result.is_err(), "{} {label}: accepted", form.id);
            refused += 1;
        }
    }
    refused
}

#[test]
fn boto3_and_our_post_forms_verify_and_broken_ones_do_not() {
    let boto3 = boto3_forms();
    assert!(boto3.len() >= 100, "only {} boto3 forms", boto3.len());
    let ours = our_forms();
    let refused = check(&boto3) + check(&ours);
    println!(
        "verify_post: {} boto3 forms and {} of ours verify; {refused} broken variants refused",
        boto3.len(),
        ours.len()
    );
}
