//! Public QR images: `/qr/{CODE}.svg` and `/qr/{CODE}.png`, with `size` (mm), `distance` (m),
//! `dpi` and `ecc` options. Only codes in the catalog get an image.
//!
//! This route is public, so what a query string can cost is bounded three ways: a smaller
//! maximum than the admin print sheets allow, a cache of finished images (a poster wall or a
//! crawler asks for the same few again and again), and at most `RENDERS` PNGs rendered at a
//! time. Before, 500 concurrent `size=1000&dpi=101` requests took 2.8 GB and a visitor page
//! 8 s.

use parking_lot::Mutex;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::http::header;
use actix_web::web::Bytes;
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

/// The biggest PNG side this public route renders, in pixels: a 170 mm code at 300 DPI. The
/// print sheets (`/admin/print`, up to 180 mm as SVG) and `docent qr` make anything larger.
const MAX_PNG_PX: f64 = 2_048.0;
/// The widest code this route draws, in millimetres (the print sheets allow 180 mm, `docent
/// qr` any size).
const MAX_SIZE_MM: f64 = 300.0;
/// PNGs rendered at once; the rest wait up to `WAIT` for a turn, then get 503. Two keeps a
/// core free for visitor pages on a small machine.
const RENDERS: usize = 2;
const WAIT: Duration = Duration::from_secs(2);
/// The cache holds at most this many images and bytes; the oldest go first.
const CACHE_ENTRIES: usize = 256;
const CACHE_BYTES: usize = 16 << 20;
const SIZE_RANGE: &str = "size is 5 to 300 mm, dpi 72 to 1200 (larger codes: docent qr)";

/// One image, known before anything is drawn or encoded: a code, a format and the options
/// that decide its pixels. A cached image then costs a lookup, not a QR encoding.
#[derive(Clone, PartialEq, Eq, Hash)]
struct ImageKey {
    code: String,
    png: bool,
    /// The width asked for, in tenths of a millimetre (rounded to that before drawing, so
    /// nobody can defeat the cache with `size=50.000001`); `None`: worked out from the
    /// distance.
    size: Option<u32>,
    /// The scanning distance (asked for, or the exhibit's), in millimetres; it decides the
    /// width when none is asked for.
    distance: u32,
    /// Dots per inch (PNG only; 0 for SVG).
    dpi: u32,
    /// The level's letter (`Ecc` is not `Hash`).
    ecc: char,
}

/// Finished images and the render limit, shared by every worker.
pub(super) struct QrImages {
    cache: Mutex<ImageCache>,
    renders: tokio::sync::Semaphore,
    /// PNGs rendering now, and the most ever at once (reported by `/admin/healthz`).
    rendering: AtomicUsize,
    peak: AtomicUsize,
    rendered: AtomicUsize,
    refused: AtomicUsize,
}

#[derive(Default)]
struct ImageCache {
    images: HashMap<ImageKey, Bytes>,
    /// Insertion order: evicting the oldest is enough here, the working set is small.
    order: VecDeque<ImageKey>,
    bytes: usize,
}

impl Default for QrImages {
    fn default() -> QrImages {
        QrImages {
            cache: Mutex::default(),
            renders: tokio::sync::Semaphore::new(RENDERS),
            rendering: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            rendered: AtomicUsize::new(0),
            refused: AtomicUsize::new(0),
        }
    }
}

/// What `/admin/healthz` shows of the QR images.
#[derive(serde::Serialize)]
pub(super) struct QrCounters {
    pub cached: usize,
    pub cached_bytes: usize,
    pub rendered: usize,
    pub refused_busy: usize,
    pub peak_concurrent_renders: usize,
}

impl QrImages {
    fn get(&self, key: &ImageKey) -> Option<Bytes> {
        let cache = self.cache.lock();
        cache.images.get(key).cloned()
    }

    fn put(&self, key: ImageKey, image: Bytes) {
        if image.len() > CACHE_BYTES / 4 {
            return;
        }
        let mut cache = self.cache.lock();
        if cache.images.contains_key(&key) {
            return;
        }
        while cache.images.len() >= CACHE_ENTRIES || cache.bytes + image.len() > CACHE_BYTES {
            let Some(oldest) = cache.order.pop_front() else {
                break;
            };
            if let Some(gone) = cache.images.remove(&oldest) {
                cache.bytes -= gone.len();
            }
        }
        cache.bytes += image.len();
        cache.order.push_back(key.clone());
        cache.images.insert(key, image);
    }

