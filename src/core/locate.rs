//! Finds where a value sits in JSON text, so a finding about `risks/3/runbook` can name its line.
//! serde_json keeps no positions; this small scanner walks the text once and records them.
//!
//! `check` builds one for nearly every register, so the scan allocates no strings: a node holds
//! byte offsets, its parent and where its subtree ends, and a path is looked up one segment at a
//! time (an array's elements by index, an object's keys by a walk over its few siblings). Paths
//! are spelled out only when asked for.

/// One value in the text, in document order.
#[derive(Debug, Clone)]
struct Node {
    /// Where its key starts (or the value, in an array).
    key_start: usize,
    /// The byte range of the value.
    start: usize,
    end: usize,
    /// The raw key between its quotes; `None` for an array element (then `index` is its place).
    key: Option<(usize, usize)>,
    index: usize,
    parent: usize,
    /// The node after this one's subtree: its next sibling, or its parent's next.
    after: usize,
    /// An array's elements, as a range of `Locator::elements`.
    elements: Option<(usize, usize)>,
}

/// Nesting beyond this is not scanned: serde_json refuses it anyway (its limit is 128).
const MAX_DEPTH: usize = 256;

/// The positions of every value in one JSON text. Scans what it can: text after a syntax error
/// is ignored, so it also answers questions about the valid prefix of a broken file.
pub struct Locator<'t> {
    text: &'t str,
    nodes: Vec<Node>,
    /// Node indices of arrays' elements, each array's in one run: a register with 50,000 risks
    /// gets thousands of findings, each finding its risk by index.
    elements: Vec<usize>,
}

impl<'t> Locator<'t> {
    pub fn new(text: &'t str) -> Locator<'t> {
        let mut scanner = Scanner {
            bytes: text.as_bytes(),
            pos: 0,
            nodes: Vec::new(),
            elements: Vec::new(),
            pending: Vec::new(),
        };
        scanner.skip_ws();
        let start = scanner.pos;
        let _ = scanner.value(None, 0, usize::MAX, start, 0);
        Locator {
            text,
            nodes: scanner.nodes,
            elements: scanner.elements,
        }
    }

    /// The index of the node at `path` (`""` is the root); the first one when a key repeats.
    fn find(&self, path: &str) -> Option<usize> {
        self.nodes.first()?;
        if path.is_empty() {
            return Some(0);
        }
        path.split('/')
            .try_fold(0, |at, segment| self.child(at, segment))
    }

    fn child(&self, parent: usize, segment: &str) -> Option<usize> {
        let node = &self.nodes[parent];
        if let Some((first, count)) = node.elements {
            let i: usize = segment.parse().ok()?;
            return (i < count).then(|| self.elements[first + i]);
        }
        let mut at = parent + 1;
        while at < node.after.min(self.nodes.len()) {
            let child = &self.nodes[at];
            if child
                .key
                .is_some_and(|(s, e)| self.text.as_bytes()[s..e] == *segment.as_bytes())
            {
                return Some(at);
            }
            at = child.after;
        }
        None
    }

    /// The path of a node, spelled out: `risks/3/runbook`.
    fn path_of(&self, mut at: usize) -> String {
        let mut segments = Vec::new();
        while at != 0 && at < self.nodes.len() {
            let node = &self.nodes[at];
            segments.push(match node.key {
                Some((s, e)) => String::from_utf8_lossy(&self.text.as_bytes()[s..e]).into_owned(),
                None => node.index.to_string(),
            });
            at = node.parent;
        }
        segments.reverse();
        segments.join("/")
    }

    /// Byte offset of the value at `path` (`""` is the root, `risks/2/title` a field).
    pub fn value_offset(&self, path: &str) -> Option<usize> {
        self.find(path).map(|i| self.nodes[i].start)
    }

    /// Byte offset of the key of the value at `path`, or of the value for array elements.
    pub fn key_offset(&self, path: &str) -> Option<usize> {
        self.find(path).map(|i| self.nodes[i].key_start)
    }

    /// The path of a string value equal to `value`, at or below `prefix`.
    pub fn find_string_within(&self, prefix: &str, value: &str) -> Option<String> {
        if value.is_empty() {
            return None;
        }
        let quoted = format!("\"{value}\"");
        let top = self.find(prefix)?;
        let end = self.nodes[top].after.min(self.nodes.len());
        (top..end)
            .find(|&i| self.text.get(self.nodes[i].start..self.nodes[i].end) == Some(&quoted))
            .map(|i| self.path_of(i))
    }

    /// The path of the innermost value whose key or value spans `offset` (ends included).
    pub fn path_at(&self, offset: usize) -> Option<String> {
        // Document order puts an inner node after its ancestors: the last match is innermost.
        self.nodes
            .iter()
            .rposition(|n| n.key_start <= offset && offset <= n.end)
            .map(|i| self.path_of(i))
    }
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    nodes: Vec<Node>,
    elements: Vec<usize>,
    /// Elements of the arrays being scanned, innermost last; moved to `elements` when an array
    /// ends, so an array's elements lie in one run.
    pending: Vec<usize>,
}

/// Scanning stops at the first syntax error; the nodes recorded so far stay.
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

