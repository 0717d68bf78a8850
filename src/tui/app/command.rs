//! The command line (`:`), vim-style and separate from the finder: `:w`, `:q`, `:wq`, `:q!` and
//! named commands, with Tab completion. Typing in the finder never runs a command.

use super::{App, Overlay, View, edit_text};
use crate::action::Action;
use crate::editor::TextInput;
use crate::effects::Effect;

/// The command line's state.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandLine {
    pub input: TextInput,
    pub error: Option<String>,
    /// The candidates Tab offers, and the one in the input (`None`: the common prefix is).
    /// Repeated Tab cycles through them, as vim's wildmenu does; typing ends the cycle.
    pub choices: Option<(Vec<&'static str>, Option<usize>)>,
}

impl CommandLine {
    /// The candidates as one line, the one in the input in brackets: `quit  [q!]  quit!`.
    pub fn choices_line(&self) -> Option<String> {
        let (names, index) = self.choices.as_ref()?;
        let shown: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                if Some(i) == *index {
                    format!("[{n}]")
                } else {
                    (*n).to_owned()
                }
            })
            .collect();
        Some(shown.join("  "))
    }
}

/// Every command: its names (the first is shown), its argument, and what it does.
pub const COMMANDS: [(&[&str], &str, &str); 15] = [
    (&["w", "write"], "", "save every changed file"),
    (
        &["q", "quit"],
        "",
        "quit (asks when there are unsaved changes)",
    ),
    (&["wq", "x"], "", "save, then quit"),
    (&["q!", "quit!"], "", "quit and discard unsaved changes"),
    (&["find"], "[QUERY]", "the finder, with a query"),
    (
        &["filter"],
        "[TEXT]",
        "show only what contains TEXT (no text: all)",
    ),
    (&["new"], "COMPONENT", "add a component"),
    (
        &["sort"],
        "score|file",
        "order risks by score or as in the file",
    ),
    (&["heatmap", "map"], "", "the heat map"),
    (&["findings"], "", "load errors and check findings"),
    (&["undo"], "", "undo the last edit"),
    (&["redo"], "", "redo"),
    (&["help"], "", "every key and command"),
    (
        &["incident"],
        "TITLE",
        "start an incident on the selected risk",
    ),
    (
        &["gameday"],
        "[draw]",
        "start a game day on the selected risk, or a drawn one",
    ),
];

/// Command names starting with `prefix`, in table order.
pub fn completions(prefix: &str) -> Vec<&'static str> {
    COMMANDS
        .iter()
        .flat_map(|(names, _, _)| names.iter().copied())
        .filter(|name| name.starts_with(prefix))
        .collect()
}

impl App {
    pub(super) fn open_command_line(&mut self) {
        self.overlay = Some(Overlay::Command(CommandLine {
            input: TextInput::new("", false),
            error: None,
            choices: None,
        }));
    }

    pub(super) fn update_command_line(
        &mut self,
        mut line: CommandLine,
        action: Action,
    ) -> Option<Overlay> {
        match action {
            Action::EditCancel | Action::Back => None,
            Action::EditCommit | Action::Select => {
                let text = line.input.text().trim().to_owned();
                match self.run_command(&text) {
                    Ok(()) => None,
                    Err(error) => {
                        line.error = Some(error);
                        Some(Overlay::Command(line))
                    }
                }
            }
            Action::Complete => {
                if let Some((names, index)) = line.choices.as_mut() {
                    // Repeated Tab: the next candidate, round again after the last.
                    let next = index.map_or(0, |i| (i + 1) % names.len());
                    *index = Some(next);
                    line.input = TextInput::new(names[next], false);
                    return Some(Overlay::Command(line));
                }
                let text = line.input.text().to_owned();
                if !text.contains(' ') {
                    let options = completions(&text);
                    match options.as_slice() {
                        [] => line.error = Some(format!("no command starts with `{text}`")),
                        [one] => line.input = TextInput::new(&format!("{one} "), false),
                        many => {
                            // Extend to the common prefix and list the choices; when that
                            // adds nothing, the first candidate goes in. Tab again cycles.
                            let common = common_prefix(many);
                            let index = (common.len() <= text.len()).then_some(0);
                            let shown = index.map_or(common.as_str(), |i| many[i]);
                            line.input = TextInput::new(shown, false);
                            line.choices = Some((many.to_vec(), index));
                        }
                    }
                }
                Some(Overlay::Command(line))
            }
            other => {
                edit_text(&mut line.input, other);
                line.error = None;
                line.choices = None;
                Some(Overlay::Command(line))
            }
        }
    }

