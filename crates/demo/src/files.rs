//! Tiny, valid files for the demo's attachments, made in code: a one-page
//! PDF of text (the "scan" of a meeting's minutes) and a PNG picture of a
//! filled-in sign-in sheet. No libraries: the PDF is written object by
//! object with its cross-reference table, the PNG with uncompressed
//! ("stored") deflate blocks and its own CRC-32 and Adler-32 sums.
//!
//! The PDF uses the Adobe-GB1 font `STSong-Light` with the `UniGB-UCS2-H`
//! encoding, which PDF readers provide without embedding, so the text stays
//! Chinese and the file small. Characters outside the Basic Multilingual
//! Plane, which UCS-2 cannot carry, are written as `□`.

use crate::random::Random;
use std::fmt::Write;

/// A4, in points.
const PAGE_WIDTH: u32 = 595;
const PAGE_HEIGHT: u32 = 842;
const MARGIN: u32 = 56;

/// One line of text on the page, at a font size in points.
pub(crate) struct Line {
    pub size: u32,
    pub text: String,
}

/// The width of `c` in ems: half for ASCII, whole for the rest.
fn em_halves(c: char) -> u32 {
    if c.is_ascii() { 1 } else { 2 }
}

/// Splits `text` into lines no wider than `halves` half-ems.
fn wrap(text: &str, halves: u32) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    let mut width = 0;
    for c in text.chars() {
        let w = em_halves(c);
        if width + w > halves && !line.is_empty() {
            out.push(std::mem::take(&mut line));
            width = 0;
        }
        line.push(c);
        width += w;
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// A PDF hex string of `text` in UCS-2 (big-endian).
fn ucs2_hex(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 4 + 2);
    out.push('<');
    for c in text.chars() {
        let code = u16::try_from(u32::from(c)).unwrap_or(0x25A1);
        let _ = write!(out, "{code:04X}");
    }
    out.push('>');
    out
}

/// A one-page A4 PDF showing `lines` from the top, wrapped to the page's
/// width, on a faintly tinted page like a scan; what does not fit is left out.
pub(crate) fn pdf(lines: &[Line]) -> Vec<u8> {
    let mut content = String::from("0.97 0.96 0.93 rg 0 0 595 842 re f\n0.1 0.1 0.1 rg\nBT\n");
    let mut y = PAGE_HEIGHT - MARGIN;
    'lines: for line in lines {
        let size = line.size.clamp(6, 40);
        let halves = (PAGE_WIDTH - 2 * MARGIN) * 2 / size;
        for part in wrap(&line.text, halves) {
            let step = size * 3 / 2;
            if y < MARGIN + step {
                break 'lines;
            }
            y -= step;
            let _ = writeln!(content, "/F1 {size} Tf 1 0 0 1 {MARGIN} {y} Tm {} Tj", ucs2_hex(&part));
        }
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] /Resources << /Font << /F1 4 0 R >> >> /Contents 7 0 R >>"
        ),
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [5 0 R] >>".to_owned(),
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 6 0 R /DW 1000 /W [1 95 500] >>".to_owned(),
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
    ];
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        let _ = writeln!(table, "{offset:010} 00000 n ");
    }
    let _ = write!(table, "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1);
    out.extend_from_slice(table.as_bytes());
    out
}

/// CRC-32 (ISO 3309, as PNG uses it).
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Adler-32 (as zlib uses it).
pub(crate) fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in bytes {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(0).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(out.get(start..).unwrap_or_default());
    out.extend_from_slice(&crc.to_be_bytes());
}

