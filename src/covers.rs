//! Cover images: an uploaded or imported cover resized to the size the pages expect, and
//! thumbnails of a cover file scaled down to a fixed width, the format a phone on a weak
//! connection (or a print page) wants. Both decode and encode whole images: call them on a
//! blocking thread, never on the async executor.

use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;

/// Widths on offer to browsers (`srcset`) and print pages.
pub const WIDTHS: [u32; 3] = [160, 480, 960];
const JPEG_QUALITY: u8 = 80;
/// Stored covers are resized to fit this box (portrait 3:4, as the pages expect).
const COVER_BOX: (u32, u32) = (720, 960);

/// Why a cover could not be made: the sender's file, or this server.
#[derive(Debug, thiserror::Error)]
pub enum CoverError {
    /// The bytes are not an image we read (the person can send another file).
    #[error("not a PNG or JPEG image ({0})")]
    NotAnImage(#[source] image::ImageError),
    /// The image was read but the JPEG could not be written (not the sender's fault).
    #[error("the resized cover could not be encoded ({0})")]
    Encode(#[source] image::ImageError),
}

/// An uploaded or imported cover (PNG or JPEG), resized to fit 720x960, as JPEG.
pub fn resize_cover(bytes: &[u8]) -> Result<Vec<u8>, CoverError> {
    let image = image::load_from_memory(bytes).map_err(CoverError::NotAnImage)?;
    let image = if image.width() > COVER_BOX.0 || image.height() > COVER_BOX.1 {
        image.resize(COVER_BOX.0, COVER_BOX.1, FilterType::Lanczos3)
    } else {
        image
    };
    let mut out = Vec::new();
    image
        .to_rgb8()
        .write_to(
            &mut std::io::Cursor::new(&mut out),
            image::ImageFormat::Jpeg,
        )
        .map_err(CoverError::Encode)?;
    Ok(out)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_cover_fits_the_box_and_text_is_not_an_image() {
        let big = image::RgbImage::from_pixel(1440, 1200, image::Rgb([10, 20, 30]));
        let mut png = Vec::new();
        big.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let jpeg = resize_cover(&png).unwrap();
        let resized = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((resized.width(), resized.height()), (720, 600));
        assert!(matches!(
            resize_cover(b"not an image"),
            Err(CoverError::NotAnImage(_))
        ));
    }
}
