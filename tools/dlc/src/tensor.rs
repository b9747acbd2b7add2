//! Host tensors for the tools: an element type of the entry-point ABI
//! ([`DType`]), a shape, and little-endian bytes in 64-byte aligned storage,
//! so a tensor can be handed to compiled code as is.

use std::fmt;

/// An element type a model's inputs and outputs may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DType {
    Bool,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    F16,
    BF16,
    F32,
    F64,
}

impl DType {
    pub const ALL: [DType; 13] = [
        DType::Bool,
        DType::I8,
        DType::I16,
        DType::I32,
        DType::I64,
        DType::U8,
        DType::U16,
        DType::U32,
        DType::U64,
        DType::F16,
        DType::BF16,
        DType::F32,
        DType::F64,
    ];

    /// Bytes per element (bool takes a byte, as in ONNX and NumPy).
    pub fn size(self) -> usize {
        match self {
            DType::Bool | DType::I8 | DType::U8 => 1,
            DType::I16 | DType::U16 | DType::F16 | DType::BF16 => 2,
            DType::I32 | DType::U32 | DType::F32 => 4,
            DType::I64 | DType::U64 | DType::F64 => 8,
        }
    }

    /// The MLIR spelling of the element type (`i1` for bool, `ui8`, ...).
    pub fn mlir(self) -> &'static str {
        match self {
            DType::Bool => "i1",
            DType::I8 => "i8",
            DType::I16 => "i16",
            DType::I32 => "i32",
            DType::I64 => "i64",
            DType::U8 => "ui8",
            DType::U16 => "ui16",
            DType::U32 => "ui32",
            DType::U64 => "ui64",
            DType::F16 => "f16",
            DType::BF16 => "bf16",
            DType::F32 => "f32",
            DType::F64 => "f64",
        }
    }

    /// From the MLIR spelling; signed and signless integers are the same.
    pub fn from_mlir(s: &str) -> Option<DType> {
        let s = s
            .strip_prefix("s")
            .filter(|r| r.starts_with('i'))
            .unwrap_or(s);
        DType::ALL.into_iter().find(|d| d.mlir() == s)
    }

    /// The C type of one element in the generated header.
    pub fn c_type(self) -> &'static str {
        match self {
            DType::Bool | DType::U8 => "uint8_t",
            DType::I8 => "int8_t",
            DType::I16 => "int16_t",
            DType::I32 => "int32_t",
            DType::I64 => "int64_t",
            DType::U16 | DType::F16 | DType::BF16 => "uint16_t",
            DType::U32 => "uint32_t",
            DType::U64 => "uint64_t",
            DType::F32 => "float",
            DType::F64 => "double",
        }
    }

    /// The NumPy type code without byte order (`f4`, `b1`, ...); bf16 has
    /// none in NumPy itself.
    pub fn npy_code(self) -> Option<&'static str> {
        Some(match self {
            DType::Bool => "b1",
            DType::I8 => "i1",
            DType::I16 => "i2",
            DType::I32 => "i4",
            DType::I64 => "i8",
            DType::U8 => "u1",
            DType::U16 => "u2",
            DType::U32 => "u4",
            DType::U64 => "u8",
            DType::F16 => "f2",
            DType::F32 => "f4",
            DType::F64 => "f8",
            DType::BF16 => return None,
        })
    }

    pub fn from_npy_code(code: &str) -> Option<DType> {
        DType::ALL.into_iter().find(|d| d.npy_code() == Some(code))
    }

    pub fn is_float(self) -> bool {
        matches!(self, DType::F16 | DType::BF16 | DType::F32 | DType::F64)
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DType::Bool => "bool",
            other => other.mlir(),
        })
    }
}

/// A 64-byte aligned chunk of storage.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Line([u8; 64]);

/// A dense, row-major tensor with little-endian elements.
#[derive(Clone)]
pub struct Tensor {
    pub dtype: DType,
    pub shape: Vec<usize>,
    lines: Vec<Line>,
    len: usize,
}

impl Tensor {
    /// A zero-filled tensor.
    pub fn zeros(dtype: DType, shape: Vec<usize>) -> Tensor {
        let len = shape.iter().product::<usize>() * dtype.size();
        Tensor {
            dtype,
            shape,
            lines: vec![Line([0; 64]); len.div_ceil(64).max(1)],
            len,
        }
    }

    /// A tensor holding `bytes` (little-endian elements); `None` if the
    /// length does not match the shape.
    pub fn from_bytes(dtype: DType, shape: Vec<usize>, bytes: &[u8]) -> Option<Tensor> {
        let mut t = Tensor::zeros(dtype, shape);
        if bytes.len() != t.len {
            return None;
        }
        t.bytes_mut().copy_from_slice(bytes);
        Some(t)
    }

