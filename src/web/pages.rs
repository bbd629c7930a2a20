//! Visitor pages kept in memory: each variant of a landing or exhibition page is rendered once,
//! its gzip and brotli forms are made once, and every later request is answered with bytes.
//!
//! A variant key holds everything such a page is rendered from besides the catalog: the code or
//! exhibition, the language, the in-app hint, where the visitor stands (on or off campus),
//! and what is on show (state, phase, manual). Free copies found by Unpaywall change what a
//! key renders, so a change in them clears the cache too. So the
//! clock crossing into a new phase simply asks for a new variant, while a catalog reload or a
//! manual switch changes what a key would render and clears the cache (`invalidate`).

use parking_lot::RwLock;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, OnceLock};

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};

use crate::catalog::Place;
use crate::catalog::{Code, Lang, Showing};

/// More variants than any real catalog has at once (codes x 2 languages x 2 hints x 3
/// places, plus a few phases' worth kept after the clock moved on). Past it the cache starts over, so memory
/// stays bounded (about 10 KB a variant) even if the bound is wrong.
const MAX_VARIANTS: usize = 4096;

/// Brotli quality and window. Measured on a 7.6 KB landing page (release, this machine):
/// quality 7 gives 2,717 bytes in 1.0 ms, quality 11 gives 2,519 bytes in 10.3 ms. The first
/// request for each variant pays this on a worker thread, and after a reload every variant
/// does, so 8 % more bytes (well inside a phone's first round trip) buy a tenth of the stall.
const BROTLI_QUALITY: u32 = 7;
const BROTLI_WINDOW: u32 = 22;

/// Everything a cached page depends on, apart from the catalog and switches it was read from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum VariantKey {
    Landing {
        code: Code,
        lang: Lang,
        in_app: bool,
        /// On or off campus picks the buttons (a free copy, the proxy, the publisher).
        place: Place,
        showing: Showing,
        /// The poll the page asks (its place in the exhibition's list), if one is open.
        poll: Option<usize>,
        /// Back from an answer form: the thank-you line.
        thanks: Option<super::landing::Thanks>,
        /// The large-type layout (`size=large`).
        large: bool,
    },
    Exhibition {
        /// The exhibition's place in the catalog: stable until a reload, which clears the cache.
        index: usize,
        lang: Lang,
        showing: Showing,
        large: bool,
    },
}

/// One rendered page and its compressed forms, each made at most once.
pub(super) struct Rendered {
    identity: Bytes,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
}

impl Rendered {
    pub(super) fn new(html: String) -> Rendered {
        Rendered {
            identity: Bytes::from(html),
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
        }
    }

    /// The body in `coding`, compressing it the first time that coding is asked for.
    fn body(&self, coding: Coding) -> Bytes {
        match coding {
            Coding::Identity => self.identity.clone(),
            Coding::Gzip => self.gzip.get_or_init(|| gzip(&self.identity)).clone(),
            Coding::Brotli => self.brotli.get_or_init(|| brotli(&self.identity)).clone(),
        }
    }
}

fn gzip(plain: &[u8]) -> Bytes {
    // The best level: made once, and still well under a millisecond for a page.
    let level = flate2::Compression::best();
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(plain.len() / 3), level);
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(plain);
    Bytes::from(encoder.finish().unwrap_or_default())
}

fn brotli(plain: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(plain.len() / 3);
    {
        let mut encoder =
            brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, BROTLI_WINDOW);
        // Writing into a Vec cannot fail; the stream is finished when the encoder drops.
        let _ = encoder.write_all(plain);
    }
    Bytes::from(out)
}

/// Identifies one generation of the cache: a page rendered from state read in an older
/// generation is never kept.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Generation(u64);

#[derive(Default)]
pub(super) struct PageCache {
    inner: RwLock<Pages>,
}

#[derive(Default)]
struct Pages {
    generation: u64,
    map: HashMap<VariantKey, Arc<Rendered>>,
}

impl PageCache {
    /// Taken before the catalog and switches are read: `invalidate` runs after they change, so
    /// a request that read the old state holds an old generation and its page is not kept.
    pub(super) fn generation(&self) -> Generation {
        Generation(self.read().generation)
    }

    /// The cached page for `key`, or the one `render` makes (kept if `generation` is current).
    /// A render failure is returned and nothing is kept.
    pub(super) fn get_or_render<E>(
        &self,
        generation: Generation,
        key: VariantKey,
        render: impl FnOnce() -> Result<String, E>,
    ) -> Result<Arc<Rendered>, E> {
        {
            let pages = self.read();
            if pages.generation == generation.0
                && let Some(page) = pages.map.get(&key)
            {
                return Ok(page.clone());
            }
        }
        // Rendered outside the lock; two requests racing for a new variant both render, and
        // the second simply replaces the first's identical page.
        let page = Arc::new(Rendered::new(render()?));
        let mut pages = self.inner.write();
        if pages.generation == generation.0 {
            if pages.map.len() >= MAX_VARIANTS {
                pages.map.clear();
            }
            pages.map.insert(key, page.clone());
        }
        Ok(page)
    }

    /// Forgets every page: the catalog or a switch changed what a key renders.
    pub(super) fn invalidate(&self) {
        let mut pages = self.inner.write();
        pages.generation += 1;
        pages.map.clear();
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.read().map.len()
    }

    fn read(&self) -> parking_lot::RwLockReadGuard<'_, Pages> {
        self.inner.read()
    }
}