    /// Scans one value: `key` is its key's range (`None` in an array, where `index` is its
    /// place), `key_start` where its key (or it) starts.
    fn value(
        &mut self,
        key: Option<(usize, usize)>,
        index: usize,
        parent: usize,
        key_start: usize,
        depth: usize,
    ) -> Result<(), Stop> {
        if depth > MAX_DEPTH {
            return Err(Stop);
        }
        let start = self.pos;
        let me = self.nodes.len();
        self.nodes.push(Node {
            key_start,
            start,
            end: start,
            key,
            index,
            parent,
            after: usize::MAX,
            elements: None,
        });
        let result = match self.peek() {
            Some(b'{') => self.object(me, depth),
            Some(b'[') => self.array(me, depth),
            Some(b'"') => self.string().map(|_| ()),
            Some(_) => {
                self.scalar();
                Ok(())
            }
            None => Err(Stop),
        };
        let after = self.nodes.len();
        let node = &mut self.nodes[me];
        node.end = self.pos;
        if result.is_ok() {
            node.after = after;
        }
        result
    }

    fn object(&mut self, me: usize, depth: usize) -> Result<(), Stop> {
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
            self.value(Some(key), 0, me, key_start, depth + 1)?;
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

    fn array(&mut self, me: usize, depth: usize) -> Result<(), Stop> {
        let mark = self.pending.len();
        let result = self.elements_of(me, depth);
        // Recorded even after a syntax error: the valid prefix stays findable.
        let first = self.elements.len();
        self.elements.extend(self.pending.drain(mark..));
        self.nodes[me].elements = Some((first, self.elements.len() - first));
        result
    }

    fn elements_of(&mut self, me: usize, depth: usize) -> Result<(), Stop> {
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
            self.pending.push(self.nodes.len());
            self.value(None, index, me, start, depth + 1)?;
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

    /// A string's raw content range, between its quotes (escapes left as written: keys in a
    /// register need none).
    fn string(&mut self) -> Result<(usize, usize), Stop> {
        self.eat(b'"')?;
        let start = self.pos;
        loop {
            let rest = self.bytes.get(self.pos..).unwrap_or_default();
            let Some(i) = memchr::memchr2(b'"', b'\\', rest) else {
                self.pos = self.bytes.len();
                return Err(Stop);
            };
            self.pos += i;
            if self.bytes[self.pos] == b'"' {
                self.pos += 1;
                return Ok((start, self.pos - 1));
            }
            self.pos += 2;
        }
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
        assert_eq!(loc.path_at(offset).as_deref(), Some("risks/0/id"));
        let key = TEXT.find("\"id\"").unwrap();
        assert_eq!(loc.path_at(key).as_deref(), Some("risks/0/id"));
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
