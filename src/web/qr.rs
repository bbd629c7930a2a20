//! Public QR images: `/qr/{CODE}.svg` and `/qr/{CODE}.png`, with `size` (mm), `distance` (m),
//! `dpi` and `ecc` options. Only codes in the catalog get an image.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::AppState;
use crate::catalog::Code;
use crate::qr::{self, DEFAULT_DPI, Ecc, Symbol};

#[derive(Deserialize)]
pub(super) struct QrQuery {
    size: Option<f64>,
    distance: Option<f64>,
    dpi: Option<u32>,
    ecc: Option<String>,
}

/// The biggest PNG side this public route renders, in pixels (a 132 mm code at 300 DPI is
/// about 1,560): larger images come from `docent qr`, so nobody can make the server allocate
/// hundreds of megabytes with a query string.
const MAX_PNG_PX: f64 = 4_000.0;

pub(super) async fn image(
    state: web::Data<AppState>,
    file: web::Path<String>,
    query: web::Query<QrQuery>,
) -> HttpResponse {
    let Some((code, format)) = file.rsplit_once('.') else {
        return bad("expected /qr/CODE.svg or /qr/CODE.png");
    };
    let catalog = state.catalog();
    let Some((code, target)) = Code::parse(code)
        .ok()
        .and_then(|c| catalog.resolve(&c).map(|t| (c, t)))
    else {
        return HttpResponse::NotFound()
            .content_type("text/plain")
            .body("no such code");
    };
    let ecc = match query.ecc.as_deref().map(str::parse::<Ecc>).transpose() {
        Ok(ecc) => ecc.unwrap_or_default(),
        Err(e) => return bad(&e.to_string()),
    };
    let symbol = match Symbol::new(&qr::code_url(&state.base_url, &code), ecc) {
        Ok(s) => s,
        Err(e) => return bad(&e.to_string()),
    };
    let distance = query
        .distance
        .unwrap_or_else(|| catalog.scan_distance_m(target));
    if !(0.1..=30.0).contains(&distance) {
        return bad("distance is in metres, 0.1 to 30");
    }
    let size = query
        .size
        .unwrap_or_else(|| symbol.size_for_distance(distance));
    let dpi = query.dpi.unwrap_or(DEFAULT_DPI);
    if !(5.0..=1000.0).contains(&size) || !(72..=1200).contains(&dpi) {
        return bad("size is 5 to 1000 mm, dpi 72 to 1200");
    }
    let reply = |content_type: &str, body: Vec<u8>| {
        HttpResponse::Ok()
            .content_type(content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(body)
    };
    match format {
        "svg" => reply("image/svg+xml", symbol.svg(size).into_bytes()),
        "png" if size / 25.4 * dpi as f64 <= MAX_PNG_PX => {
            match web::block(move || symbol.png(size, dpi)).await {
                Ok(Ok(png)) => reply("image/png", png),
                _ => HttpResponse::InternalServerError()
                    .content_type("text/plain")
                    .body("the PNG could not be made"),
            }
        }
        "png" => bad("that size at that dpi is too many pixels; lower one of them"),
        _ => bad("the format is .svg or .png"),
    }
}

fn bad(message: &str) -> HttpResponse {
    HttpResponse::BadRequest()
        .content_type("text/plain; charset=utf-8")
        .body(message.to_string())
}
