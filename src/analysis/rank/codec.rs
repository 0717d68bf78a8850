//! The search index's bytes: little-endian numbers and length-prefixed strings. The reader
//! checks every length against what is left, so a cache file cut short or scribbled over reads
//! as `None` (and is rebuilt), never as a panic or an allocation it declares.

/// A stretch of the index's bytes: a string kept where it is, read only when shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Span {
    pub at: u32,
    pub len: u32,
}

impl Span {
    /// Its bytes in `bytes` (empty when it does not fit: the index was checked when read).
    pub fn bytes(self, bytes: &[u8]) -> &[u8] {
        let start = self.at as usize;
        bytes
            .get(start..start + self.len as usize)
            .unwrap_or_default()
    }

    /// Its text, with replacement characters where it is not UTF-8.
    pub fn text(self, bytes: &[u8]) -> String {
        String::from_utf8_lossy(self.bytes(bytes)).into_owned()
    }
}

#[derive(Default)]
pub(super) struct Writer(pub Vec<u8>);

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    /// A count or length, which the index keeps below 4 GiB (saturating, never wrapping).
    pub fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }
    pub fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
}

pub(super) struct Reader<'a> {
    pub bytes: &'a [u8],
    pub at: usize,
}

impl<'a> Reader<'a> {
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let out = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(out)
    }
    pub fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    pub fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    /// A count of items each at least `min_size` bytes long: more than the bytes left could
    /// hold is a damaged file.
    pub fn count(&mut self, min_size: usize) -> Option<usize> {
        let n = self.u32()? as usize;
        (n.checked_mul(min_size.max(1))? <= self.bytes.len() - self.at).then_some(n)
    }
    /// A string, left where it is.
    pub fn span(&mut self) -> Option<Span> {
        let len = self.u32()?;
        let at = u32::try_from(self.at).ok()?;
        self.take(len as usize)?;
        Some(Span { at, len })
    }
    /// A string, copied out.
    pub fn string(&mut self) -> Option<String> {
        let len = self.u32()? as usize;
        String::from_utf8(self.take(len)?.to_vec()).ok()
    }
}
