//! Pictures for the camera and photo tests: a photo as a phone takes it
//! (a JPEG with an EXIF segment that holds a GPS position, a camera make
//! and an orientation), and a QR code's grey levels.

use image::{codecs::jpeg::JpegEncoder, DynamicImage};

/// A JPEG of `w`×`h` with an EXIF segment that holds a GPS position,
/// a camera model and the orientation `orientation` (6: turned a
/// quarter clockwise), as a phone writes it.
pub fn phone_photo(w: u32, h: u32, orientation: u16) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut plain = Vec::new();
    DynamicImage::ImageRgb8(picture).write_with_encoder(JpegEncoder::new_with_quality(&mut plain, 90)).unwrap();
    // A little-endian TIFF with IFD0: Make, Orientation, GPS IFD pointer; and a GPS IFD with latitude.
    let mut tiff: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    let entry = |tag: u16, kind: u16, count: u32, value: u32| {
        let mut e = tag.to_le_bytes().to_vec();
        e.extend(kind.to_le_bytes());
        e.extend(count.to_le_bytes());
        e.extend(value.to_le_bytes());
        e
    };
    // IFD0 at 8: 3 entries (2 + 36 + 4 = 42 bytes), then "Heima" text at 50, GPS IFD at 56.
    tiff.extend(3u16.to_le_bytes());
    tiff.extend(entry(0x010F, 2, 6, 50)); // Make → offset 50
    let mut orient = 0x0112u16.to_le_bytes().to_vec();
    orient.extend(3u16.to_le_bytes());
    orient.extend(1u32.to_le_bytes());
    orient.extend(orientation.to_le_bytes());
    orient.extend([0, 0]);
    tiff.extend(orient);
    tiff.extend(entry(0x8825, 4, 1, 56)); // GPS IFD → 56
    tiff.extend(0u32.to_le_bytes());
    tiff.resize(50, 0);
    tiff.extend(b"Phone\0");
    // GPS IFD: GPSLatitudeRef 'N', GPSLatitude 59/1 54/1 0/1 at 74.
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(entry(0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0")));
    tiff.extend(entry(0x0002, 5, 3, 86));
    tiff.extend(0u32.to_le_bytes());
    tiff.resize(86, 0);
    for (n, d) in [(59u32, 1u32), (54, 1), (0, 1)] {
        tiff.extend(n.to_le_bytes());
        tiff.extend(d.to_le_bytes());
    }
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend(u16::try_from(2 + 6 + tiff.len()).unwrap().to_be_bytes());
    app1.extend(b"Exif\0\0");
    app1.extend(&tiff);
    let mut out = plain[..2].to_vec();
    out.extend(app1);
    out.extend(&plain[2..]);
    out
}

/// `text` as a QR code's grey levels: `scale` pixels a module, a quiet
/// zone of four modules, `dark` on `light`. Returns the side and the
/// pixels, row by row.
pub fn qr_code(text: &str, scale: usize, dark: u8, light: u8) -> (usize, Vec<u8>) {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let modules = code.width();
    let side = (modules + 8) * scale;
    let mut pixels = vec![light; side * side];
    for (i, colour) in code.to_colors().iter().enumerate() {
        if *colour == qrcode::Color::Dark {
            let (mx, my) = (i % modules + 4, i / modules + 4);
            for y in my * scale..(my + 1) * scale {
                pixels[y * side + mx * scale..y * side + (mx + 1) * scale].fill(dark);
            }
        }
    }
    (side, pixels)
}