/// An RGB PNG of `width` × `height` pixels, `pixels` row by row (three
/// bytes a pixel), in stored deflate blocks.
pub(crate) fn png(width: u32, height: u32, pixels: &[u8]) -> Vec<u8> {
    let row = width as usize * 3;
    let mut raw = Vec::with_capacity((row + 1) * height as usize);
    for y in 0..height as usize {
        raw.push(0); // no filter
        let line = pixels.get(y * row..(y + 1) * row).unwrap_or_default();
        raw.extend_from_slice(line);
        raw.resize(raw.len() + row - line.len(), 0);
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        let len = u16::try_from(block.len()).unwrap_or(u16::MAX);
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]); // 8 bits, RGB, deflate, no filter, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &zlib);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A picture of a sign-in sheet (签到表) with `rows` names written in: a
/// red heading, a ruled table, and a scribble of ink in each filled row.
pub(crate) fn sign_in_sheet(r: &mut Random, rows: usize) -> Vec<u8> {
    const W: u32 = 160;
    const H: u32 = 120;
    const PAPER: [u8; 3] = [250, 249, 243];
    const RED: [u8; 3] = [196, 32, 33];
    const RULE: [u8; 3] = [150, 150, 150];
    const INK: [u8; 3] = [30, 40, 110];
    let mut pixels = vec![0u8; (W * H * 3) as usize];
    let mut put = |x: u32, y: u32, color: [u8; 3]| {
        let at = ((y * W + x) * 3) as usize;
        if let Some(px) = pixels.get_mut(at..at + 3) {
            px.copy_from_slice(&color);
        }
    };
    for y in 0..H {
        for x in 0..W {
            put(x, y, PAPER);
        }
    }
    for y in 6..14 {
        for x in 50..110 {
            put(x, y, RED);
        }
    }
    let top = 20;
    let line_height = 9;
    let lines = ((H - top - 4) / line_height) as usize;
    for i in 0..=lines as u32 {
        for x in 8..W - 8 {
            put(x, top + i * line_height, RULE);
        }
    }
    for x in [8, 40, 110, W - 9] {
        for y in top..=top + lines as u32 * line_height {
            put(x, y, RULE);
        }
    }
    for i in 0..rows.min(lines) as u32 {
        let y0 = top + i * line_height + 3;
        let mut x = 46 + u32::try_from(r.below(8)).unwrap_or(0);
        let end = x + 24 + u32::try_from(r.below(30)).unwrap_or(0);
        while x < end.min(106) {
            let y = y0 + u32::try_from(r.below(4)).unwrap_or(0);
            put(x, y, INK);
            put(x, y + 1, INK);
            x += 1;
        }
        for x in 14..18 + u32::try_from(r.below(12)).unwrap_or(0) {
            put(x, y0 + 2, INK);
        }
    }
    png(W, H, &pixels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::ymd;

    #[test]
    fn sums_match_known_values() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn the_pdf_has_a_correct_cross_reference_table() {
        let lines = [Line { size: 16, text: "会议记录".into() }, Line { size: 12, text: "出席：应到7人，实到6人。𠀋".repeat(20) }];
        let bytes = pdf(&lines);
        let text = String::from_utf8_lossy(&bytes);
        assert!(bytes.starts_with(b"%PDF-1.4") && text.ends_with("%%EOF\n"));
        let start: usize = text.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        assert!(bytes[start..].starts_with(b"xref\n0 8\n"));
        let table = std::str::from_utf8(&bytes[start..]).unwrap();
        for (i, entry) in table.lines().skip(3).take(7).enumerate() {
            let offset: usize = entry[..10].parse().unwrap();
            assert!(bytes[offset..].starts_with(format!("{} 0 obj", i + 1).as_bytes()), "object {}", i + 1);
        }
        let stream = text.split_once(">>\nstream\n").unwrap().1.split_once("endstream").unwrap().0;
        assert!(stream.is_ascii() && text.contains(&format!("/Length {}", stream.len())));
        assert!(stream.contains("<4F1A8BAE8BB05F55>"), "会议记录 in UCS-2");
        assert!(stream.contains("25A1"), "a character outside the BMP becomes □");
    }

    #[test]
    fn the_png_chunks_and_stored_blocks_are_sound() {
        let mut r = Random::new(1, ymd(2026, 1, 1));
        let bytes = sign_in_sheet(&mut r, 5);
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        let mut at = 8;
        let mut idat = Vec::new();
        let mut kinds = Vec::new();
        while at < bytes.len() {
            let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
            let kind = &bytes[at + 4..at + 8];
            let data = &bytes[at + 8..at + 8 + len];
            let crc = u32::from_be_bytes(bytes[at + 8 + len..at + 12 + len].try_into().unwrap());
            assert_eq!(crc, crc32(&bytes[at + 4..at + 8 + len]));
            if kind == b"IDAT" {
                idat.extend_from_slice(data);
            }
            kinds.push(String::from_utf8(kind.to_vec()).unwrap());
            at += 12 + len;
        }
        assert_eq!(kinds, ["IHDR", "IDAT", "IEND"]);
        // Inflate the stored blocks by hand.
        let mut raw = Vec::new();
        let mut p = 2;
        loop {
            let last = idat[p] & 1 == 1;
            assert_eq!(idat[p] & 6, 0, "stored block");
            let len = u16::from_le_bytes([idat[p + 1], idat[p + 2]]);
            let nlen = u16::from_le_bytes([idat[p + 3], idat[p + 4]]);
            assert_eq!(len, !nlen);
            raw.extend_from_slice(&idat[p + 5..p + 5 + len as usize]);
            p += 5 + len as usize;
            if last {
                break;
            }
        }
        assert_eq!(u32::from_be_bytes(idat[p..p + 4].try_into().unwrap()), adler32(&raw));
        assert_eq!(raw.len(), 120 * (1 + 160 * 3));
    }
}
