//! Contact photos from outside (a vCard file, a CardDAV server) are decoded here under limits,
//! scaled down and written anew as PNG before they are stored, so the web view's image decoders
//! only ever see a picture this code produced, and EXIF (with GPS positions), ICC profiles,
//! comments and anything hidden after the image data are gone.
//!
//! PNG because re-encoding must be idempotent: the sync uploads our photo and pulls it back, and
//! re-encoding our own output has to give the same bytes, or every sync would see a change. PNG
//! is lossless, so decoding our PNG gives exactly the pixels we encoded, and the same pixels
//! encode to the same bytes. A lossy format (JPEG, lossy WebP) would change the pixels on every
//! pass. The price is size: a 512-pixel photo is some hundred kilobytes instead of forty.

use image::{DynamicImage, ImageFormat, ImageReader, Limits};

/// Longest side of a stored photo in pixels: sharp as a contact's picture on a high-density
/// screen, small enough that a card with a photo stays well under a server's size limits.
pub const MAX_SIDE: u32 = 512;

/// Widest and tallest picture decoded at all. A phone's 50-megapixel photo is 8,160 pixels wide;
/// a file that declares more is a decompression bomb or nothing a contact needs.
const MAX_DECODE_SIDE: u32 = 8_192;

/// Most memory the decoder may take for one picture: an 8,192 × 4,096 RGBA image. A picture that
/// declares more is refused before any pixel is allocated.
const MAX_DECODE_BYTES: u64 = 128 * 1024 * 1024;

/// Why a photo was not kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    /// The bytes are no JPEG, PNG, GIF or WebP.
    #[error("the photo is not a JPEG, PNG, GIF or WebP image")]
    NotAnImage,
    /// The picture declares more pixels than [`MAX_DECODE_SIDE`] or [`MAX_DECODE_BYTES`] allow.
    #[error("the photo is too large to read ({0})")]
    TooLarge(String),
    /// The picture's data is damaged.
    #[error("the photo could not be read ({0})")]
    Broken(String),
}

/// The photo as Vernetzt keeps it: decoded under limits, at most [`MAX_SIDE`] pixels on its
/// longer side, written as PNG (RGB, or RGBA when some pixel is not opaque) without any metadata.
/// `reencode(&reencode(x)?)? == reencode(x)?` for every `x` that is accepted.
pub fn reencode(bytes: &[u8]) -> Result<Vec<u8>, PhotoError> {
    let format = match crate::rules::sniff_image(bytes) {
        Some("image/jpeg") => ImageFormat::Jpeg,
        Some("image/png") => ImageFormat::Png,
        Some("image/gif") => ImageFormat::Gif,
        Some("image/webp") => ImageFormat::WebP,
        _ => return Err(PhotoError::NotAnImage),
    };
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODE_SIDE);
    limits.max_image_height = Some(MAX_DECODE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    reader.limits(limits);
    // The decoders' messages may span lines; a warning in the import report is one line.
    let one_line = |e: &dyn std::fmt::Display| {
        e.to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let decoded = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(l) => PhotoError::TooLarge(one_line(&l)),
        other => PhotoError::Broken(one_line(&other)),
    })?;
    let scaled = if decoded.width().max(decoded.height()) > MAX_SIDE {
        decoded.thumbnail(MAX_SIDE, MAX_SIDE)
    } else {
        decoded
    };
    // Decided by the pixels alone, so our own output decides the same way again.
    let keep: DynamicImage = if scaled.color().has_alpha() && !opaque(&scaled) {
        scaled.to_rgba8().into()
    } else {
        scaled.to_rgb8().into()
    };
    let mut out = std::io::Cursor::new(Vec::new());
    keep.write_to(&mut out, ImageFormat::Png)
        .map_err(|e| PhotoError::Broken(one_line(&e)))?;
    Ok(out.into_inner())
}

