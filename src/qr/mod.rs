//! QR codes for printing: URL -> symbol -> SVG or PNG at a physical size, and a check that a
//! rendered code decodes back to its URL. Pure functions; no catalog, no HTTP.
//!
//! The URL is `{BASE}/S/{CODE}` with the base's scheme and host upper-cased when it has no
//! path: both are case-insensitive, and an all-upper-case URL fits QR's alphanumeric mode
//! (5.5 bits a character instead of 8), which keeps the symbol a version smaller.

use std::fmt;
use std::str::FromStr;

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::catalog::Code;

/// Modules of white border on each side, as the QR standard asks.
pub const QUIET_ZONE: u32 = 4;
/// The smallest printed module: below this, phone cameras struggle.
pub const MIN_MODULE_MM: f64 = 0.5;
pub const DEFAULT_DPI: u32 = 300;
const MM_PER_INCH: f64 = 25.4;

#[derive(Debug, thiserror::Error)]
pub enum QrError {
    #[error("the URL is too long for a QR code: {0}")]
    TooLong(#[from] qrcode::types::QrError),
    #[error("the PNG could not be written: {0}")]
    Png(#[from] png::EncodingError),
    #[error("{0}")]
    Option(String),
}

/// Error-correction level: L 7 %, M 15 %, Q 25 %, H 30 % of the symbol can be damaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ecc {
    L,
    #[default]
    M,
    Q,
    H,
}

impl FromStr for Ecc {
    type Err = QrError;

    fn from_str(s: &str) -> Result<Ecc, QrError> {
        match s.to_ascii_uppercase().as_str() {
            "L" => Ok(Ecc::L),
            "M" => Ok(Ecc::M),
            "Q" => Ok(Ecc::Q),
            "H" => Ok(Ecc::H),
            _ => Err(QrError::Option(format!(
                "error correction `{s}`: use L, M, Q or H"
            ))),
        }
    }
}

impl fmt::Display for Ecc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl From<Ecc> for EcLevel {
    fn from(e: Ecc) -> EcLevel {
        match e {
            Ecc::L => EcLevel::L,
            Ecc::M => EcLevel::M,
            Ecc::Q => EcLevel::Q,
            Ecc::H => EcLevel::H,
        }
    }
}

/// The URL a code's QR symbol holds.
pub fn code_url(base_url: &str, code: &Code) -> String {
    let base = base_url.trim_end_matches('/');
    let has_path = base
        .split_once("://")
        .is_some_and(|(_, rest)| rest.contains('/'));
    let base = if has_path {
        base.to_string()
    } else {
        base.to_ascii_uppercase()
    };
    format!("{base}/S/{code}")
}

/// A QR symbol and the URL in it.
pub struct Symbol {
    code: QrCode,
    pub url: String,
}

impl Symbol {
    pub fn new(url: &str, ecc: Ecc) -> Result<Symbol, QrError> {
        let code = QrCode::with_error_correction_level(url.as_bytes(), ecc.into())?;
        Ok(Symbol {
            code,
            url: url.to_string(),
        })
    }

    /// The QR version (1 is 21x21 modules, each version adds 4).
    pub fn version(&self) -> i16 {
        match self.code.version() {
            qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
        }
    }

    /// Modules across the symbol, quiet zone excluded.
    pub fn modules(&self) -> u32 {
        self.code.width() as u32
    }

    /// Modules across the printed square, quiet zone included.
    pub fn modules_with_quiet_zone(&self) -> u32 {
        self.modules() + 2 * QUIET_ZONE
    }

