//! A small reader and writer of NumPy `.npy` files (format versions 1, 2
//! and 3; C order only), to and from typed [`Tensor`]s: the element type is
//! kept (big-endian data is swapped to little-endian). bf16, which NumPy
//! lacks, is written widened to `<f4` (exactly).

use crate::tensor::{DType, Tensor};
use std::fmt;

/// Why an `.npy` buffer could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NpyError {
    BadMagic,
    UnsupportedVersion(u8, u8),
    Truncated,
    BadHeader(String),
    FortranOrder,
    UnsupportedDtype(String),
    SizeMismatch { expected: usize, found: usize },
}

impl fmt::Display for NpyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NpyError::BadMagic => write!(f, "not an .npy file (bad magic)"),
            NpyError::UnsupportedVersion(a, b) => write!(f, "unsupported .npy version {a}.{b}"),
            NpyError::Truncated => write!(f, "truncated .npy file"),
            NpyError::BadHeader(m) => write!(f, "malformed .npy header: {m}"),
            NpyError::FortranOrder => write!(
                f,
                "Fortran-order arrays are not supported (save with np.ascontiguousarray)"
            ),
            NpyError::UnsupportedDtype(d) => write!(
                f,
                "unsupported dtype '{d}' (supported: f4, f8, f2, i1, i2, i4, i8, u1, u2, u4, u8, b1)"
            ),
            NpyError::SizeMismatch { expected, found } => write!(
                f,
                "data has {found} bytes but the header describes {expected}"
            ),
        }
    }
}

impl std::error::Error for NpyError {}

/// Extracts the value of `'key':` from the header dictionary text.
fn dict_value<'a>(h: &'a str, key: &str) -> Result<&'a str, NpyError> {
    let pat = format!("'{key}'");
    let at = h
        .find(&pat)
        .ok_or_else(|| NpyError::BadHeader(format!("no '{key}' entry")))?;
    let rest = h[at + pat.len()..].trim_start();
    let rest = rest
        .strip_prefix(':')
        .ok_or_else(|| NpyError::BadHeader(format!("no ':' after '{key}'")))?
        .trim_start();
    let end = if rest.starts_with('(') {
        rest.find(')').map(|p| p + 1)
    } else if let Some(r) = rest.strip_prefix('\'') {
        r.find('\'').map(|p| p + 2)
    } else {
        rest.find([',', '}'])
    }
    .ok_or_else(|| NpyError::BadHeader(format!("unterminated '{key}' value")))?;
    Ok(rest[..end].trim())
}