/// Whether every pixel is fully opaque (then the alpha channel carries nothing).
fn opaque(img: &DynamicImage) -> bool {
    img.to_rgba8().pixels().all(|p| p.0[3] == u8::MAX)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use image::{Rgb, RgbImage, Rgba, RgbaImage};

    /// A photo-like picture: smooth gradients with some texture.
    pub(crate) fn picture(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            Rgb([
                (x * 255 / w.max(1)) as u8,
                (y * 255 / h.max(1)) as u8,
                ((x * 7 + y * 13) % 256) as u8,
            ])
        })
    }

    pub(crate) fn encoded(img: &RgbImage, format: ImageFormat) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img.clone())
            .write_to(&mut out, format)
            .unwrap();
        out.into_inner()
    }

    /// A JPEG with an EXIF segment holding a GPS position, inserted by hand after SOI as a camera
    /// writes it.
    pub(crate) fn jpeg_with_gps() -> Vec<u8> {
        let jpeg = encoded(&picture(64, 48), ImageFormat::Jpeg);
        let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\0".to_vec();
        exif.extend_from_slice(b"GPSLatitude 52.5200 N GPSLongitude 13.4050 E");
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
        out.extend_from_slice(&exif);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    /// A JPEG whose frame header declares 60,000 × 60,000 pixels (3.6 gigapixels).
    pub(crate) fn jpeg_bomb() -> Vec<u8> {
        let mut jpeg = encoded(&picture(16, 16), ImageFormat::Jpeg);
        let sof = jpeg
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .expect("a baseline JPEG has SOF0");
        // FF C0, length (2), precision (1), height (2), width (2).
        jpeg[sof + 5..sof + 7].copy_from_slice(&60_000u16.to_be_bytes());
        jpeg[sof + 7..sof + 9].copy_from_slice(&60_000u16.to_be_bytes());
        jpeg
    }

    #[test]
    fn exif_and_gps_are_gone_and_the_result_is_png() {
        let input = jpeg_with_gps();
        let needle = b"GPSLatitude";
        assert!(input.windows(needle.len()).any(|w| w == needle));
        let out = reencode(&input).unwrap();
        assert!(out.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(!out.windows(needle.len()).any(|w| w == needle));
        assert!(!out.windows(4).any(|w| w == b"Exif" || w == b"eXIf"));
        let back = image::load_from_memory(&out).unwrap();
        assert_eq!((back.width(), back.height()), (64, 48));
    }

    #[test]
    fn reencoding_is_idempotent_for_every_format_and_size() {
        let mut inputs = vec![
            jpeg_with_gps(),
            encoded(&picture(1200, 700), ImageFormat::Jpeg),
            encoded(&picture(300, 900), ImageFormat::Png),
            encoded(&picture(40, 30), ImageFormat::Gif),
            encoded(&picture(600, 600), ImageFormat::WebP),
        ];
        let translucent = RgbaImage::from_fn(700, 20, |x, _| Rgba([1, 2, 3, (x % 256) as u8]));
        let mut png = std::io::Cursor::new(Vec::new());
        translucent.write_to(&mut png, ImageFormat::Png).unwrap();
        inputs.push(png.into_inner());
        for input in inputs {
            let once = reencode(&input).unwrap();
            let twice = reencode(&once).unwrap();
            assert!(once == twice, "re-encoding our own output changed it");
            let img = image::load_from_memory(&once).unwrap();
            assert!(img.width().max(img.height()) <= MAX_SIDE);
        }
    }

    #[test]
    fn large_photos_are_scaled_down_keeping_their_shape() {
        let out = reencode(&encoded(&picture(2000, 1000), ImageFormat::Jpeg)).unwrap();
        let img = image::load_from_memory(&out).unwrap();
        assert_eq!((img.width(), img.height()), (512, 256));
        let small = reencode(&encoded(&picture(100, 50), ImageFormat::Png)).unwrap();
        let img = image::load_from_memory(&small).unwrap();
        assert_eq!((img.width(), img.height()), (100, 50), "not scaled up");
    }

    #[test]
    fn a_bomb_is_refused_before_decoding_and_garbage_is_not_an_image() {
        assert!(matches!(
            reencode(&jpeg_bomb()),
            Err(PhotoError::TooLarge(_))
        ));
        // A GIF whose screen and frame declare 65,535 × 65,535 pixels.
        let mut gif = b"GIF89a\xff\xff\xff\xff\x00\x00\x00".to_vec();
        gif.extend_from_slice(b"\x2c\0\0\0\0\xff\xff\xff\xff\x00\x02\x02\x44\x01\x00\x3b");
        assert!(reencode(&gif).is_err());
        assert_eq!(reencode(b"just text"), Err(PhotoError::NotAnImage));
        assert!(matches!(
            reencode(b"\xFF\xD8\xFF\xE0 a JPEG in name only"),
            Err(PhotoError::Broken(_))
        ));
    }

    /// The sync uploads the card with our photo and pulls it back: the pulled card holds the same
    /// bytes as the store, and nothing is queued to go up again.
    #[test]
    fn a_pulled_card_with_our_own_photo_is_no_change() {
        use crate::store::{PullOutcome, Store};
        use base64::Engine;
        let mut store = Store::open_in_memory().unwrap();
        let b64 = base64::engine::general_purpose::STANDARD;
        let server_card = format!(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:foto-1\r\nFN:Mit Foto\r\n\
             PHOTO;ENCODING=b;TYPE=JPEG:{}\r\nEND:VCARD\r\n",
            b64.encode(jpeg_with_gps())
        );
        let first = store
            .apply_remote_batch(&[("/c/foto-1.vcf".into(), Some("e1".into()), server_card)])
            .unwrap();
        assert_eq!(first, [PullOutcome::Created]);
        let id = store.contact_ids().unwrap()[0];
        let stored = store.contact(id).unwrap().photo.expect("photo kept");
        assert_eq!(stored.mime, "image/png");
        // Our card goes up (re-encoded photo inside) and is what the server gives back.
        let ours = store.card_for_push("foto-1").unwrap().expect("card");
        store
            .record_item("foto-1", "/c/foto-1.vcf", Some("e2"), &ours)
            .unwrap();
        let before = store.pending_changes().unwrap().len();
        let again = store
            .apply_remote("/c/foto-1.vcf", Some("e3"), &ours)
            .unwrap();
        assert_eq!(again, PullOutcome::Unchanged);
        assert_eq!(store.contact(id).unwrap().photo, Some(stored.clone()));
        assert_eq!(store.pending_changes().unwrap().len(), before);
        let read = crate::vcard::read_vcards(ours.as_bytes()).unwrap();
        assert_eq!(
            read.contacts[0].contact.photo,
            crate::model::PhotoChange::Set(stored),
            "reading our own card gives the stored bytes"
        );
    }
}
