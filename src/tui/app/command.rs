//! The command line (`:`), vim-style and separate from the finder: `:w`, `:q`, `:wq`, `:q!` and
//! named commands, with Tab completion. Typing in the finder never runs a command.

use super::{App, Overlay, View, edit_text};
use crate::action::Action;
use crate::editor::TextInput;
use crate::effects::Effect;
use crate::model::timeline::TimelineKind;

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

/// One `:` command: its names (the first is shown in help), its argument, what it does, and
/// how (`run` gets the name typed and the argument; its error says why it did nothing).
pub struct Command {
    pub names: &'static [&'static str],
    pub arg: &'static str,
    pub about: &'static str,
    /// Changes the register: left out of help when it is read-only.
    pub edits: bool,
    run: fn(&mut App, &str, &str) -> Result<(), String>,
}

/// Every command, in the order help lists them and Tab offers them.
pub static COMMANDS: [Command; 15] = [
    Command {
        names: &["w", "write"],
        arg: "",
        about: "save every changed file",
        edits: true,
        run: |app, _, _| {
            app.update(Action::Save);
            Ok(())
        },
    },
    Command {
        names: &["q", "quit"],
        arg: "",
        about: "quit (asks when there are unsaved changes)",
        edits: false,
        run: |app, _, _| {
            app.request_quit();
            Ok(())
        },
    },
    Command {
        names: &["wq", "x"],
        arg: "",
        about: "save, then quit",
        edits: true,
        run: |app, _, _| {
            if app.read_only || app.unsaved_count() == 0 {
                app.request_quit();
            } else {
                app.save(None, true);
            }
            Ok(())
        },
    },
    Command {
        names: &["q!", "quit!"],
        arg: "",
        about: "quit and discard unsaved changes",
        edits: false,
        run: |app, _, _| {
            app.effects.push_back(Effect::ClearJournal);
            app.should_quit = true;
            Ok(())
        },
    },
    Command {
        names: &["find"],
        arg: "[QUERY]",
        about: "the finder, with a query",
        edits: false,
        run: |app, _, arg| {
            app.open_finder();
            app.type_text(arg);
            Ok(())
        },
    },
    Command {
        names: &["filter"],
        arg: "[TEXT]",
        about: "show only what contains TEXT (no text: all)",
        edits: false,
        run: |app, _, arg| {
            app.view = View::Register;
            app.set_text_filter((!arg.is_empty()).then(|| arg.to_owned()));
            Ok(())
        },
    },
    Command {
        names: &["new"],
        arg: "COMPONENT",
        about: "add a component",
        edits: true,
        run: App::command_new,
    },
    Command {
        names: &["sort"],
        arg: "score|file",
        about: "order risks by score or as in the file",
        edits: false,
        run: |app, _, arg| {
            let file_order = match arg {
                "score" => false,
                "file" => true,
                _ => return Err("sort score|file".into()),
            };
            if app.register.file_order != file_order {
                app.update(Action::ToggleOrder);
            }
            Ok(())
        },
    },
    Command {
        names: &["heatmap", "map"],
        arg: "",
        about: "the heat map",
        edits: false,
        run: |app, _, _| {
            app.view = View::HeatMap;
            Ok(())
        },
    },
    Command {
        names: &["findings"],
        arg: "",
        about: "load errors and check findings",
        edits: false,
        run: |app, _, _| {
            app.overlay = Some(Overlay::Findings { selected: 0 });
            Ok(())
        },
    },
    Command {
        names: &["undo"],
        arg: "",
        about: "undo the last edit",
        edits: true,
        run: |app, _, _| {
            app.update(Action::Undo);
            Ok(())
        },
    },
    Command {
        names: &["redo"],
        arg: "",
        about: "redo",
        edits: true,
        run: |app, _, _| {
            app.update(Action::Redo);
            Ok(())
        },
    },
    Command {
        names: &["help"],
        arg: "",
        about: "every key and command",
        edits: false,
        run: |app, _, _| {
            app.overlay = Some(Overlay::Help {
                scroll: 0,
                from: crate::keymap::Context::Register,
            });
            Ok(())
        },
    },
    Command {
        names: &["incident"],
        arg: "TITLE",
        about: "start an incident on the selected risk",
        edits: false,
        run: |app, _, arg| app.command_timeline(TimelineKind::Incident, arg),
    },
    Command {
        names: &["gameday"],
        arg: "[draw]",
        about: "start a game day on the selected risk, or a drawn one",
        edits: false,
        run: |app, _, arg| app.command_timeline(TimelineKind::Gameday, arg),
    },
];

/// Command names starting with `prefix`, in table order.
pub fn completions(prefix: &str) -> Vec<&'static str> {
    COMMANDS
        .iter()
        .flat_map(|c| c.names.iter().copied())
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
    fn run_command(&mut self, text: &str) -> Result<(), String> {
        let (name, arg) = text
            .split_once(char::is_whitespace)
            .map_or((text, ""), |(n, a)| (n, a.trim()));
        if name.is_empty() {
            return Ok(());
        }
        match COMMANDS.iter().find(|c| c.names.contains(&name)) {
            Some(command) => (command.run)(self, name, arg),
            None => {
                let close = completions(name.get(..1).unwrap_or(""));
                let hint = if close.is_empty() {
                    String::new()
                } else {
                    format!(" (Tab completes; e.g. {})", close.join(", "))
                };
                Err(format!("unknown command `{name}`{hint}"))
            }
        }
    }

    /// `:new COMPONENT`.
    fn command_new(&mut self, _: &str, arg: &str) -> Result<(), String> {
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

    /// `:incident TITLE`, `:gameday [draw]`: on the selected risk, or (game days) a drawn one.
    fn command_timeline(&mut self, kind: TimelineKind, arg: &str) -> Result<(), String> {
        let draw = kind == TimelineKind::Gameday && arg == "draw";
        let risk = self.selected_risk_id().and_then(|id| {
            Some(format!(
                "{}/{id}",
                self.selected_file()?.register()?.component
            ))
        });
        if kind == TimelineKind::Incident && arg.is_empty() {
            return Err("incident TITLE: say what is happening".into());
        }
        if !draw && risk.is_none() && kind == TimelineKind::Gameday {
            return Err("select the risk to rehearse first, or :gameday draw".into());
        }
        self.start_timeline(
            kind,
            (!draw && !arg.is_empty() && kind == TimelineKind::Incident).then(|| arg.to_owned()),
            if draw { None } else { risk },
        );
        Ok(())
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
