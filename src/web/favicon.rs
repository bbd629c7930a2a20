//! `/favicon.ico`: a 32 px PNG drawn here (three QR finder patterns and a few modules), so
//! browsers stop logging a 404 on every page load.
//!
//! Browsers read `/favicon.ico` by its content, not its name, so a PNG is fine there. It is
//! drawn once and cached by clients for a week (it may change with a release, so not forever).

use std::sync::LazyLock;

use actix_web::HttpResponse;
use actix_web::http::header;

/// 16 by 16 cells, each 2 by 2 pixels.
const CELLS: usize = 16;
const SCALE: usize = 2;
const INK: [u8; 3] = [0x1f, 0x3a, 0x4d];
const PAPER: [u8; 3] = [0xff, 0xff, 0xff];

/// The few modules between the finder patterns, as (column, row).
const MODULES: &[(usize, usize)] = &[
    (8, 1),
    (8, 3),
    (8, 8),
    (10, 8),
    (12, 9),
    (14, 8),
    (9, 10),
    (11, 11),
    (13, 12),
    (10, 13),
    (14, 14),
    (12, 14),
];

/// Whether cell (x, y) is inked.
fn inked(x: usize, y: usize) -> bool {
    // Finder patterns of 5 cells (ring, gap, centre) with a one-cell margin.
    let finder = |ox: usize, oy: usize| {
        let (Some(dx), Some(dy)) = (x.checked_sub(ox), y.checked_sub(oy)) else {
            return false;
        };
        if dx > 4 || dy > 4 {
            return false;
        }
        let ring = dx == 0 || dx == 4 || dy == 0 || dy == 4;
        ring || (dx == 2 && dy == 2)
    };
    finder(1, 1) || finder(10, 1) || finder(1, 10) || MODULES.contains(&(x, y))
}

fn draw() -> Vec<u8> {
    let side = CELLS * SCALE;
    let mut pixels = Vec::with_capacity(side * side * 3);
    for py in 0..side {
        for px in 0..side {
            let colour = if inked(px / SCALE, py / SCALE) {
                INK
            } else {
                PAPER
            };
            pixels.extend_from_slice(&colour);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .write_header()
        .and_then(|mut w| w.write_image_data(&pixels))
        .expect("a fixed 32 px image always encodes");
    out
}

static ICON: LazyLock<Vec<u8>> = LazyLock::new(draw);

pub(super) async fn favicon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/png")
        .insert_header((header::CACHE_CONTROL, "public, max-age=604800"))
        .body(ICON.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_is_a_32_px_png() {
        let img = image::load_from_memory(&draw()).unwrap();
        assert_eq!((img.width(), img.height()), (32, 32));
    }
}
