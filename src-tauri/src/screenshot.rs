//! A screenshot of the whole screen, taken by the app for a problem report: X11 root window
//! through the X protocol (pure Rust client, no helper program), encoded as PNG.
//! Under Wayland without XWayland there is no root window to read: the caller gets an error and
//! the UI offers the file picker instead.

use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat};

use crate::error::{AppError, AppResult, ErrorCode};

/// Captures the screen as PNG bytes.
pub fn capture_png() -> AppResult<Vec<u8>> {
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        AppError::new(ErrorCode::Failed, format!("screenshot: {what}: {e}"))
    };
    let (conn, screen_num) = x11rb::connect(None).map_err(|e| fail("no X display", &e))?;
    let screen = &conn.setup().roots[screen_num];
    let (w, h) = (screen.width_in_pixels, screen.height_in_pixels);
    let reply = conn
        .get_image(ImageFormat::Z_PIXMAP, screen.root, 0, 0, w, h, !0)
        .map_err(|e| fail("request", &e))?
        .reply()
        .map_err(|e| fail("reply", &e))?;
    let bpp = reply.data.len() / (w as usize * h as usize).max(1);
    if bpp != 4 {
        return Err(fail(
            "unsupported pixel format",
            &format!("{bpp} bytes per pixel"),
        ));
    }
    encode_bgrx(&reply.data, w as u32, h as u32)
}

/// Encodes 32-bit BGRX pixels (the X server's usual ZPixmap layout) as an RGB PNG.
pub fn encode_bgrx(data: &[u8], w: u32, h: u32) -> AppResult<Vec<u8>> {
    let rgb: Vec<u8> = data
        .chunks_exact(4)
        .flat_map(|p| [p[2], p[1], p[0]])
        .collect();
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        let mut wr = enc
            .write_header()
            .map_err(|e| AppError::new(ErrorCode::Failed, e.to_string()))?;
        wr.write_image_data(&rgb)
            .map_err(|e| AppError::new(ErrorCode::Failed, e.to_string()))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bgrx_pixels_become_rgb_png() {
        // One blue pixel, one red pixel in BGRX.
        let png_bytes = encode_bgrx(&[255, 0, 0, 0, 0, 0, 255, 0], 2, 1).unwrap();
        let dec = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut r = dec.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size()];
        r.next_frame(&mut buf).unwrap();
        assert_eq!(&buf[..6], &[0, 0, 255, 255, 0, 0]);
    }
}
