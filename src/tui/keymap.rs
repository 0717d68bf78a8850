//! Keys to actions: the default keymap is `assets/keymap.json`, embedded in the binary; a user file
//! (`keymap.json` in the platform config directory) overrides bindings. Help is drawn from this
//! same table, so it cannot go stale.

use crate::action::Action;
use anyhow::{Context as _, Result, bail};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.json");

/// Where a binding applies. `Global` is consulted after the specific context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Context {
    Global,
    Register,
    Runbook,
    Timeline,
    HeatMap,
    Finder,
    Command,
    Editor,
    Popup,
    Hints,
    Confirm,
    Unsaved,
    Conflict,
    Recovery,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere (except while typing)",
            Context::Register => "Register",
            Context::Runbook => "Runbook viewer",
            Context::Timeline => "Game day / incident",
            Context::HeatMap => "Heat map",
            Context::Finder => "Finder (type to search; editing keys as below)",
            Context::Command => "Command line (`:` then a command; editing keys as below)",
            Context::Editor => "Editing a field (type to insert text)",
            Context::Popup => "Popups (help, findings)",
            Context::Hints => "Copy labels (type a label's letter to copy it)",
            Context::Confirm => "Confirmation",
            Context::Unsaved => "Quit with unsaved changes",
            Context::Conflict => "File changed on disk",
            Context::Recovery => "Unsaved edits from a previous session",
        }
    }

    /// Where a key not bound here is looked up next. While typing, global keys (`q`, `?`) are
    /// text, not commands.
    fn fallbacks(self) -> &'static [Context] {
        match self {
            Context::Editor => &[],
            Context::Finder | Context::Command => &[Context::Editor],
            Context::Confirm
            | Context::Unsaved
            | Context::Conflict
            | Context::Recovery
            | Context::Hints => &[],
            _ => &[Context::Global],
        }
    }
}

/// A key with its modifiers, as written in the keymap: `q`, `G`, `ctrl-p`, `alt-left`, `enter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    /// The key as the keymap names it, from a terminal event. Shift is part of a character
    /// (`G`), not a modifier of it.
    pub fn from_event(event: KeyEvent) -> Key {
        let mut modifiers =
            event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match event.code {
            KeyCode::Char(c) => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c)
            }
            KeyCode::BackTab => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Key { code, modifiers }
    }

    pub fn parse(text: &str) -> Result<Key> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                modifiers |= KeyModifiers::CONTROL;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                modifiers |= KeyModifiers::ALT;
                rest = r;
            } else if let Some(r) = rest
                .strip_prefix("shift-")
                .filter(|r| r.chars().count() > 1)
            {
                modifiers |= KeyModifiers::SHIFT;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "delete" => KeyCode::Delete,
            "insert" => KeyCode::Insert,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "space" => KeyCode::Char(' '),
            f if f.len() > 1 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().unwrap_or(' ')),
            _ => bail!("unknown key `{text}`"),
        };
        Ok(Key { code, modifiers })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Insert => f.write_str("Ins"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            _ => f.write_str("?"),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BindingFile {
    keys: Vec<String>,
    action: Action,
}

/// One action and the keys bound to it in one context, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub keys: Vec<Key>,
    pub action: Action,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    contexts: BTreeMap<Context, Vec<Binding>>,
}

impl Keymap {
    /// The embedded default keymap.
    pub fn default_keymap() -> Keymap {
        // The embedded keymap is checked by a test; an error here is a build mistake.
        Keymap::parse(DEFAULT_KEYMAP).unwrap_or(Keymap {
            contexts: BTreeMap::new(),
        })
    }

    pub fn parse(text: &str) -> Result<Keymap> {
        let raw: BTreeMap<Context, Vec<BindingFile>> = serde_json::from_str(text)?;
        let mut contexts = BTreeMap::new();
        for (context, bindings) in raw {
            let mut parsed = Vec::new();
            for b in bindings {
                let keys = b
                    .keys
                    .iter()
                    .map(|k| Key::parse(k))
                    .collect::<Result<Vec<_>>>()?;
                parsed.push(Binding {
                    keys,
                    action: b.action,
                });
            }
            contexts.insert(context, parsed);
        }
        Ok(Keymap { contexts })
    }

