//! A service that requires SigV4: `cargo run -p sigv4-tower --example service`, then
//! `AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
//!  sigv4 curl --service example --region us-east-1 http://127.0.0.1:3000/hello`
//! answers with the caller's access key; an unsigned request gets a 400, a wrong key a 403.

use axum::Router;
use axum::extract::Extension;
use axum::routing::get;
use sigv4::{Credentials, Verified};
use sigv4_tower::SigV4Layer;

async fn hello(Extension(who): Extension<Verified>) -> String {
    format!(
        "hello, {} ({} in {})\n",
        who.access_key_id, who.service, who.region
    )
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
    let layer =
        SigV4Layer::new(move |id: &str| (id == creds.access_key_id()).then(|| creds.clone()));
    let app = Router::new().route("/hello", get(hello)).layer(layer);
    let addr = std::env::var("LISTEN").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
