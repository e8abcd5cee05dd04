//! A photo for the service ([`prepare`]): from the camera's still or a
//! file the patient chose (JPEG or PNG only, at most
//! [`MOST_INPUT_BYTES`] and [`MOST_INPUT_PIXELS`], decoded within limits), turned upright as its
//! EXIF says, scaled down to at most [`LONGEST_SIDE`] pixels on its
//! longest side and written again as a plain JPEG of at most
//! [`MOST_BYTES`]. Only the pixels are kept: no EXIF, no place, no camera
//! model, no time, no comment. Decoding and encoding are the `image`
//! crate's.

use std::io::Cursor;

use image::{codecs::jpeg::JpegEncoder, DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::error::{CoreError, ErrorCode};

/// The longest side of a photo sent, in pixels.
pub const LONGEST_SIDE: u32 = 1600;
/// The most bytes a photo sent may have (its JPEG).
pub const MOST_BYTES: usize = 500 * 1024;
/// The most bytes of a picture file the app reads.
pub const MOST_INPUT_BYTES: usize = 20 * 1024 * 1024;
/// The largest picture the app decodes: pixels a side, and in all.
pub const MOST_INPUT_SIDE: u32 = 12_000;
pub const MOST_INPUT_PIXELS: u64 = 40_000_000;

/// A photo ready to keep and send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

fn unreadable(detail: impl std::fmt::Display) -> CoreError {
    CoreError::new(ErrorCode::PhotoUnreadable, detail.to_string())
}

/// The photo of `bytes` (a JPEG or PNG), ready to keep and send.
pub fn prepare(bytes: &[u8]) -> Result<Photo, CoreError> {
    if bytes.len() > MOST_INPUT_BYTES {
        return Err(CoreError::new(ErrorCode::PhotoTooLarge, format!("{} bytes", bytes.len())));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(unreadable)?;
    if !matches!(reader.format(), Some(ImageFormat::Jpeg | ImageFormat::Png)) {
        return Err(unreadable("not a JPEG or PNG"));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MOST_INPUT_SIDE);
    limits.max_image_height = Some(MOST_INPUT_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let decode_error = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => CoreError::new(ErrorCode::PhotoTooLarge, e.to_string()),
        e => unreadable(e),
    };
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MOST_INPUT_PIXELS {
        return Err(CoreError::new(ErrorCode::PhotoTooLarge, format!("{w}×{h} pixels")));
    }
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    picture.apply_orientation(orientation);
    let mut rgb = DynamicImage::ImageRgb8(picture.to_rgb8());
    if rgb.width().max(rgb.height()) > LONGEST_SIDE {
        rgb = rgb.resize(LONGEST_SIDE, LONGEST_SIDE, image::imageops::FilterType::Triangle);
    }
    // Lower the quality, then the size, until it fits.
    loop {
        for quality in [85, 75, 65, 55] {
            let mut jpeg = Vec::new();
            rgb.write_with_encoder(JpegEncoder::new_with_quality(&mut jpeg, quality)).map_err(unreadable)?;
            if jpeg.len() <= MOST_BYTES {
                return Ok(Photo { jpeg, width: rgb.width(), height: rgb.height() });
            }
        }
        let (w, h) = (rgb.width() * 4 / 5, rgb.height() * 4 / 5);
        if w < 16 || h < 16 {
            return Err(unreadable("does not fit at any size"));
        }
        rgb = rgb.resize(w, h, image::imageops::FilterType::Triangle);
    }
}

/// Whether `jpeg` carries any metadata segment besides the picture: EXIF
/// or XMP (APP1), ICC (APP2), IPTC (APP13), or a comment (COM). A JPEG
/// from [`prepare`] has none (tests, and the server's copy in the e2e).
pub fn has_metadata(jpeg: &[u8]) -> bool {
    let mut at = 2;
    while at + 4 <= jpeg.len() && jpeg[at] == 0xFF {
        let marker = jpeg[at + 1];
        if marker == 0xDA {
            return false; // the picture's data begins
        }
        if matches!(marker, 0xE1..=0xEF | 0xFE) {
            return true;
        }
        let length = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        at += 2 + length;
    }
    false
}

#[cfg(test)]
mod tests {
    use heima_test_support::photos::phone_photo;

    use super::*;

    #[test]
    fn a_phone_photo_is_turned_upright_scaled_and_stripped() {
        let original = phone_photo(2400, 1200, 6);
        assert!(has_metadata(&original), "the test photo has EXIF");
        let photo = prepare(&original).unwrap();
        assert!(!has_metadata(&photo.jpeg), "no EXIF, no place");
        assert!(!photo.jpeg.windows(5).any(|w| w == b"Phone"), "no camera make");
        assert_eq!((photo.width, photo.height), (800, 1600), "turned upright (6: a quarter), longest side 1600");
        assert!(photo.jpeg.len() <= MOST_BYTES);
        let again = image::load_from_memory(&photo.jpeg).unwrap();
        assert_eq!((again.width(), again.height()), (800, 1600));
    }

    #[test]
    fn a_small_photo_keeps_its_size_and_a_busy_one_is_capped() {
        let photo = prepare(&phone_photo(640, 480, 1)).unwrap();
        assert_eq!((photo.width, photo.height), (640, 480));
        // Noise compresses badly: quality and then size go down until it fits.
        let mut seed = 7u32;
        let noise = image::RgbImage::from_fn(1600, 1600, |_, _| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let b = seed.to_be_bytes();
            image::Rgb([b[0], b[1], b[2]])
        });
        let mut png = Vec::new();
        DynamicImage::ImageRgb8(noise).write_to(&mut Cursor::new(&mut png), ImageFormat::Png).unwrap();
        let photo = prepare(&png).unwrap();
        assert!(photo.jpeg.len() <= MOST_BYTES, "{}", photo.jpeg.len());
        assert!(photo.width <= LONGEST_SIDE);
    }

    #[test]
    fn what_is_not_a_photo_is_refused_with_its_reason() {
        let code = |bytes: &[u8]| prepare(bytes).unwrap_err().code;
        assert_eq!(code(b"GIF89a...."), "photo-unreadable");
        assert_eq!(code(b""), "photo-unreadable");
        let photo = phone_photo(64, 64, 1);
        assert_eq!(code(&photo[..photo.len() / 2]), "photo-unreadable", "a cut-off file");
        assert_eq!(code(&vec![0u8; MOST_INPUT_BYTES + 1]), "photo-too-large");
        // A PNG header that claims 8 000 × 8 000 pixels (64 million), and one of 20 000 × 20 000.
        let mut many = Vec::new();
        let mut encoder = png::Encoder::new(&mut many, 8_000, 8_000);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.write_header().unwrap().write_image_data(&vec![0; 8_000 * 8_000]).unwrap();
        assert!(many.len() < 1024 * 1024, "a small file: {}", many.len());
        assert_eq!(code(&many), "photo-too-large");
        let mut huge = Vec::new();
        let mut encoder = png::Encoder::new(&mut huge, 20_000, 20_000);
        encoder.set_color(png::ColorType::Grayscale);
        drop(encoder.write_header().unwrap());
        assert_eq!(code(&huge), "photo-too-large");
    }
}