    /// The default keymap with the user's file laid over it: a key the user binds is taken from
    /// whatever it did before. A missing file is no error.
    pub fn with_overrides(path: &Path) -> Result<Keymap> {
        let mut keymap = Keymap::default_keymap();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(keymap),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot read {}", crate::sanitize::QuotedPath(path)));
            }
        };
        let user = Keymap::parse(&text)
            .with_context(|| format!("in {}", crate::sanitize::QuotedPath(path)))?;
        for (context, bindings) in user.contexts {
            let list = keymap.contexts.entry(context).or_default();
            for binding in bindings {
                for existing in list.iter_mut() {
                    existing.keys.retain(|k| !binding.keys.contains(k));
                }
                list.push(binding);
            }
            list.retain(|b| !b.keys.is_empty());
        }
        Ok(keymap)
    }

    /// The action for a key in a context, falling back to the global bindings.
    pub fn action(&self, context: Context, key: Key) -> Option<Action> {
        let find = |ctx: Context| {
            self.contexts
                .get(&ctx)?
                .iter()
                .find(|b| b.keys.contains(&key))
                .map(|b| b.action)
        };
        find(context).or_else(|| context.fallbacks().iter().find_map(|c| find(*c)))
    }

    /// The bindings of each context, for the help screen.
    pub fn contexts(&self) -> impl Iterator<Item = (Context, &[Binding])> {
        self.contexts.iter().map(|(c, b)| (*c, b.as_slice()))
    }

    /// The first key bound to `action` in `context` or its fallbacks, for hints.
    pub fn key_for(&self, context: Context, action: Action) -> Option<Key> {
        std::iter::once(context)
            .chain(context.fallbacks().iter().copied())
            .find_map(|ctx| {
                self.contexts
                    .get(&ctx)?
                    .iter()
                    .find(|b| b.action == action)
                    .and_then(|b| b.keys.first().copied())
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEventKind;

    #[test]
    fn default_keymap_parses() {
        Keymap::parse(DEFAULT_KEYMAP).unwrap();
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        let keymap = Keymap::parse(DEFAULT_KEYMAP).unwrap();
        for (context, bindings) in &keymap.contexts {
            let mut seen: Vec<(&Key, Action)> = Vec::new();
            for b in bindings {
                for key in &b.keys {
                    if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
                        panic!(
                            "{context:?}: {key} is bound to {first:?} and to {:?}",
                            b.action
                        );
                    }
                    seen.push((key, b.action));
                }
            }
        }
    }

    #[test]
    fn every_action_is_bound_and_described() {
        let keymap = Keymap::default_keymap();
        for &action in Action::ALL {
            let bound = keymap
                .contexts()
                .any(|(_, bindings)| bindings.iter().any(|b| b.action == action));
            assert!(bound, "{action:?} has no key in assets/keymap.json");
            assert!(!action.describe().is_empty());
        }
    }

    #[test]
    fn keys_parse_and_print() {
        assert_eq!(Key::parse("ctrl-p").unwrap().to_string(), "Ctrl-p");
        assert_eq!(Key::parse("G").unwrap().to_string(), "G");
        assert_eq!(Key::parse("pagedown").unwrap().to_string(), "PgDn");
        assert!(Key::parse("hyper-x").is_err());
    }

    #[test]
    fn shifted_characters_match_their_letter() {
        let event = KeyEvent {
            code: KeyCode::Char('G'),
            modifiers: KeyModifiers::SHIFT,
            kind: KeyEventKind::Press,
            state: ratatui::crossterm::event::KeyEventState::NONE,
        };
        let keymap = Keymap::default_keymap();
        assert_eq!(
            keymap.action(Context::Register, Key::from_event(event)),
            Some(Action::Bottom)
        );
    }

    #[test]
    fn user_overrides_take_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keymap.json");
        std::fs::write(&path, r#"{"register": [{"keys": ["j"], "action": "up"}]}"#).unwrap();
        let keymap = Keymap::with_overrides(&path).unwrap();
        let j = Key::parse("j").unwrap();
        assert_eq!(keymap.action(Context::Register, j), Some(Action::Up));
        assert_eq!(
            keymap.action(Context::Register, Key::parse("down").unwrap()),
            Some(Action::Down)
        );
    }
}