/// The content codings pages are kept in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    /// Brotli if the client takes it, then gzip, else identity. Only a q-value of zero refuses
    /// a coding; otherwise q-values do not rank: brotli is smaller, so it wins whenever allowed.
    fn negotiate(accept_encoding: Option<&str>) -> Coding {
        let Some(accept) = accept_encoding else {
            return Coding::Identity;
        };
        let (mut br, mut gzip, mut any) = (None, None, None);
        for item in accept.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let allowed = parts.all(|p| !is_q_zero(p));
            if name.eq_ignore_ascii_case("br") {
                br = Some(allowed);
            } else if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
                gzip = Some(allowed);
            } else if name == "*" {
                any = Some(allowed);
            }
        }
        let takes = |named: Option<bool>| named.or(any).unwrap_or(false);
        if takes(br) {
            Coding::Brotli
        } else if takes(gzip) {
            Coding::Gzip
        } else {
            Coding::Identity
        }
    }

    fn header(self) -> Option<HeaderValue> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some(HeaderValue::from_static("gzip")),
            Coding::Brotli => Some(HeaderValue::from_static("br")),
        }
    }
}

/// `q=0`, `q=0.0`, `q=0.000`: the client refuses this coding.
fn is_q_zero(param: &str) -> bool {
    let Some((name, value)) = param.split_once('=') else {
        return false;
    };
    name.trim().eq_ignore_ascii_case("q") && value.trim().parse::<f32>().is_ok_and(|q| q == 0.0)
}

/// A 200 with the page in the coding the request prefers. A compressed body carries its
/// `Content-Encoding`, which is what makes the `Compress` middleware (on the routes behind it)
/// leave it alone.
/// HEAD gets the same headers; actix drops the body.
pub(super) fn respond(req: &HttpRequest, page: &Rendered) -> HttpResponse {
    let accept = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok());
    let coding = Coding::negotiate(accept);
    let mut response = HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page.body(coding));
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(value) = coding.header() {
        headers.insert(header::CONTENT_ENCODING, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::catalog::ShowState;

    fn key(code: &str) -> VariantKey {
        VariantKey::Landing {
            code: Code::parse(code).unwrap(),
            lang: Lang::EN,
            in_app: false,
            place: Place::Unknown,
            showing: Showing {
                state: ShowState::Running,
                phase: 0,
                manual: false,
            },
            poll: None,
            thanks: None,
            large: false,
        }
    }

    #[test]
    fn brotli_wins_when_allowed_then_gzip_then_identity() {
        let cases = [
            (None, Coding::Identity),
            (Some(""), Coding::Identity),
            (Some("gzip, deflate, br, zstd"), Coding::Brotli),
            (Some("gzip;q=1.0, br;q=0.5"), Coding::Brotli),
            (Some("gzip, br;q=0"), Coding::Gzip),
            (Some("GZIP"), Coding::Gzip),
            (Some("deflate, zstd"), Coding::Identity),
            (Some("*"), Coding::Brotli),
            (Some("*;q=0, gzip"), Coding::Gzip),
            (Some("br;q=0.000, gzip;q=0"), Coding::Identity),
            (Some("identity"), Coding::Identity),
        ];
        for (header, want) in cases {
            assert_eq!(Coding::negotiate(header), want, "{header:?}");
        }
    }

    #[test]
    fn compressed_forms_decompress_to_the_page_and_are_made_once() {
        let html = "<p>a page with some repetition, repetition, repetition</p>\n".repeat(50);
        let page = Rendered::new(html.clone());
        let gz = page.body(Coding::Gzip);
        let br = page.body(Coding::Brotli);
        assert!(gz.len() < html.len() / 4 && br.len() < html.len() / 4);
        assert_eq!(
            gz.as_ptr(),
            page.body(Coding::Gzip).as_ptr(),
            "the same bytes again"
        );
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut unzipped)
            .unwrap();
        assert_eq!(unzipped, html);
        let mut unbrotlied = String::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut unbrotlied)
            .unwrap();
        assert_eq!(unbrotlied, html);
    }

    #[test]
    fn a_page_rendered_before_an_invalidation_is_not_kept() {
        let cache = PageCache::default();
        let before = cache.generation();
        let render = |s: &'static str| move || Ok::<_, ()>(s.to_string());
        cache
            .get_or_render(before, key("AB1"), render("one"))
            .unwrap();
        assert_eq!(cache.len(), 1);
        let again = cache
            .get_or_render(before, key("AB1"), render("two"))
            .unwrap();
        assert_eq!(again.body(Coding::Identity), "one", "served from memory");

        cache.invalidate();
        assert_eq!(cache.len(), 0);
        let stale = cache
            .get_or_render(before, key("AB1"), render("old"))
            .unwrap();
        assert_eq!(stale.body(Coding::Identity), "old");
        assert_eq!(
            cache.len(),
            0,
            "a render from the old generation is not kept"
        );
        let now = cache.generation();
        let fresh = cache.get_or_render(now, key("AB1"), render("new")).unwrap();
        assert_eq!(fresh.body(Coding::Identity), "new");
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn the_cache_never_grows_past_its_bound() {
        let cache = PageCache::default();
        let g = cache.generation();
        for i in 0..MAX_VARIANTS + 10 {
            let code = format!("C{i}");
            cache
                .get_or_render(g, key(&code), || Ok::<_, ()>(code.clone()))
                .unwrap();
        }
        assert!(cache.len() <= MAX_VARIANTS);
        assert!(cache.get_or_render(g, key("AB1"), || Err(())).is_err());
    }
}
