//! Cover images: an uploaded or imported cover resized to the size the pages expect, and
//! thumbnails of a cover file scaled down to a fixed width, the format a phone on a weak
//! connection (or a print page) wants. Both decode and encode whole images: call them on a
//! blocking thread, never on the async executor. An image that is too large (from its header)
//! or cut short is refused before any pixel is decoded.

use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;

/// Widths on offer to browsers (`srcset`) and print pages.
pub const WIDTHS: [u32; 3] = [160, 480, 960];
const JPEG_QUALITY: u8 = 80;
/// Stored covers are resized to fit this box (portrait 3:4, as the pages expect).
const COVER_BOX: (u32, u32) = (720, 960);
/// The most pixels an uploaded or imported cover may have (a 7000x5700 photo is fine; a
/// 12000x12000 picture, a few hundred KB of PNG, would take gigabytes and seconds to decode).
pub const MAX_PIXELS: u64 = 40_000_000;
/// The most memory the decoder may take for one cover.
const MAX_DECODE_BYTES: u64 = 256 << 20;

/// Why a cover could not be made: the sender's file, or this server.
#[derive(Debug, thiserror::Error)]
pub enum CoverError {
    /// The bytes are not an image we read (the person can send another file).
    #[error("not a PNG or JPEG image ({0})")]
    NotAnImage(#[source] image::ImageError),
    /// Too many pixels to decode (checked from the header, before decoding).
    #[error(
        "the image is {width}x{height} pixels; at most 40 megapixels are taken (send it smaller)"
    )]
    TooLarge { width: u32, height: u32 },
    /// The file is larger than an upload may be.
    #[error(
        "the cover file is {} MB, larger than {} MB: make it smaller (720×960 is plenty)",
        .bytes.div_ceil(1 << 20), .limit >> 20
    )]
    TooManyBytes { bytes: usize, limit: usize },
    /// The file stops before the image does (an upload or a copy cut short): decoders fill
    /// the rest with grey, so it is refused rather than shown half blank.
    #[error(
        "the image file is incomplete (it stops before the image ends); send the whole file again"
    )]
    Truncated,
    /// The image was read but the JPEG could not be written (not the sender's fault).
    #[error("the resized cover could not be encoded ({0})")]
    Encode(#[source] image::ImageError),
}

/// An uploaded or imported cover (PNG or JPEG), resized to fit 720x960, as JPEG.
pub fn resize_cover(bytes: &[u8]) -> Result<Vec<u8>, CoverError> {
    let image = decode_bounded(bytes)?;
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

/// Decodes a cover within `MAX_PIXELS` (from the header, before any pixel is decoded) and
/// `MAX_DECODE_BYTES` of memory.
fn decode_bounded(bytes: &[u8]) -> Result<image::DynamicImage, CoverError> {
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| CoverError::NotAnImage(image::ImageError::IoError(e)))
    };
    let format = reader()?.format();
    let (width, height) = reader()?
        .into_dimensions()
        .map_err(CoverError::NotAnImage)?;
    if format == Some(image::ImageFormat::Jpeg) && !jpeg_is_whole(bytes) {
        return Err(CoverError::Truncated);
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(CoverError::TooLarge { width, height });
    }
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut reader = reader()?;
    reader.limits(limits);
    reader.decode().map_err(CoverError::NotAnImage)
}

/// Whether a JPEG's last scan is followed by its end marker (`FF D9`). Inside a scan every
/// `FF` byte is stuffed (`FF 00`) or a restart marker, so neither marker can appear by chance;
/// an embedded EXIF thumbnail comes before the main image's scans.
fn jpeg_is_whole(bytes: &[u8]) -> bool {
    let last_scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    let Some(scan) = last_scan else { return false };
    bytes[scan..].windows(2).any(|w| w == [0xFF, 0xD9])
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

    #[test]
    fn a_truncated_jpeg_is_refused_and_a_whole_one_is_taken() {
        let picture = image::RgbImage::from_fn(400, 300, |x, y| image::Rgb([x as u8, y as u8, 7]));
        let mut jpeg = Vec::new();
        picture
            .write_to(
                &mut std::io::Cursor::new(&mut jpeg),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
        assert!(resize_cover(&jpeg).is_ok());
        let cut = &jpeg[..jpeg.len() * 2 / 3];
        assert!(matches!(resize_cover(cut), Err(CoverError::Truncated)));
        let mut padded = jpeg.clone();
        padded.extend_from_slice(&[0; 32]);
        assert!(
            resize_cover(&padded).is_ok(),
            "bytes after the end marker are harmless"
        );
    }

    #[test]
    fn a_cover_of_too_many_pixels_is_refused_from_its_header() {
        // 8000x6000 of one colour (48 megapixels): a small PNG that decodes to 144 MB.
        let mut png = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut png, 8_000, 6_000);
            encoder.set_color(png::ColorType::Grayscale);
            let mut writer = encoder.write_header().unwrap();
            writer.write_image_data(&vec![0u8; 8_000 * 6_000]).unwrap();
        }
        assert!(png.len() < 1_000_000, "{} bytes", png.len());
        assert!(matches!(
            resize_cover(&png),
            Err(CoverError::TooLarge {
                width: 8_000,
                height: 6_000
            })
        ));
    }
}