/// Parses an `.npy` buffer.
pub fn read(bytes: &[u8]) -> Result<Tensor, NpyError> {
    if bytes.len() < 8 || &bytes[..6] != b"\x93NUMPY" {
        return Err(NpyError::BadMagic);
    }
    let (major, minor) = (bytes[6], bytes[7]);
    let (hlen, start) = match major {
        1 => {
            let b = bytes.get(8..10).ok_or(NpyError::Truncated)?;
            (usize::from(u16::from_le_bytes([b[0], b[1]])), 10)
        }
        2 | 3 => {
            let b = bytes.get(8..12).ok_or(NpyError::Truncated)?;
            let n = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            (usize::try_from(n).map_err(|_| NpyError::Truncated)?, 12)
        }
        _ => return Err(NpyError::UnsupportedVersion(major, minor)),
    };
    let header = bytes.get(start..start + hlen).ok_or(NpyError::Truncated)?;
    let header = std::str::from_utf8(header)
        .map_err(|_| NpyError::BadHeader("not UTF-8/latin-1 text".into()))?;
    let descr = dict_value(header, "descr")?.trim_matches('\'');
    match dict_value(header, "fortran_order")? {
        "False" => {}
        "True" => return Err(NpyError::FortranOrder),
        v => return Err(NpyError::BadHeader(format!("fortran_order is '{v}'"))),
    }
    let shape_txt = dict_value(header, "shape")?;
    let inner = shape_txt
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| NpyError::BadHeader(format!("shape '{shape_txt}'")))?;
    let shape = inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.trim_end_matches('L')
                .parse::<usize>()
                .map_err(|_| NpyError::BadHeader(format!("shape '{shape_txt}'")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let numel: usize = shape.iter().product();
    let (big, code) = match descr.as_bytes().first() {
        Some(b'<' | b'|' | b'=') => (false, &descr[1..]),
        Some(b'>') => (true, &descr[1..]),
        _ => (false, descr),
    };
    let dtype =
        DType::from_npy_code(code).ok_or_else(|| NpyError::UnsupportedDtype(descr.to_string()))?;
    let size = dtype.size();
    let data = &bytes[start + hlen..];
    let expected = numel * size;
    if data.len() != expected {
        return Err(NpyError::SizeMismatch {
            expected,
            found: data.len(),
        });
    }
    let mut t = Tensor::zeros(dtype, shape);
    let out = t.bytes_mut();
    out.copy_from_slice(data);
    if big && size > 1 {
        for c in out.chunks_exact_mut(size) {
            c.reverse();
        }
    }
    Ok(t)
}

/// Serializes a little-endian, C-order `.npy` (version 1, or 2 if the
/// header needs it); bf16 is widened to `<f4`.
pub fn write(t: &Tensor) -> Vec<u8> {
    if t.dtype == DType::BF16 {
        return write(&t.widened_to_f32());
    }
    let a = t;
    let code = t.dtype.npy_code().unwrap_or("f4");
    let order = if t.dtype.size() == 1 { '|' } else { '<' };
    let dims: Vec<String> = a.shape.iter().map(|d| d.to_string()).collect();
    let shape = match dims.len() {
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    };
    let mut header =
        format!("{{'descr': '{order}{code}', 'fortran_order': False, 'shape': {shape}, }}");
    let v1 = header.len() + 11 < 65536;
    let pre = if v1 { 10 } else { 12 };
    // Pad with spaces so the data starts at a multiple of 64, ending in '\n'.
    let total = (pre + header.len() + 1).div_ceil(64) * 64;
    while pre + header.len() + 1 < total {
        header.push(' ');
    }
    header.push('\n');
    let mut out = Vec::with_capacity(total + a.bytes().len());
    out.extend_from_slice(b"\x93NUMPY");
    if v1 {
        out.extend_from_slice(&[1, 0]);
        out.extend_from_slice(&u16::try_from(header.len()).unwrap_or(0).to_le_bytes());
    } else {
        out.extend_from_slice(&[2, 0]);
        out.extend_from_slice(&u32::try_from(header.len()).unwrap_or(0).to_le_bytes());
    }
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(a.bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_header(version: u8, header: &str, data: &[u8]) -> Vec<u8> {
        let mut v = b"\x93NUMPY".to_vec();
        v.push(version);
        v.push(0);
        if version == 1 {
            v.extend_from_slice(&(header.len() as u16).to_le_bytes());
        } else {
            v.extend_from_slice(&(header.len() as u32).to_le_bytes());
        }
        v.extend_from_slice(header.as_bytes());
        v.extend_from_slice(data);
        v
    }

    #[test]
    fn round_trip() {
        for shape in [vec![], vec![3], vec![2, 3], vec![1, 2, 2, 2]] {
            let n: usize = shape.iter().product();
            let data: Vec<f32> = (0..n).map(|i| i as f32 * 0.5 - 1.0).collect();
            let a = Tensor::from_f32(shape.clone(), &data);
            let bytes = write(&a);
            assert_eq!((bytes.len() - n * 4) % 64, 0);
            assert_eq!(read(&bytes), Ok(a));
        }
    }

    #[test]
    fn one_dim_shape_has_trailing_comma() {
        let bytes = write(&Tensor::from_f32(vec![4], &[0.0; 4]));
        let text = String::from_utf8_lossy(&bytes[10..]);
        assert!(text.contains("'shape': (4,)"), "{text}");
    }

    #[test]
    fn version_2_and_other_dtypes() {
        let data: Vec<u8> = [1.5f64, -2.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let b = with_header(
            2,
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n",
            &data,
        );
        let a = read(&b).expect("f8");
        assert_eq!((a.dtype, a.to_f32()), (DType::F64, vec![1.5, -2.0]));
        let data: Vec<u8> = [7i32, -3].iter().flat_map(|v| v.to_be_bytes()).collect();
        let b = with_header(
            1,
            "{'descr': '>i4', 'fortran_order': False, 'shape': (1, 2), }\n",
            &data,
        );
        let a = read(&b).expect("big-endian i4");
        assert_eq!(a.dtype, DType::I32);
        assert_eq!((a.shape.clone(), a.to_f32()), (vec![1, 2], vec![7.0, -3.0]));
        assert_eq!(read(&write(&a)), Ok(a), "written back little-endian");
        let b = with_header(
            1,
            "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }\n",
            &[0x00, 0x3c, 0x00, 0xc0],
        );
        assert_eq!(read(&b).map(|a| a.to_f32()), Ok(vec![1.0, -2.0]));
        let bools = Tensor::from_bytes(DType::Bool, vec![3], &[1, 0, 1]).unwrap();
        let text = write(&bools);
        assert!(String::from_utf8_lossy(&text).contains("'descr': '|b1'"));
        assert_eq!(read(&text), Ok(bools));
        let bf = Tensor::from_bytes(DType::BF16, vec![1], &[0x80, 0x3f]).unwrap();
        let w = read(&write(&bf)).expect("bf16 as f4");
        assert_eq!((w.dtype, w.to_f32()), (DType::F32, vec![1.0]));
    }

    #[test]
    fn rejections() {
        let b = with_header(
            1,
            "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n",
            &[0; 16],
        );
        assert_eq!(read(&b), Err(NpyError::FortranOrder));
        let b = with_header(
            1,
            "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }\n",
            &[0; 8],
        );
        assert_eq!(read(&b), Err(NpyError::UnsupportedDtype("<c8".into())));
        let b = with_header(
            1,
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }\n",
            &[0; 8],
        );
        assert_eq!(
            read(&b),
            Err(NpyError::SizeMismatch {
                expected: 12,
                found: 8
            })
        );
        assert_eq!(read(b"hello world"), Err(NpyError::BadMagic));
        assert!(read(&with_header(9, "", &[])).is_err());
    }

    #[test]
    fn reads_the_committed_fixture() {
        let p = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../lit/onnx-to-graph/Inputs/tiny_cnn.input.npy"
        );
        let bytes = std::fs::read(p).expect("fixture");
        let a = read(&bytes).expect("parse");
        assert_eq!(a.bytes().len(), 4 * a.shape.iter().product::<usize>());
        assert_eq!(read(&write(&a)), Ok(a));
    }
}