    pub fn from_f32(shape: Vec<usize>, data: &[f32]) -> Tensor {
        let bytes: Vec<u8> = data.iter().flat_map(|v| v.to_le_bytes()).collect();
        let n = shape.iter().product::<usize>();
        assert_eq!(n, data.len(), "shape and data disagree");
        Tensor::from_bytes(DType::F32, shape, &bytes).expect("sizes agree")
    }

    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }

    /// Shrinks the tensor to `shape`, keeping its first elements: an output
    /// allocated for upper bounds whose actual extents were reported after
    /// the run (written row-major in the actual shape). `None` if `shape`
    /// has more elements than the tensor.
    pub fn truncate_to(&mut self, shape: Vec<usize>) -> Option<()> {
        let len = shape
            .iter()
            .product::<usize>()
            .checked_mul(self.dtype.size())?;
        if len > self.len {
            return None;
        }
        self.len = len;
        self.shape = shape;
        Some(())
    }

    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `lines` is a contiguous Vec of plain bytes at least
        // `len` long.
        unsafe { std::slice::from_raw_parts(self.lines.as_ptr().cast::<u8>(), self.len) }
    }

    pub fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`, and `&mut self` makes the borrow unique.
        unsafe { std::slice::from_raw_parts_mut(self.lines.as_mut_ptr().cast::<u8>(), self.len) }
    }

    pub fn as_ptr(&self) -> *const u8 {
        self.lines.as_ptr().cast()
    }

    pub fn as_mut_ptr(&mut self) -> *mut u8 {
        self.lines.as_mut_ptr().cast()
    }

    /// Element `i` as f64 (bool as 0/1; 64-bit integers may round).
    pub fn get_f64(&self, i: usize) -> f64 {
        let s = self.dtype.size();
        let b = &self.bytes()[i * s..(i + 1) * s];
        let mut w = [0u8; 8];
        w[..s].copy_from_slice(b);
        match self.dtype {
            DType::Bool | DType::U8 => f64::from(b[0]),
            DType::I8 => f64::from(b[0] as i8),
            DType::I16 => f64::from(i16::from_le_bytes([b[0], b[1]])),
            DType::U16 => f64::from(u16::from_le_bytes([b[0], b[1]])),
            DType::I32 => f64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            DType::U32 => f64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            DType::I64 => i64::from_le_bytes(w) as f64,
            DType::U64 => u64::from_le_bytes(w) as f64,
            DType::F16 => f64::from(f16_to_f32(u16::from_le_bytes([b[0], b[1]]))),
            DType::BF16 => f64::from(f32::from_bits(
                u32::from(u16::from_le_bytes([b[0], b[1]])) << 16,
            )),
            DType::F32 => f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            DType::F64 => f64::from_le_bytes(w),
        }
    }

    /// Every element as f32 (see [`Tensor::get_f64`]).
    pub fn to_f32(&self) -> Vec<f32> {
        (0..self.numel()).map(|i| self.get_f64(i) as f32).collect()
    }

    /// The tensor widened to f32 (exact for bf16 and f16): how bf16, which
    /// NumPy lacks, is written to `.npy`.
    pub fn widened_to_f32(&self) -> Tensor {
        Tensor::from_f32(self.shape.clone(), &self.to_f32())
    }
}

impl fmt::Debug for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tensor<{} {:?}>", self.dtype, self.shape)
    }
}

impl PartialEq for Tensor {
    fn eq(&self, o: &Tensor) -> bool {
        self.dtype == o.dtype && self.shape == o.shape && self.bytes() == o.bytes()
    }
}

/// IEEE half to single precision (exact).
pub fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h >> 15) << 31;
    let exp = u32::from((h >> 10) & 0x1f);
    let man = u32::from(h & 0x3ff);
    let bits = if exp == 0 {
        if man == 0 {
            sign
        } else {
            // Subnormal: normalise.
            let mut e = 127 - 15 + 1;
            let mut m = man;
            while m & 0x400 == 0 {
                m <<= 1;
                e -= 1;
            }
            sign | (e << 23) | ((m & 0x3ff) << 13)
        }
    } else if exp == 0x1f {
        sign | 0x7f80_0000 | (man << 13)
    } else {
        sign | ((exp + 127 - 15) << 23) | (man << 13)
    };
    f32::from_bits(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for d in DType::ALL {
            assert_eq!(DType::from_mlir(d.mlir()), Some(d));
            if let Some(c) = d.npy_code() {
                assert_eq!(DType::from_npy_code(c), Some(d));
            }
        }
        assert_eq!(DType::from_mlir("si32"), Some(DType::I32));
        assert_eq!(DType::from_mlir("f80"), None);
    }

    #[test]
    fn storage_is_aligned_and_typed() {
        let t = Tensor::from_f32(vec![2, 3], &[1.0, 2.0, 3.0, 4.0, 5.0, -6.5]);
        assert_eq!(t.as_ptr() as usize % 64, 0);
        assert_eq!(t.to_f32(), vec![1.0, 2.0, 3.0, 4.0, 5.0, -6.5]);
        let b = Tensor::from_bytes(DType::BF16, vec![2], &[0x80, 0x3f, 0x00, 0xc0]).unwrap();
        assert_eq!(b.to_f32(), vec![1.0, -2.0]);
        assert!(Tensor::from_bytes(DType::I64, vec![2], &[0; 8]).is_none());
        let e = Tensor::zeros(DType::F32, vec![0, 4]);
        assert_eq!(e.numel(), 0);
        assert!(e.bytes().is_empty());
    }
}
