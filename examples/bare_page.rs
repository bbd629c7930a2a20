//! The ceiling for benchmarks: a bare actix-web server (no middleware, no logging, no state)
//! answering every GET with the same static page of a given size.
//!
//! Run: `cargo run --release --example bare_page -- 127.0.0.1:18081 6144`.

use actix_web::{App, HttpResponse, HttpServer, web};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let bind = args.next().unwrap_or_else(|| "127.0.0.1:18081".into());
    let size: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(6144);
    let body = web::Bytes::from("x".repeat(size));
    HttpServer::new(move || {
        let body = body.clone();
        App::new().default_service(web::to(move || {
            let body = body.clone();
            async move {
                HttpResponse::Ok()
                    .content_type("text/html; charset=utf-8")
                    .body(body)
            }
        }))
    })
    .bind(bind)?
    .run()
    .await
}
