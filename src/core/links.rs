//! Links and paths as the register writes them: a runbook link's path joined and normalised
//! inside the workspace, whether a link is a web address, and the order of paths in listings.

use std::path::Path;

/// `scheme:` at the start, as in `https://` or `mailto:`.
pub fn has_scheme(link: &str) -> bool {
    link.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    })
}

/// Joins `dir` and a relative `link` into a workspace-relative path, resolving `.` and `..`
/// lexically. `None` when it is absolute or climbs above the workspace root.
pub fn normalize(dir: &str, link: &str) -> Option<String> {
    if link.starts_with('/')
        || link.starts_with('\\')
        || link.get(1..2) == Some(":")
        || has_scheme(link)
    {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in link.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The order of `Path`s (component by component), found faster by comparing bytes with `/`
/// lowest: a `Path` comparison splits both into components first.
pub fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    fn bytes(path: &Path) -> impl Iterator<Item = u8> + '_ {
        path.as_os_str()
            .as_encoded_bytes()
            .iter()
            .map(|&b| if b == b'/' { 0 } else { b })
    }
    if a.as_os_str() == b.as_os_str() {
        std::cmp::Ordering::Equal
    } else {
        bytes(a).cmp(bytes(b))
    }
}
