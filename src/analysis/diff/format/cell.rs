//! Register text made safe for markdown (a pull-request comment, a wiki, a report): table
//! cells and inline code that no text from a file can break out of, links kept only to safe
//! targets, mentions that notify nobody.

/// Register text in markdown meant for a pull request, a wiki or a report (table cells, list
/// items, headings): pipes escaped, newlines flattened, HTML neutralised; a link is kept only to
/// an `http(s)`, `mailto` or relative target, an image becomes a link (GitHub would fetch it),
/// every other bracket is text, and `@name` mentions nobody (its `@` is code).
pub fn cell(text: &str) -> String {
    // Control characters and character references are made text once, for the whole
    // document, where `markdown` returns it.
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let (before, from) = rest.split_at(open);
        // An image's `!` is dropped with its link kept: `![x](u)` becomes `[x](u)`.
        match link_at(from) {
            Some((label, dest, len)) if safe_link_target(dest) => {
                let before = before.strip_suffix('!').unwrap_or(before);
                cell_text(before, &mut out);
                out.push('[');
                cell_text(label, &mut out);
                out.push_str("](");
                for c in dest.chars() {
                    match c {
                        ' ' => out.push_str("%20"),
                        '<' => out.push_str("%3C"),
                        '>' => out.push_str("%3E"),
                        '|' => out.push_str("%7C"),
                        '`' => out.push_str("%60"),
                        c if c.is_control() => {}
                        c => out.push(c),
                    }
                }
                out.push(')');
                rest = &from[len..];
            }
            _ => {
                cell_text(before, &mut out);
                out.push_str("\\[");
                rest = &from[1..];
            }
        }
    }
    cell_text(rest, &mut out);
    out
}

/// File text as a markdown code span, safe in a table cell: no link, image or mention is read
/// inside one, so only what would end it is handled: the fence is longer than any run of
/// backticks inside (padded when the text starts or ends with one), pipes are escaped (GitHub
/// splits table cells on them even in code) and newlines flattened.
pub fn code(text: &str) -> String {
    let text = text.replace('\n', " ").replace('|', "\\|");
    let fence = crate::core::text::backtick_fence(&text, 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// `[label](dest)` at the start of `text`, with no bracket in the label and no space or
/// parenthesis in the target: (label, target, length).
fn link_at(text: &str) -> Option<(&str, &str, usize)> {
    let inner = text.strip_prefix('[')?;
    let close = inner.find(']')?;
    let label = &inner[..close];
    if label.contains('[') {
        return None;
    }
    let after = inner[close + 1..].strip_prefix('(')?;
    let end = after.find(')')?;
    let dest = &after[..end];
    if dest.contains(['(', '\n']) {
        return None;
    }
    Some((label, dest, 1 + close + 2 + end + 1))
}

/// Whether a link may lead to `dest` from a document others read: the web, mail, or a path.
fn safe_link_target(dest: &str) -> bool {
    let lower = dest.trim().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
    {
        return true;
    }
    // A relative target has no scheme (`javascript:`, `data:`, `file:`…) before its first `/`.
    let head = lower.split(['/', '?', '#']).next().unwrap_or("");
    !head.contains(':') && !lower.starts_with("//")
}

/// Plain text for `cell`: markdown's active characters escaped, `@name` inert. Backticks stay:
/// messages quote paths in code, and a stray one only shows as itself.
fn cell_text(text: &str, out: &mut String) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '\n' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '@' if chars.peek().is_some_and(|n| n.is_alphanumeric()) => out.push_str("`@`"),
            c => out.push(c),
        }
    }
}
