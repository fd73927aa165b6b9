//! Parser of EDID blocks (VESA E-EDID 1.x base block, 128 bytes; extension blocks are
//! carried in the raw copy but not decoded): PNP manufacturer id, product code, numeric and
//! descriptor serials, product name, manufacture week and year, checksum.

use base64::Engine;

use crate::model::Monitor;
use crate::parse::dmidecode::clean_serial;

/// Why a byte string is not an EDID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EdidError {
    /// Fewer than the 128 bytes of a base block.
    #[error("EDID too short: {0} bytes")]
    TooShort(usize),
    /// The fixed `00 FF FF FF FF FF FF 00` header is missing.
    #[error("not an EDID (bad header)")]
    BadHeader,
}

/// The decoded fields of an EDID base block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edid {
    /// 3-letter PNP manufacturer id, e.g. `DEL`.
    pub manufacturer_id: String,
    /// Product code (little-endian word at bytes 10–11).
    pub product_code: u16,
    /// Numeric serial number (bytes 12–15), `None` when zero.
    pub serial_number: Option<u32>,
    /// Serial string from the 0xFF display descriptor.
    pub serial_string: Option<String>,
    /// Product name from the 0xFC display descriptor.
    pub name: Option<String>,
    /// Manufacture week (1–54), `None` when unset or when the byte flags a model year (0xFF).
    pub week: Option<u8>,
    /// Manufacture (or model) year.
    pub year: Option<u16>,
    /// EDID version and revision, e.g. (1, 4).
    pub version: (u8, u8),
    /// Whether the base block's checksum byte makes its 128 bytes sum to 0 mod 256.
    pub checksum_ok: bool,
    /// The raw bytes as given (base block and extensions).
    pub raw: Vec<u8>,
}

/// Parses an EDID. A bad checksum is reported in [`Edid::checksum_ok`] rather than refused:
/// many real monitors ship one, and their identity fields are still right.
pub fn parse(bytes: &[u8]) -> Result<Edid, EdidError> {
    if bytes.len() < 128 {
        return Err(EdidError::TooShort(bytes.len()));
    }
    if bytes[..8] != [0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00] {
        return Err(EdidError::BadHeader);
    }
    let b = &bytes[..128];
    let checksum_ok = b.iter().fold(0u8, |a, x| a.wrapping_add(*x)) == 0;
    let id = u16::from_be_bytes([b[8], b[9]]);
    let letter = |shift: u16| {
        let v = ((id >> shift) & 0x1f) as u8;
        if (1..=26).contains(&v) {
            (b'A' + v - 1) as char
        } else {
            '?'
        }
    };
    let manufacturer_id: String = [letter(10), letter(5), letter(0)].iter().collect();
    let serial = u32::from_le_bytes([b[12], b[13], b[14], b[15]]);
    let mut name = None;
    let mut serial_string = None;
    for off in [54usize, 72, 90, 108] {
        let d = &b[off..off + 18];
        if d[0] != 0 || d[1] != 0 {
            continue; // detailed timing, not a display descriptor
        }
        let text = || descriptor_text(&d[5..18]);
        match d[3] {
            0xfc => {
                // Some monitors split a long name over two 0xFC descriptors.
                if let Some(t) = text() {
                    name = Some(match name {
                        Some(n) => format!("{n}{t}"),
                        None => t,
                    });
                }
            }
            0xff => {
                serial_string = serial_string.or_else(|| text().and_then(|t| clean_serial(&t)));
            }
            _ => {}
        }
    }
    let week = match b[16] {
        0 | 0xff => None,
        w => Some(w),
    };
    Ok(Edid {
        manufacturer_id,
        product_code: u16::from_le_bytes([b[10], b[11]]),
        serial_number: (serial != 0 && serial != 0x0101_0101).then_some(serial),
        serial_string,
        name,
        week,
        year: (b[17] != 0).then(|| 1990 + b[17] as u16),
        version: (b[18], b[19]),
        checksum_ok,
        raw: bytes.to_vec(),
    })
}

