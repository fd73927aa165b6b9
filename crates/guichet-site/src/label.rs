//! Printable asset labels: a QR code that identifies the asset for good, beside the text a
//! person reads (type, make, model, serial, location).
//!
//! The QR code holds `guichet:asset/<uuid>?serial=<serial>`: the UUID never changes whatever is
//! edited, and the serial lets a phone's plain QR reader show something meaningful. The label is
//! drawn as SVG (vector, crisp on any printer); the HTML form wraps that SVG with print CSS sized
//! for a 90 × 38 mm label, and the sheet form puts several labels on A4 pages (two columns, a
//! label never split across pages); the PNG form holds only the QR code (for label printers
//! whose own software lays out the text), drawn pixel for pixel.

use std::fmt::Write as _;
use std::io::Write as _;

use guichet_store::Asset;
use qrcode::{Color, QrCode};

use crate::ExportError;

/// The URI the QR code encodes.
pub fn uri(a: &Asset) -> String {
    let mut uri = format!("guichet:asset/{}", a.uuid);
    if let Some(serial) = a.serial.as_deref().filter(|s| !s.is_empty()) {
        uri.push_str("?serial=");
        for b in serial.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                uri.push(b as char);
            } else {
                let _ = write!(uri, "%{b:02X}");
            }
        }
    }
    uri
}

