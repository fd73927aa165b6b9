//! Decoding of the text files Windows tools write: `reg export` writes UTF-16LE with a byte
//! order mark, `wmic` UTF-16LE too, REGEDIT4 and older tools the ANSI code page (CP-1252 on
//! western systems), and PowerShell whatever `[Console]::OutputEncoding` says (we ask UTF-8).

/// Decodes Windows tool output to a `String`, whatever of the encodings above it uses.
///
/// UTF-16LE is recognised by its BOM or, without one, by a NUL high byte in the first code
/// unit (some exports lose their BOM when copied). Leading BOMs are all stripped: real exports
/// re-saved by editors carry two (`FF FE FF FE`). Bytes that are not valid UTF-8 are read as
/// CP-1252, the ANSI code page of REGEDIT4 files on western systems.
pub fn decode(bytes: &[u8]) -> String {
    let text = if bytes.starts_with(&[0xFF, 0xFE])
        || (bytes.len() >= 2 && bytes[0] != 0 && bytes[1] == 0)
    {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => bytes.iter().map(|&b| cp1252(b)).collect(),
        }
    };
    text.trim_start_matches('\u{feff}').to_string()
}

/// One CP-1252 byte as a char (0x80–0x9F differ from Latin-1).
pub fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf16_with_and_without_bom() {
        let mut with_bom = vec![0xFF, 0xFE];
        for u in "Ré".encode_utf16() {
            with_bom.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&with_bom), "Ré");
        assert_eq!(decode(&with_bom[2..]), "Ré");
    }

    #[test]
    fn ansi_falls_back_to_cp1252() {
        assert_eq!(decode(&[b'A', 0xE9, 0x80]), "Aé€");
        assert_eq!(decode("\u{feff}x".as_bytes()), "x");
    }
}