    /// SVG: one path on the exact module grid (viewBox in modules), sized in millimetres.
    pub fn svg(&self, size_mm: f64) -> String {
        let n = self.modules_with_quiet_zone();
        let drawn = self
            .code
            .render::<svg::Color>()
            .quiet_zone(true)
            .module_dimensions(1, 1)
            .build();
        let body = drawn.split_once("?>").map(|(_, b)| b).unwrap_or(&drawn);
        body.replacen(
            &format!(r#"width="{n}" height="{n}""#),
            &format!(r#"width="{size_mm:.1}mm" height="{size_mm:.1}mm""#),
            1,
        )
    }

    /// Grey-scale pixels, `module_px` pixels a module, quiet zone included.
    pub fn pixels(&self, module_px: u32) -> image::GrayImage {
        self.code
            .render::<image::Luma<u8>>()
            .quiet_zone(true)
            .module_dimensions(module_px, module_px)
            .build()
    }

    /// A PNG of at least `size_mm` at `dpi`, with a whole number of pixels a module (so edges
    /// stay sharp) and the DPI recorded in its pHYs chunk.
    pub fn png(&self, size_mm: f64, dpi: u32) -> Result<Vec<u8>, QrError> {
        let n = self.modules_with_quiet_zone() as f64;
        let module_px = ((size_mm / MM_PER_INCH * dpi as f64) / n).ceil().max(1.0) as u32;
        let img = self.pixels(module_px);
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, img.width(), img.height());
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let per_metre = (dpi as f64 / 0.0254).round() as u32;
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: per_metre,
            yppu: per_metre,
            unit: png::Unit::Meter,
        }));
        let mut writer = encoder.write_header()?;
        writer.write_image_data(img.as_raw())?;
        writer.finish()?;
        Ok(out)
    }

    /// The printed width (quiet zone included) for a scanning distance: the symbol at least a
    /// tenth of the distance, and no module under `MIN_MODULE_MM`.
    pub fn size_for_distance(&self, distance_m: f64) -> f64 {
        let symbol_mm = (distance_m * 1000.0 / 10.0).max(self.modules() as f64 * MIN_MODULE_MM);
        let module_mm = symbol_mm / self.modules() as f64;
        (module_mm * self.modules_with_quiet_zone() as f64).ceil()
    }
}

/// Decodes every QR symbol in a grey-scale image with an independent decoder (rqrr). Images
/// wider than `DECODE_MAX_PX` are scaled down first: rqrr 0.11 overflows (a panic in debug
/// builds) on very large images, such as a poster code for a 6 m scanning distance, and a
/// symbol of up to 177 modules still has several pixels a module at this size.
pub fn decode(img: &image::GrayImage) -> Vec<String> {
    const DECODE_MAX_PX: u32 = 1600;
    let scaled;
    let img = if img.width().max(img.height()) > DECODE_MAX_PX {
        let (w, h) = (img.width(), img.height());
        let factor = f64::from(DECODE_MAX_PX) / f64::from(w.max(h));
        scaled = image::imageops::resize(
            img,
            ((f64::from(w) * factor) as u32).max(1),
            ((f64::from(h) * factor) as u32).max(1),
            image::imageops::FilterType::Triangle,
        );
        &scaled
    } else {
        img
    };
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        img.width() as usize,
        img.height() as usize,
        |x, y| img.get_pixel(x as u32, y as u32).0[0],
    );
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

/// Renders the PNG, decodes it again, and refuses a code that does not read back exactly.
pub fn verified_png(symbol: &Symbol, size_mm: f64, dpi: u32) -> Result<Vec<u8>, QrError> {
    let png = symbol.png(size_mm, dpi)?;
    let img = image::load_from_memory(&png)
        .map_err(|e| QrError::Option(format!("the PNG does not load: {e}")))?
        .to_luma8();
    expect_url(&img, &symbol.url, "PNG")?;
    Ok(png)
}

/// Rasterises an SVG (with resvg) to about `px` pixels across, in grey-scale.
pub fn rasterise_svg(svg: &str, px: u32) -> Result<image::GrayImage, QrError> {
    let fail = |what: &str| QrError::Option(format!("the SVG could not be rasterised: {what}"));
    let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default())
        .map_err(|e| fail(&e.to_string()))?;
    let scale = px as f32 / tree.size().width();
    let side = (tree.size().width() * scale).ceil() as u32;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(side, side).ok_or_else(|| fail("empty size"))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let grey = pixmap.data().chunks_exact(4).map(|p| p[1]).collect();
    image::GrayImage::from_raw(side, side, grey).ok_or_else(|| fail("pixel buffer"))
}