    /// Runs one command line; the error says why it did nothing.
    // Over 100 lines: to be split (issue 23, Step 12); new code stays under the limit.
    #[allow(clippy::too_many_lines)]
    fn run_command(&mut self, text: &str) -> Result<(), String> {
        let (name, arg) = text
            .split_once(char::is_whitespace)
            .map_or((text, ""), |(n, a)| (n, a.trim()));
        match name {
            "" => Ok(()),
            "w" | "write" => {
                self.update(Action::Save);
                Ok(())
            }
            "q" | "quit" => {
                self.request_quit();
                Ok(())
            }
            "wq" | "x" => {
                if self.read_only || self.unsaved_count() == 0 {
                    self.request_quit();
                } else {
                    self.save(None, true);
                }
                Ok(())
            }
            "q!" | "quit!" => {
                self.effects.push_back(Effect::ClearJournal);
                self.should_quit = true;
                Ok(())
            }
            "find" => {
                self.open_finder();
                self.type_text(arg);
                Ok(())
            }
            "filter" => {
                self.view = View::Register;
                self.set_text_filter((!arg.is_empty()).then(|| arg.to_owned()));
                Ok(())
            }
            "new" => {
                if self.read_only {
                    return Err("read-only: faultline was started with --read-only".into());
                }
                let id = crate::check::suggest_id(arg);
                if id.is_empty() {
                    return Err("new COMPONENT: give the component's id or name".into());
                }
                match self.create_component(&TextInput::new(&id, false)) {
                    Some(Overlay::NewComponent {
                        error: Some(error), ..
                    }) => Err(error),
                    _ => Ok(()),
                }
            }
            "sort" => {
                let file_order = match arg {
                    "score" => false,
                    "file" => true,
                    _ => return Err("sort score|file".into()),
                };
                if self.file_order != file_order {
                    self.update(Action::ToggleOrder);
                }
                Ok(())
            }
            "heatmap" | "map" => {
                self.view = View::HeatMap;
                Ok(())
            }
            "findings" => {
                self.overlay = Some(Overlay::Findings { selected: 0 });
                Ok(())
            }
            "undo" => {
                self.update(Action::Undo);
                Ok(())
            }
            "redo" => {
                self.update(Action::Redo);
                Ok(())
            }
            "incident" | "gameday" => {
                let kind = if name == "incident" {
                    crate::model::timeline::TimelineKind::Incident
                } else {
                    crate::model::timeline::TimelineKind::Gameday
                };
                let draw = kind == crate::model::timeline::TimelineKind::Gameday && arg == "draw";
                let risk = self.selected_risk_id().and_then(|id| {
                    Some(format!(
                        "{}/{id}",
                        self.selected_file()?.register()?.component
                    ))
                });
                if kind == crate::model::timeline::TimelineKind::Incident && arg.is_empty() {
                    return Err("incident TITLE: say what is happening".into());
                }
                if !draw && risk.is_none() && kind == crate::model::timeline::TimelineKind::Gameday
                {
                    return Err("select the risk to rehearse first, or :gameday draw".into());
                }
                self.start_timeline(
                    kind,
                    (!draw
                        && !arg.is_empty()
                        && kind == crate::model::timeline::TimelineKind::Incident)
                        .then(|| arg.to_owned()),
                    if draw { None } else { risk },
                );
                Ok(())
            }
            "help" => {
                self.overlay = Some(Overlay::Help {
                    scroll: 0,
                    from: crate::keymap::Context::Register,
                });
                Ok(())
            }
            other => {
                let close = completions(other.get(..1).unwrap_or(""));
                let hint = if close.is_empty() {
                    String::new()
                } else {
                    format!(" (Tab completes; e.g. {})", close.join(", "))
                };
                Err(format!("unknown command `{other}`{hint}"))
            }
        }
    }
}

fn common_prefix(words: &[&str]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut len = first.len();
    for word in words {
        len = len.min(
            first
                .bytes()
                .zip(word.bytes())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    first[..len].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_lists_commands_by_prefix() {
        assert_eq!(completions("wq"), ["wq"]);
        assert_eq!(completions("f"), ["find", "filter", "findings"]);
        assert_eq!(common_prefix(&["find", "filter", "findings"]), "fi");
    }
}
