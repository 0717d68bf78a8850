//! Finds where a value sits in JSON text, so a finding about `risks/3/runbook` can name its line.
//! serde_json keeps no positions; this small scanner walks the text once and records them.

/// One value in the text: its path (`risks/3/runbook`), where its key starts (or the value, in an
/// array), and the byte range of the value.
#[derive(Debug, Clone)]
struct Entry {
    path: String,
    key_start: usize,
    start: usize,
    end: usize,
}

/// Nesting beyond this is not scanned: serde_json refuses it anyway (its limit is 128).
const MAX_DEPTH: usize = 256;

/// The positions of every value in one JSON text. Scans what it can: text after a syntax error
/// is ignored, so it also answers questions about the valid prefix of a broken file.
pub struct Locator {
    entries: Vec<Entry>,
    /// Path → its first entry: a register with 50,000 risks gets thousands of findings, each
    /// looked up here.
    by_path: std::collections::HashMap<String, usize>,
}

impl Locator {
    pub fn new(text: &str) -> Locator {
        let mut scanner = Scanner {
            bytes: text.as_bytes(),
            pos: 0,
            entries: Vec::new(),
        };
        scanner.skip_ws();
        let start = scanner.pos;
        let _ = scanner.value("", start, 0);
        let mut by_path = std::collections::HashMap::with_capacity(scanner.entries.len());
        for (i, entry) in scanner.entries.iter().enumerate() {
            by_path.entry(entry.path.clone()).or_insert(i);
        }
        Locator {
            entries: scanner.entries,
            by_path,
        }
    }

    fn entry(&self, path: &str) -> Option<&Entry> {
        self.by_path.get(path).map(|&i| &self.entries[i])
    }

    /// Byte offset of the value at `path` (`""` is the root, `risks/2/title` a field).
    pub fn value_offset(&self, path: &str) -> Option<usize> {
        self.entry(path).map(|e| e.start)
    }

    /// Byte offset of the key of the value at `path`, or of the value for array elements.
    pub fn key_offset(&self, path: &str) -> Option<usize> {
        self.entry(path).map(|e| e.key_start)
    }

    /// The path of a string value equal to `value`, at or below `prefix`.
    pub fn find_string_within(&self, text: &str, prefix: &str, value: &str) -> Option<&str> {
        if value.is_empty() {
            return None;
        }
        let quoted = format!("\"{value}\"");
        self.entries
            .iter()
            .filter(|e| {
                prefix.is_empty() || e.path == prefix || e.path.starts_with(&format!("{prefix}/"))
            })
            .find(|e| text.get(e.start..e.end) == Some(quoted.as_str()))
            .map(|e| e.path.as_str())
    }

    /// The path of the innermost value whose key or value spans `offset` (ends included).
    pub fn path_at(&self, offset: usize) -> Option<&str> {
        self.entries
            .iter()
            .filter(|e| e.key_start <= offset && offset <= e.end)
            .max_by_key(|e| e.key_start)
            .map(|e| e.path.as_str())
    }
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    entries: Vec<Entry>,
}

/// Scanning stops at the first syntax error; the entries recorded so far stay.
struct Stop;

impl Scanner<'_> {
    fn skip_ws(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> Result<(), Stop> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Stop)
        }
    }

    fn value(&mut self, path: &str, key_start: usize, depth: usize) -> Result<(), Stop> {
        if depth > MAX_DEPTH {
            return Err(Stop);
        }
        let start = self.pos;
        let index = self.entries.len();
        self.entries.push(Entry {
            path: path.to_owned(),
            key_start,
            start,
            end: start,
        });
        let result = match self.peek() {
            Some(b'{') => self.object(path, depth),
            Some(b'[') => self.array(path, depth),
            Some(b'"') => self.string().map(|_| ()),
            Some(_) => {
                self.scalar();
                Ok(())
            }
            None => Err(Stop),
        };
        self.entries[index].end = self.pos;
        result
    }

    fn object(&mut self, path: &str, depth: usize) -> Result<(), Stop> {
        self.eat(b'{')?;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_ws();
            let key_start = self.pos;
            let key = self.string()?;
            self.skip_ws();
            self.eat(b':')?;
            self.skip_ws();
            self.value(&join(path, &key), key_start, depth + 1)?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(Stop),
            }
        }
    }

    fn array(&mut self, path: &str, depth: usize) -> Result<(), Stop> {
        self.eat(b'[')?;
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        let mut index = 0usize;
        loop {
            self.skip_ws();
            let start = self.pos;
            self.value(&join(path, &index.to_string()), start, depth + 1)?;
            index += 1;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(Stop),
            }
        }
    }

    /// A string's raw content (escapes left as written: keys in a register need none).
    fn string(&mut self) -> Result<String, Stop> {
        self.eat(b'"')?;
        let start = self.pos;
        while let Some(b) = self.peek() {
            match b {
                b'"' => {
                    let raw = String::from_utf8_lossy(&self.bytes[start..self.pos]).into_owned();
                    self.pos += 1;
                    return Ok(raw);
                }
                b'\\' => self.pos += 2,
                _ => self.pos += 1,
            }
        }
        Err(Stop)
    }

    fn scalar(&mut self) {
        while self
            .peek()
            .is_some_and(|b| !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.pos += 1;
        }
    }
}

fn join(path: &str, segment: &str) -> String {
    if path.is_empty() {
        segment.to_owned()
    } else {
        format!("{path}/{segment}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{\n  \"component\": \"a\",\n  \"risks\": [\n    {\n      \"id\": \"x\",\n      \"tickets\": [\n        \"T-1\"\n      ]\n    }\n  ]\n}\n";

    #[test]
    fn finds_values_by_path() {
        let loc = Locator::new(TEXT);
        let at = |p| crate::finding::Pos::of_offset(TEXT, loc.value_offset(p).unwrap());
        assert_eq!(at("component").line, 2);
        assert_eq!(at("risks/0/id").line, 5);
        assert_eq!(at("risks/0/id").column, 13);
        assert_eq!(at("risks/0/tickets/0").line, 7);
        assert_eq!(loc.value_offset("risks/1"), None);
    }

    #[test]
    fn finds_the_path_at_an_offset() {
        let loc = Locator::new(TEXT);
        let offset = TEXT.find("\"x\"").unwrap() + 1;
        assert_eq!(loc.path_at(offset), Some("risks/0/id"));
        let key = TEXT.find("\"id\"").unwrap();
        assert_eq!(loc.path_at(key), Some("risks/0/id"));
    }

    #[test]
    fn broken_text_keeps_its_valid_prefix() {
        let loc = Locator::new("{\"a\": 1, \"b\": [1, 2,, ]}");
        assert!(loc.value_offset("a").is_some());
        assert!(loc.value_offset("b/1").is_some());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let text = "[".repeat(100_000);
        let loc = Locator::new(&text);
        assert!(loc.value_offset("").is_some());
    }
}
