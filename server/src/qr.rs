//! QR codes for the join screen, drawn as SVG by the `qrcode` crate.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The QR code of `text` as a standalone SVG (dark on white, quiet zone
/// included), or `None` if the text is too long for a QR code.
pub fn svg(text: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .min_dimensions(256, 256)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_an_svg_and_refuses_what_does_not_fit() {
        let svg = super::svg("http://127.0.0.1:3000/join/ABCDEF").unwrap_or_default();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{svg}");
        assert!(super::svg(&"x".repeat(5000)).is_none());
    }
}