/// Text of a display descriptor: up to 13 bytes, ended by 0x0A, padded with spaces.
fn descriptor_text(d: &[u8]) -> Option<String> {
    let end = d
        .iter()
        .position(|c| *c == 0x0a || *c == 0)
        .unwrap_or(d.len());
    let s: String = d[..end]
        .iter()
        .map(|c| {
            if c.is_ascii_graphic() || *c == b' ' {
                *c as char
            } else {
                '?'
            }
        })
        .collect();
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Company name for a PNP manufacturer id (the common monitor makers).
pub fn manufacturer_name(id: &str) -> Option<&'static str> {
    Some(match id {
        "AAC" => "AcerView",
        "ACI" => "Asus Computer Inc.",
        "ACR" => "Acer",
        "AIC" => "AG Neovo",
        "AOC" => "AOC",
        "APP" => "Apple",
        "AUO" => "AU Optronics",
        "AUS" => "ASUS",
        "BNQ" => "BenQ",
        "BOE" => "BOE",
        "CMN" => "Chimei Innolux",
        "CMO" => "Chi Mei Optoelectronics",
        "CPQ" => "Compaq",
        "DEL" => "Dell",
        "DELL" => "Dell",
        "EIZ" => "EIZO",
        "ENC" => "EIZO",
        "FUS" => "Fujitsu Siemens",
        "FUJ" => "Fujitsu",
        "GSM" => "LG",
        "GWY" => "Gateway",
        "HEI" => "Hyundai",
        "HIT" => "Hitachi",
        "HPN" => "HP",
        "HSD" => "HannStar",
        "HWP" => "HP",
        "IVM" => "Iiyama",
        "IBM" => "IBM",
        "LEN" => "Lenovo",
        "LGD" => "LG Display",
        "LPL" => "LG Philips",
        "MAX" => "Belinea",
        "MEI" => "Panasonic",
        "MSI" => "MSI",
        "MS_" => "Panasonic",
        "NEC" => "NEC",
        "NOK" => "Nokia",
        "PHL" => "Philips",
        "SAM" => "Samsung",
        "SDC" => "Samsung Display",
        "SEC" => "Seiko Epson",
        "SHP" => "Sharp",
        "SNY" => "Sony",
        "TOS" => "Toshiba",
        "TSB" => "Toshiba",
        "VSC" => "ViewSonic",
        "XMI" => "Xiaomi",
        _ => return None,
    })
}

impl Edid {
    /// The serial to report: the descriptor string, else the numeric serial.
    pub fn serial(&self) -> Option<String> {
        self.serial_string
            .clone()
            .or_else(|| self.serial_number.map(|n| n.to_string()))
    }