/// The QR code's modules, row by row (`true` = dark), and its width.
fn modules(a: &Asset) -> Result<(Vec<bool>, usize), ExportError> {
    let code = QrCode::new(uri(a).as_bytes()).map_err(|e| ExportError::Qr(e.to_string()))?;
    let width = code.width();
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    Ok((dark, width))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Shortens a line that would not fit on the label.
fn fit(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// The label as an SVG document (90 × 38 mm).
pub fn svg(a: &Asset) -> Result<String, ExportError> {
    let (dark, width) = modules(a)?;
    // Label in user units: 1 unit = 0.1 mm; the QR code fills a 34 mm square at the left.
    let (w, h) = (900, 380);
    let qr_size = 340.0;
    let quiet = 2.0; // modules of margin inside the square (the label edge gives the rest)
    let module = qr_size / (width as f64 + 2.0 * quiet);
    let origin = 20.0 + quiet * module;
    let mut path = String::new();
    for y in 0..width {
        let mut x = 0;
        while x < width {
            if dark[y * width + x] {
                let start = x;
                while x < width && dark[y * width + x] {
                    x += 1;
                }
                let _ = write!(
                    path,
                    "M{:.2} {:.2}h{:.2}v{:.2}h-{:.2}z",
                    origin + start as f64 * module,
                    origin + y as f64 * module,
                    (x - start) as f64 * module,
                    module,
                    (x - start) as f64 * module
                );
            } else {
                x += 1;
            }
        }
    }
    let make_model = [a.make.as_deref(), a.model.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let lines: Vec<(u32, &str, String)> = vec![
        (44, "700", fit(&a.kind.to_uppercase(), 22)),
        (38, "600", fit(&make_model, 26)),
        (
            34,
            "400",
            fit(&format!("S/N {}", a.serial.as_deref().unwrap_or("—")), 30),
        ),
        (34, "400", fit(a.location.as_deref().unwrap_or(""), 30)),
    ];
    let mut text = String::new();
    let mut y = 80;
    for (size, weight, line) in lines.iter().filter(|l| !l.2.is_empty()) {
        let _ = writeln!(
            text,
            "  <text x=\"385\" y=\"{y}\" font-size=\"{size}\" font-weight=\"{weight}\">{}</text>",
            esc(line)
        );
        y += size + 22;
    }
    let id_line = format!("#{} · {}", a.id, a.uuid);
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"90mm\" height=\"38mm\" viewBox=\"0 0 {w} {h}\">\n\
         <title>{title}</title>\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"#fff\"/>\n\
         <path fill=\"#000\" shape-rendering=\"crispEdges\" d=\"{path}\"/>\n\
         <g font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\" fill=\"#000\">\n{text}\
           <text x=\"385\" y=\"355\" font-size=\"20\" fill=\"#444\">{id}</text>\n</g>\n</svg>\n",
        title = esc(&format!("{} {}", a.kind, make_model)),
        id = esc(&id_line),
    ))
}

/// The label in a printable HTML page, sized for one 90 × 38 mm label per page.
pub fn html(a: &Asset) -> Result<String, ExportError> {
    let svg = svg(a)?;
    Ok(format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n\
         @page {{ size: 90mm 38mm; margin: 0; }}\n\
         html, body {{ margin: 0; padding: 0; }}\n\
         svg {{ display: block; width: 90mm; height: 38mm; }}\n\
         @media screen {{ body {{ background: #eee; padding: 20px; }} svg {{ box-shadow: 0 1px 4px #999; }} }}\n\
         </style>\n</head>\n<body>\n{}</body>\n</html>\n",
        esc(&format!("#{} {}", a.id, a.kind)),
        svg
    ))
}

/// Several labels in one printable HTML page: A4 portrait, two 90 × 38 mm labels a row, with
/// thin cutting guides; a label is never split across two pages. The title names the count.
pub fn sheet(assets: &[Asset]) -> Result<String, ExportError> {
    let mut body = String::new();
    for a in assets {
        let _ = writeln!(body, "<div class=\"label\">\n{}</div>", svg(a)?);
    }
    Ok(format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>{} label(s)</title>\n<style>\n\
         @page {{ size: A4 portrait; margin: 10mm; }}\n\
         html, body {{ margin: 0; padding: 0; }}\n\
         .sheet {{ display: grid; grid-template-columns: repeat(2, 90mm); gap: 4mm 6mm; }}\n\
         .label {{ width: 90mm; height: 38mm; outline: 0.2mm dashed #bbb; break-inside: avoid; page-break-inside: avoid; }}\n\
         svg {{ display: block; width: 90mm; height: 38mm; }}\n\
         @media screen {{ body {{ background: #eee; padding: 20px; }} .label {{ background: #fff; box-shadow: 0 1px 4px #999; outline: none; }} }}\n\
         </style>\n</head>\n<body>\n<div class=\"sheet\">\n{}</div>\n</body>\n</html>\n",
        assets.len(),
        body
    ))
}

/// The QR code alone as a grayscale PNG, 8 pixels per module with a 4-module quiet zone.
pub fn png(a: &Asset) -> Result<Vec<u8>, ExportError> {
    let (dark, width) = modules(a)?;
    const SCALE: usize = 8;
    const QUIET: usize = 4;
    let side = (width + 2 * QUIET) * SCALE;
    let mut raw = Vec::with_capacity((side + 1) * side);
    for py in 0..side {
        raw.push(0); // filter type: none
        for px in 0..side {
            let (mx, my) = (px / SCALE, py / SCALE);
            let on = (QUIET..QUIET + width).contains(&mx)
                && (QUIET..QUIET + width).contains(&my)
                && dark[(my - QUIET) * width + (mx - QUIET)];
            raw.push(if on { 0 } else { 255 });
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let png_failed = |e: std::io::Error| ExportError::Png(e.to_string());
    z.write_all(&raw).map_err(png_failed)?;
    let idat = z.finish().map_err(png_failed)?;

    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&(side as u32).to_be_bytes());
    ihdr.extend_from_slice(&(side as u32).to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit grayscale, deflate, no filter, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (b"IHDR", &ihdr[..]),
        (b"IDAT", &idat[..]),
        (b"IEND", &[][..]),
    ] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use guichet_store::AssetStatus;

    fn asset() -> Asset {
        Asset {
            id: 7,
            uuid: uuid::Uuid::from_u128(0x1234),
            kind: "printer".into(),
            make: Some("HP".into()),
            model: Some("LaserJet M404".into()),
            serial: Some("PHB 12/34".into()),
            location: Some("Accueil".into()),
            assigned_user: None,
            status: AssetStatus::InUse,
            purchased_on: None,
            warranty_until: None,
            notes: None,
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn the_uri_is_stable_and_escapes_the_serial() {
        assert_eq!(
            uri(&asset()),
            "guichet:asset/00000000-0000-0000-0000-000000001234?serial=PHB%2012%2F34"
        );
    }

    #[test]
    fn the_svg_has_the_qr_code_and_the_text() {
        let s = svg(&asset()).unwrap();
        assert!(s.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(s.contains(">PRINTER</text>"));
        assert!(s.contains(">HP LaserJet M404</text>"));
        assert!(s.contains(">S/N PHB 12/34</text>"));
        assert!(s.contains(">Accueil</text>"));
        assert!(s.matches('z').count() > 50, "QR modules drawn");
    }

    #[test]
    fn a_sheet_holds_every_label_once_and_escapes_their_text() {
        let mut b = asset();
        b.id = 8;
        b.uuid = uuid::Uuid::from_u128(0x5678);
        b.location = Some("Salle <2>".into());
        let s = sheet(&[asset(), b]).unwrap();
        assert_eq!(s.matches("<div class=\"label\">").count(), 2);
        assert_eq!(s.matches("<svg ").count(), 2);
        assert!(s.contains("#7 · 00000000-0000-0000-0000-000000001234"));
        assert!(s.contains("#8 · 00000000-0000-0000-0000-000000005678"));
        assert!(s.contains(">Salle &lt;2&gt;</text>"));
        assert!(s.contains("<title>2 label(s)</title>"));
        assert!(s.contains("@page { size: A4 portrait"));
    }

    #[test]
    fn the_png_is_a_valid_square_grayscale_image() {
        let p = png(&asset()).unwrap();
        assert_eq!(&p[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&p[12..16], b"IHDR");
        let w = u32::from_be_bytes(p[16..20].try_into().unwrap());
        let h = u32::from_be_bytes(p[20..24].try_into().unwrap());
        assert_eq!(w, h);
        assert_eq!(w % 8, 0);
        assert!(p.ends_with(&[0xAE, 0x42, 0x60, 0x82]), "IEND CRC");
    }
}
