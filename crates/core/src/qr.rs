//! Reading a QR code from a picture (a screenshot or a photo of someone's card), so a business
//! card scanned at an event can be imported like any vCard.
//!
//! The image is decoded by the `image` crate (PNG and JPEG only: what phones and screenshots give)
//! and the code found by `rqrr`, a pure-Rust port of quirc.

use crate::error::{Error, Result};

/// Largest picture accepted, in pixels (a 40-megapixel photo); larger ones are refused rather than
/// decoded into gigabytes.
const MAX_PIXELS: u64 = 40_000_000;

/// True for PNG and JPEG data (checked by their bytes).
pub fn is_picture(bytes: &[u8]) -> bool {
    matches!(
        crate::rules::sniff_image(bytes),
        Some("image/png" | "image/jpeg")
    )
}

/// The text of the first QR code in a PNG or JPEG picture.
pub fn read_qr(bytes: &[u8]) -> Result<String> {
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Error::Import(format!("the picture could not be read: {e}")))?;
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| Error::Import(format!("the picture could not be read: {e}")))?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(Error::Import(format!(
            "the picture is too large ({w}×{h} pixels); crop it to the QR code"
        )));
    }
    let img = image::load_from_memory(bytes)
        .map_err(|e| {
            Error::Import(format!(
                "the picture could not be read (PNG or JPEG expected): {e}"
            ))
        })?
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        img.width() as usize,
        img.height() as usize,
        |x, y| img.get_pixel(x as u32, y as u32)[0],
    );
    let grids = prepared.detect_grids();
    let grid = grids
        .first()
        .ok_or_else(|| Error::Import("no QR code was found in the picture".into()))?;
    let (_, content) = grid
        .decode()
        .map_err(|e| Error::Import(format!("the QR code in the picture could not be read: {e}")))?;
    Ok(content)
}

/// A PNG of the QR code of `text` (8 pixels a module, with the 4-module quiet zone), for printing
/// the own card or sending it as a picture.
pub fn qr_png(text: &str) -> Result<Vec<u8>> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| {
            Error::invalid(
                "card_too_long",
                "me",
                format!("the text does not fit a QR code: {e}"),
            )
        })?;
    let n = code.width();
    let colors = code.to_colors();
    let (scale, quiet) = (8u32, 4u32);
    let side = (n as u32 + 2 * quiet) * scale;
    let img = image::ImageBuffer::from_fn(side, side, |x, y| {
        let (mx, my) = (
            (x / scale) as i64 - i64::from(quiet),
            (y / scale) as i64 - i64::from(quiet),
        );
        let inside = mx >= 0 && my >= 0 && (mx as usize) < n && (my as usize) < n;
        let dark = inside && colors[my as usize * n + mx as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0u8 } else { 255 }])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| Error::Import(format!("the picture could not be written: {e}")))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_round_trips_through_a_picture() {
        let card = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jördis Müller\r\nEMAIL:jm@fitko.example\r\nEND:VCARD\r\n";
        let png = qr_png(card).unwrap();
        assert!(is_picture(&png));
        assert_eq!(read_qr(&png).unwrap(), card);
    }

    #[test]
    fn pictures_without_a_code_and_garbage_are_refused_clearly() {
        let blank = {
            let img = image::ImageBuffer::from_pixel(64, 64, image::Luma([255u8]));
            let mut out = std::io::Cursor::new(Vec::new());
            img.write_to(&mut out, image::ImageFormat::Png).unwrap();
            out.into_inner()
        };
        assert!(
            read_qr(&blank)
                .unwrap_err()
                .to_string()
                .contains("no QR code")
        );
        let mut broken = b"\x89PNG\r\n\x1a\n".to_vec();
        broken.extend_from_slice(&[0; 40]);
        assert!(
            read_qr(&broken)
                .unwrap_err()
                .to_string()
                .contains("could not be read")
        );
    }
}