    /// A [`Monitor`] record for this EDID seen on `port`.
    pub fn to_monitor(&self, port: Option<String>) -> Monitor {
        Monitor {
            name: self.name.clone(),
            manufacturer: Some(
                manufacturer_name(&self.manufacturer_id)
                    .map(str::to_string)
                    .unwrap_or_else(|| self.manufacturer_id.clone()),
            ),
            serial: self.serial(),
            port,
            year: self.year,
            week: self.week,
            edid_base64: Some(base64::engine::general_purpose::STANDARD.encode(&self.raw)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIR: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../third-party/glpi-agent-fixtures/resources/generic/edid/"
    );

    fn fixture(name: &str) -> Edid {
        parse(&std::fs::read(format!("{DIR}{name}")).expect("fixture")).expect("edid")
    }

    /// (file, PNP id, manufacturer, name, serial, week, year), read from the bytes.
    /// Expected identity of one fixture.
    struct Case {
        file: &'static str,
        id: &'static str,
        vendor: &'static str,
        name: &'static str,
        serial: Option<&'static str>,
        week: Option<u8>,
        year: u16,
    }

    const fn c(
        file: &'static str,
        id: &'static str,
        vendor: &'static str,
        name: &'static str,
        serial: Option<&'static str>,
        week: Option<u8>,
        year: u16,
    ) -> Case {
        Case {
            file,
            id,
            vendor,
            name,
            serial,
            week,
            year,
        }
    }

    const CASES: &[Case] = &[
        c(
            "lcd.dell-U2410",
            "DEL",
            "Dell",
            "DELL U2410",
            Some("F525M1AGAP6L"),
            Some(42),
            2011,
        ),
        c(
            "lcd.samsung-s22c450",
            "SAM",
            "Samsung",
            "S22C450",
            Some("H4MF200047"),
            Some(6),
            2014,
        ),
        c(
            "acer-b247y",
            "ACR",
            "Acer",
            "B247Y",
            Some("TJYEE0068521"),
            Some(17),
            2021,
        ),
        c(
            "benq-bl2420-tf",
            "BNQ",
            "BenQ",
            "BenQ LCD",
            Some("X1J08410019"),
            Some(5),
            2018,
        ),
        c(
            "lenovo-LT2452",
            "LEN",
            "Lenovo",
            "LEN LT2452pwC",
            Some("1514688565"),
            Some(51),
            2011,
        ),
        c(
            "lcd.philips-288p6-hdmi",
            "PHL",
            "Philips",
            "Philips 288P6",
            Some("6456"),
            Some(30),
            2014,
        ),
        c(
            "EV2785",
            "ENC",
            "EIZO",
            "EV2785",
            Some("68056070"),
            Some(28),
            2020,
        ),
        c(
            "lcd.internal",
            "TOS",
            "Toshiba",
            "Internal LCD",
            Some("4"),
            Some(14),
            2006,
        ),
        c(
            "lcd.lg.tv.22MT44DP-PZ",
            "GSM",
            "LG",
            "2D FHD LG TV",
            None,
            Some(1),
            2013,
        ),
        // Serial descriptor "0" and numeric 0x01010101 are both placeholders; week 0xFF
        // flags a model year.
        c(
            "iiyama-PL2779A",
            "IVM",
            "Iiyama",
            "PL2779Q",
            None,
            None,
            2013,
        ),
    ];

    #[test]
    fn real_monitors_identity() {
        for Case {
            file,
            id,
            vendor,
            name,
            serial,
            week,
            year,
        } in CASES
        {
            let e = fixture(file);
            assert!(e.checksum_ok, "{file}");
            assert_eq!(e.manufacturer_id, *id, "{file}");
            let m = e.to_monitor(Some("card0-DP-1".into()));
            assert_eq!(m.manufacturer.as_deref(), Some(*vendor), "{file}");
            assert_eq!(m.name.as_deref(), Some(*name), "{file}");
            assert_eq!(m.serial.as_deref(), *serial, "{file}");
            assert_eq!(m.week, *week, "{file}");
            assert_eq!(m.year, Some(*year), "{file}");
            assert_eq!(m.port.as_deref(), Some("card0-DP-1"));
        }
    }

    #[test]
    fn extension_blocks_are_kept_in_base64() {
        let e = fixture("EV2785");
        assert_eq!(e.raw.len(), 256);
        assert_eq!(e.version, (1, 4));
        assert_eq!(e.product_code, 0x2911);
        let b64 = e.to_monitor(None).edid_base64.expect("b64");
        let back = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("decode");
        assert_eq!(back, e.raw);
    }

    #[test]
    fn bad_checksum_is_flagged_not_refused() {
        let mut raw = std::fs::read(format!("{DIR}lcd.dell-U2410")).expect("fixture");
        raw[127] = raw[127].wrapping_add(1);
        let e = parse(&raw).expect("still parsed");
        assert!(!e.checksum_ok);
        assert_eq!(e.name.as_deref(), Some("DELL U2410"));
        assert_eq!(parse(&raw[..100]), Err(EdidError::TooShort(100)));
        assert_eq!(parse(&[0u8; 128]), Err(EdidError::BadHeader));
    }
}
