//! Cover thumbnails: a cover file scaled down to a fixed width and re-encoded as JPEG, the
//! format a phone on a weak connection (or a print page) wants.

use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;

/// Widths on offer to browsers (`srcset`) and print pages.
pub const WIDTHS: [u32; 3] = [160, 480, 960];
const JPEG_QUALITY: u8 = 80;

/// The cover scaled down to `width` pixels (never up), as JPEG.
pub fn thumbnail(path: &Path, width: u32) -> image::ImageResult<Vec<u8>> {
    let img = image::open(path)?;
    let img = if img.width() > width {
        img.resize(width, u32::MAX, FilterType::Lanczos3)
    } else {
        img
    };
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).encode_image(&img.to_rgb8())?;
    Ok(out)
}