/// Checks that pixels decode to exactly `url` and nothing else.
fn expect_url(img: &image::GrayImage, url: &str, what: &str) -> Result<(), QrError> {
    let read = decode(img);
    if read != [url] {
        return Err(QrError::Option(format!(
            "the {what} for {url} decodes as {read:?}: not printed"
        )));
    }
    Ok(())
}

/// The SVG, rasterised and decoded again; refused unless it reads back exactly.
pub fn verified_svg(symbol: &Symbol, size_mm: f64) -> Result<String, QrError> {
    let svg = symbol.svg(size_mm);
    expect_url(
        &rasterise_svg(&svg, symbol.modules_with_quiet_zone() * 6)?,
        &symbol.url,
        "SVG",
    )?;
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> Code {
        Code::parse(s).unwrap()
    }

    #[test]
    fn urls_are_upper_case_when_the_base_has_no_path() {
        assert_eq!(
            code_url("http://127.0.0.1:8080", &code("nca1")),
            "HTTP://127.0.0.1:8080/S/NCA1"
        );
        assert_eq!(
            code_url("https://docent.example.edu/", &code("go16")),
            "HTTPS://DOCENT.EXAMPLE.EDU/S/GO16"
        );
        assert_eq!(
            code_url("https://lib.example.edu/docent", &code("go16")),
            "https://lib.example.edu/docent/S/GO16"
        );
    }

    #[test]
    fn upper_case_urls_make_smaller_symbols() {
        let upper = Symbol::new("HTTPS://DOCENT.EXAMPLE.EDU/S/NCA1", Ecc::M).unwrap();
        let lower = Symbol::new("https://docent.example.edu/s/nca1", Ecc::M).unwrap();
        assert_eq!(upper.version(), 2);
        assert_eq!(lower.version(), 3);
    }

    #[test]
    fn sizes_follow_distance_and_never_shrink_modules_below_half_a_millimetre() {
        let s = Symbol::new("HTTP://127.0.0.1:8080/S/NCA1", Ecc::M).unwrap();
        assert_eq!(s.modules(), 25);
        // 1 m: a 100 mm symbol, 4 mm modules, 33 modules with the quiet zone = 132 mm.
        assert_eq!(s.size_for_distance(1.0), 132.0);
        // 10 cm would give a 10 mm symbol; half-millimetre modules make it 12.5 mm + border.
        assert_eq!(s.size_for_distance(0.1), 17.0);
    }

    #[test]
    fn the_png_records_its_dpi_and_reads_back() {
        let s = Symbol::new("HTTP://127.0.0.1:8080/S/NCA1", Ecc::M).unwrap();
        let png = verified_png(&s, 50.0, 300).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let reader = decoder.read_info().unwrap();
        let dims = reader.info().pixel_dims.unwrap();
        assert_eq!(dims.xppu, 11811, "300 DPI in pixels per metre");
        let (w, _) = reader.info().size();
        assert!(
            w as f64 >= 50.0 / 25.4 * 300.0,
            "at least 50 mm at 300 DPI: {w} px"
        );
        assert_eq!(w % s.modules_with_quiet_zone(), 0, "whole pixels a module");
    }

    #[test]
    fn the_svg_is_one_path_on_the_module_grid() {
        let s = Symbol::new("HTTP://127.0.0.1:8080/S/NCA1", Ecc::M).unwrap();
        let svg = s.svg(40.0);
        assert!(svg.starts_with("<svg"));
        assert_eq!(svg.matches("<path").count(), 1);
        assert!(svg.contains(r#"viewBox="0 0 33 33""#));
        assert!(svg.contains(r#"width="40.0mm""#));
        verified_svg(&s, 40.0).unwrap();
    }

    #[test]
    fn ecc_parses() {
        assert_eq!("h".parse::<Ecc>().unwrap(), Ecc::H);
        assert!("X".parse::<Ecc>().is_err());
    }
}