    pub(super) fn counters(&self) -> QrCounters {
        let cache = self.cache.lock();
        QrCounters {
            cached: cache.images.len(),
            cached_bytes: cache.bytes,
            rendered: self.rendered.load(Ordering::Relaxed),
            refused_busy: self.refused.load(Ordering::Relaxed),
            peak_concurrent_renders: self.peak.load(Ordering::Relaxed),
        }
    }

    /// Renders a PNG on a blocking thread once a render slot is free; `None` when none came
    /// free in time.
    async fn render_png(&self, symbol: Symbol, size: f64, dpi: u32) -> Option<Result<Vec<u8>, ()>> {
        let Ok(Ok(_permit)) = actix_web::rt::time::timeout(WAIT, self.renders.acquire()).await
        else {
            self.refused.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        let now = self.rendering.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        let png = web::block(move || symbol.png(size, dpi)).await;
        self.rendering.fetch_sub(1, Ordering::SeqCst);
        self.rendered.fetch_add(1, Ordering::Relaxed);
        Some(match png {
            Ok(Ok(png)) => Ok(png),
            _ => Err(()),
        })
    }
}

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
    let distance = query
        .distance
        .unwrap_or_else(|| catalog.scan_distance_m(target));
    if !(0.1..=30.0).contains(&distance) {
        return bad("distance is in metres, 0.1 to 30");
    }
    let asked = query.size.map(|size| (size * 10.0).round() / 10.0);
    let dpi = query.dpi.unwrap_or(DEFAULT_DPI);
    if asked.is_some_and(|size| !(5.0..=MAX_SIZE_MM).contains(&size)) || !(72..=1200).contains(&dpi)
    {
        return bad(SIZE_RANGE);
    }
    let png = match format {
        "svg" => false,
        "png" => true,
        _ => return bad("the format is .svg or .png"),
    };
    let key = ImageKey {
        code: code.to_string(),
        png,
        size: asked.map(|size| (size * 10.0) as u32),
        distance: (distance * 1000.0).round() as u32,
        dpi: if png { dpi } else { 0 },
        ecc: ecc.to_string().chars().next().unwrap_or('M'),
    };
    let image = match state.qr_images.get(&key) {
        Some(image) => image,
        None => {
            let symbol = match Symbol::new(&qr::code_url(&state.base_url, &code), ecc) {
                Ok(s) => s,
                Err(e) => return bad(&e.to_string()),
            };
            let size =
                asked.unwrap_or_else(|| (symbol.size_for_distance(distance) * 10.0).round() / 10.0);
            if !(5.0..=MAX_SIZE_MM).contains(&size) {
                return bad(SIZE_RANGE);
            }
            if png && size / 25.4 * dpi as f64 > MAX_PNG_PX {
                return bad("that size at that dpi is more than 2048 pixels; lower one of them");
            }
            let made: Bytes = if png {
                match state.qr_images.render_png(symbol, size, dpi).await {
                    Some(Ok(bytes)) => Bytes::from(bytes),
                    Some(Err(())) => {
                        return HttpResponse::InternalServerError()
                            .content_type("text/plain")
                            .body("the PNG could not be made");
                    }
                    None => return busy(),
                }
            } else {
                Bytes::from(symbol.svg(size))
            };
            state.qr_images.put(key, made.clone());
            made
        }
    };
    HttpResponse::Ok()
        .content_type(if png { "image/png" } else { "image/svg+xml" })
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(image)
}

/// Every render slot stayed taken for `WAIT`: come back shortly.
fn busy() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .insert_header((header::RETRY_AFTER, "2"))
        .content_type("text/plain; charset=utf-8")
        .body("busy drawing other QR codes; try again in a moment")
}

fn bad(message: &str) -> HttpResponse {
    HttpResponse::BadRequest()
        .content_type("text/plain; charset=utf-8")
        .body(message.to_string())
}
