//! The layer in front of a service: a signed request reaches it with the caller's
//! identity; unsigned, tampered or wrongly keyed requests are answered 400/403 by the
//! layer and never reach it.

use std::convert::Infallible;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use sigv4::{Credentials, Payload, Signer, SigningParams, SigningTime, Verified};
use sigv4_tower::SigV4Layer;
use tower::{Layer, ServiceExt, service_fn};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn signed(body: &'static [u8], secret: &str) -> Request<Full<Bytes>> {
    let creds = Credentials::new("AKIDEXAMPLE", secret).expect("creds");
    let now = SigningTime::from_system_time(std::time::SystemTime::now()).expect("now");
    let params = SigningParams::new(&creds, "us-east-1", "example", now).expect("params");
    let mut request = Request::post("http://127.0.0.1:3000/hello?x=1")
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(body)))
        .expect("request");
    Signer::new()
        .sign_http(&mut request, Payload::Bytes(body), &params)
        .expect("sign");
    request
}

async fn call(request: Request<Full<Bytes>>) -> (StatusCode, String) {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET).expect("creds");
    let layer = SigV4Layer::new(move |id: &str| (id == "AKIDEXAMPLE").then(|| creds.clone()));
    let service = layer.layer(service_fn(|req: Request<Full<Bytes>>| async move {
        let who = req
            .extensions()
            .get::<Verified>()
            .map(|v| v.access_key_id.clone());
        let body = req
            .into_body()
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(format!(
            "{} {}",
            who.unwrap_or_default(),
            String::from_utf8_lossy(&body)
        )))))
    }));
    let response = service.oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn signed_requests_pass_and_others_are_refused() {
    let (status, body) = call(signed(b"{\"a\":1}", SECRET)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body, "AKIDEXAMPLE {\"a\":1}",
        "the service sees the caller and the body"
    );

    let unsigned = Request::get("http://127.0.0.1:3000/hello")
        .header("host", "127.0.0.1:3000")
        .body(Full::new(Bytes::new()))
        .expect("request");
    let (status, body) = call(unsigned).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("not signed"), "{body}");

    let (status, body) = call(signed(b"{}", "another secret")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("signature does not match"), "{body}");

    let mut tampered = signed(b"{\"a\":1}", SECRET);
    *tampered.body_mut() = Full::new(Bytes::from_static(b"{\"a\":2}"));
    let (status, body) = call(tampered).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a changed body: {body}");
}
