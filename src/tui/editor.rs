//! A text field being edited: the text, a cursor, and the usual terminal line-editing motions
//! (word jumps, Home/End, delete word, paste). Multi-line fields accept newlines. Rendering goes
//! through the sanitiser like every other text, so typed or pasted control characters are kept
//! as text but never reach the terminal raw.

use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextInput {
    text: String,
    /// Cursor position as a byte offset on a char boundary.
    cursor: usize,
    pub multiline: bool,
}

impl TextInput {
    pub fn new(text: &str, multiline: bool) -> TextInput {
        TextInput {
            text: text.to_owned(),
            cursor: text.len(),
            multiline,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Inserts typed or pasted text at the cursor. A single-line field turns line breaks into
    /// spaces; CRLF becomes LF.
    pub fn insert(&mut self, text: &str) {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let text = if self.multiline {
            text
        } else {
            text.replace('\n', " ")
        };
        self.text.insert_str(self.cursor, &text);
        self.cursor += text.len();
    }

    pub fn newline(&mut self) {
        if self.multiline {
            self.insert("\n");
        }
    }

    fn prev_boundary(&self, at: usize) -> usize {
        self.text[..at]
            .char_indices()
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    fn next_boundary(&self, at: usize) -> usize {
        self.text[at..]
            .chars()
            .next()
            .map_or(self.text.len(), |c| at + c.len_utf8())
    }

    /// Start of the word before `at` (skipping spaces first), as in readline's Ctrl-W.
    fn word_start(&self, at: usize) -> usize {
        let before = &self.text[..at];
        let trimmed = before.trim_end_matches(|c: char| !c.is_alphanumeric());
        trimmed
            .char_indices()
            .rev()
            .find(|(_, c)| !c.is_alphanumeric())
            .map_or(0, |(i, c)| i + c.len_utf8())
    }

    /// End of the word after `at`.
    fn word_end(&self, at: usize) -> usize {
        let after = &self.text[at..];
        let skip = after.len()
            - after
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .len();
        let rest = &after[skip..];
        let word = rest
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len());
        at + skip + word
    }

    fn line_start(&self) -> usize {
        self.text[..self.cursor].rfind('\n').map_or(0, |i| i + 1)
    }

    fn line_end(&self) -> usize {
        self.text[self.cursor..]
            .find('\n')
            .map_or(self.text.len(), |i| self.cursor + i)
    }

    pub fn left(&mut self) {
        self.cursor = self.prev_boundary(self.cursor);
    }

    pub fn right(&mut self) {
        self.cursor = self.next_boundary(self.cursor);
    }

    pub fn word_left(&mut self) {
        self.cursor = self.word_start(self.cursor);
    }

    pub fn word_right(&mut self) {
        self.cursor = self.word_end(self.cursor);
    }

    pub fn home(&mut self) {
        self.cursor = self.line_start();
    }

    pub fn end(&mut self) {
        self.cursor = self.line_end();
    }

    pub fn backspace(&mut self) {
        let start = self.prev_boundary(self.cursor);
        self.text.replace_range(start..self.cursor, "");
        self.cursor = start;
    }

    pub fn delete(&mut self) {
        let end = self.next_boundary(self.cursor);
        self.text.replace_range(self.cursor..end, "");
    }

    pub fn delete_word_back(&mut self) {
        let start = self.word_start(self.cursor);
        self.text.replace_range(start..self.cursor, "");
        self.cursor = start;
    }

    pub fn delete_to_start(&mut self) {
        let start = self.line_start();
        self.text.replace_range(start..self.cursor, "");
        self.cursor = start;
    }

    pub fn delete_to_end(&mut self) {
        let end = self.line_end();
        self.text.replace_range(self.cursor..end, "");
    }

    /// The cursor's column within its line, in terminal cells (after sanitising).
    pub fn cursor_column(&self) -> usize {
        crate::sanitize::sanitize(&self.text[self.line_start()..self.cursor]).width()
    }

    /// The cursor's line (0-based) in a multi-line value.
    pub fn cursor_line(&self) -> usize {
        self.text[..self.cursor].matches('\n').count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_and_moving() {
        let mut input = TextInput::new("hello world", false);
        input.word_left();
        assert_eq!(input.cursor(), 6);
        input.insert("big ");
        assert_eq!(input.text(), "hello big world");
        input.home();
        input.delete();
        assert_eq!(input.text(), "ello big world");
        input.end();
        input.backspace();
        assert_eq!(input.text(), "ello big worl");
    }

    #[test]
    fn delete_word_and_line_parts() {
        let mut input = TextInput::new("raise the limit", false);
        input.delete_word_back();
        assert_eq!(input.text(), "raise the ");
        input.delete_word_back();
        assert_eq!(input.text(), "raise ");
        input.home();
        input.word_right();
        input.delete_to_end();
        assert_eq!(input.text(), "raise");
        input.delete_to_start();
        assert_eq!(input.text(), "");
    }

    #[test]
    fn unicode_is_moved_over_by_character() {
        let mut input = TextInput::new("café ✓", false);
        input.left();
        input.left();
        input.backspace();
        assert_eq!(input.text(), "caf ✓");
    }

    #[test]
    fn single_line_fields_flatten_pasted_lines() {
        let mut input = TextInput::new("", false);
        input.insert("one\r\ntwo\nthree");
        assert_eq!(input.text(), "one two three");
        let mut multi = TextInput::new("", true);
        multi.insert("one\r\ntwo");
        multi.newline();
        assert_eq!(multi.text(), "one\ntwo\n");
        assert_eq!(multi.cursor_line(), 2);
    }

    #[test]
    fn control_characters_are_kept_but_measured_sanitised() {
        let mut input = TextInput::new("", false);
        input.insert("a\x1b[2J");
        assert_eq!(input.text(), "a\x1b[2J");
        assert_eq!(input.cursor_column(), 5, "a␛[2J is five cells");
    }
}
