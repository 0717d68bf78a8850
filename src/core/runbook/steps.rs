//! A runbook's steps, for the game-day and incident checklist: task-list and numbered items,
//! each under its heading, for the whole runbook or one section of it.

use super::{SlugSet, heading_level, markdown_options, slug};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// One task-list step of a runbook (`- [ ] Promote the reader`) under its heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The heading above it (empty before the first heading) and that heading's anchor.
    pub heading: String,
    pub anchor: String,
    pub text: String,
    /// Ticked in the file itself (`- [x]`).
    pub checked: bool,
    /// The shell command of the first shell block inside the step (`runbook::shell`), which
    /// the incident view can run; none for a block marked no-run.
    pub command: Option<String>,
}

impl Step {
    /// A step under `heading` (whose anchor is `anchor`), its text still to come.
    fn new(heading: &str, anchor: &str, checked: bool) -> Step {
        Step {
            heading: heading.to_owned(),
            anchor: anchor.to_owned(),
            text: String::new(),
            checked,
            command: None,
        }
    }
}

/// Shell blocks inside steps: each step's first one becomes its command (a block after a
/// no-run comment never does).
#[derive(Default)]
struct ShellBlocks {
    /// The block being read: (its step, its language, its text so far).
    current: Option<(usize, String, String)>,
    no_run_next: bool,
    /// The step the block being read makes on its own (outside any step).
    standalone: Option<usize>,
}

impl ShellBlocks {
    /// Whether a block of this kind starting now would be run (a shell block not marked
    /// no-run).
    fn runnable(&self, kind: &pulldown_cmark::CodeBlockKind<'_>) -> bool {
        is_shell_block(kind) && !self.no_run_next
    }

    /// A code block starts inside the step `owner`, if any: outside every step, a runnable
    /// shell block is a step of its own (`new_step` adds it), named by its command.
    fn open(
        &mut self,
        kind: &pulldown_cmark::CodeBlockKind<'_>,
        owner: Option<usize>,
        new_step: impl FnOnce() -> usize,
    ) {
        self.standalone = None;
        let owner = match owner {
            None if self.runnable(kind) => {
                let step = new_step();
                self.standalone = Some(step);
                Some(step)
            }
            owner => owner,
        };
        self.start(kind, owner);
    }

    /// The code block ends.
    fn close(&mut self, all: &mut [Step]) {
        self.end(all);
        if let Some(step) = self.standalone.take() {
            all[step].text = command_text(&all[step]);
        }
    }

    fn start(&mut self, kind: &pulldown_cmark::CodeBlockKind<'_>, step: Option<usize>) {
        // A no-run mark is for the next shell block.
        let runnable = self.runnable(kind);
        if is_shell_block(kind) {
            self.no_run_next = false;
        }
        if let (Some(step), true, pulldown_cmark::CodeBlockKind::Fenced(info)) =
            (step, runnable, kind)
        {
            let lang = info.split_whitespace().next().unwrap_or("").to_owned();
            self.current = Some((step, lang, String::new()));
        }
    }

    /// Text of the block being read; false outside one.
    fn push(&mut self, text: &str) -> bool {
        match self.current.as_mut() {
            Some((_, _, code)) => {
                code.push_str(text);
                true
            }
            None => false,
        }
    }

    fn comment(&mut self, html: &str) {
        if html.contains(super::shell::NO_RUN_MARK) {
            self.no_run_next = true;
        }
    }

    fn end(&mut self, all: &mut [Step]) {
        if let Some((step, lang, code)) = self.current.take()
            && all[step].command.is_none()
        {
            let command = super::shell::command(&lang, &code);
            all[step].command = (!command.trim().is_empty()).then_some(command);
        }
    }
}

/// A fenced block in a shell's language.
fn is_shell_block(kind: &pulldown_cmark::CodeBlockKind<'_>) -> bool {
    matches!(kind, pulldown_cmark::CodeBlockKind::Fenced(info) if super::shell::is_shell(info))
}

/// The steps of a runbook, in order, each with the heading it sits under: task-list items
/// (`- [ ] Promote the reader`) and numbered items (`1. Promote the reader`).
pub fn steps(text: &str) -> Vec<Step> {
    steps_in(text, None)
}

/// The steps of one section: from the heading with `anchor` to the next heading of the same or
/// a higher level (its subsections included). No anchor, or one the runbook lacks: every step.
pub fn steps_in(text: &str, anchor: Option<&str>) -> Vec<Step> {
    /// An item being read: the step it is (its index in `all`), if it is one.
    struct Item {
        index: Option<usize>,
        text: String,
    }
    let mut slugs = SlugSet::default();
    let (mut heading, mut current) = (String::new(), String::new());
    let mut in_heading: Option<(Option<String>, String, u8)> = None;
    // Every heading's level and anchor; each step's heading (an index in `headings`).
    let mut headings: Vec<(u8, String)> = Vec::new();
    let mut step_heading: Vec<Option<usize>> = Vec::new();
    // Whether each open list is numbered; the items open inside them.
    let mut lists: Vec<bool> = Vec::new();
    let mut items: Vec<Item> = Vec::new();
    let mut in_code = false;
    let mut shell = ShellBlocks::default();
    let mut all: Vec<Step> = Vec::new();
    for event in Parser::new_ext(text, markdown_options()) {
        match event {
            Event::Start(Tag::Heading { id, level, .. }) => {
                in_heading = Some((
                    id.map(|s| s.to_string()),
                    String::new(),
                    heading_level(level),
                ));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((id, text, level)) = in_heading.take() {
                    heading = text.trim().to_owned();
                    current = match id {
                        Some(id) => slugs.claim(&id),
                        None => slugs.claim(&slug(&heading)),
                    };
                    headings.push((level, current.clone()));
                }
            }
            Event::Start(Tag::List(start)) => lists.push(start.is_some()),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                let numbered = lists.last().copied().unwrap_or(false);
                let mut item = Item {
                    index: None,
                    text: String::new(),
                };
                if numbered {
                    item.index = Some(all.len());
                    all.push(Step::new(&heading, &current, false));
                    step_heading.push(headings.len().checked_sub(1));
                }
                items.push(item);
            }
            Event::TaskListMarker(checked) => {
                if let Some(item) = items.last_mut() {
                    let index = *item.index.get_or_insert_with(|| {
                        all.push(Step::new(&heading, &current, checked));
                        step_heading.push(headings.len().checked_sub(1));
                        all.len() - 1
                    });
                    all[index].checked = checked;
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                let owner = items.iter().rev().find_map(|i| i.index);
                shell.open(&kind, owner, || {
                    all.push(Step::new(&heading, &current, false));
                    step_heading.push(headings.len().checked_sub(1));
                    all.len() - 1
                });
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                shell.close(&mut all);
            }
            Event::Html(t) | Event::InlineHtml(t) => shell.comment(&t),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text, _)) = in_heading.as_mut() {
                    text.push_str(&t);
                } else if shell.push(&t) {
                } else if !in_code && let Some(item) = items.last_mut() {
                    item.text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(item) = items.last_mut() {
                    item.text.push(' ');
                }
            }
            Event::End(TagEnd::Item) => {
                if let Some(Item {
                    index: Some(index),
                    text,
                }) = items.pop()
                {
                    all[index].text = item_text(&all[index], &text);
                }
            }
            _ => {}
        }
    }
    in_section(all, &step_heading, &headings, anchor)
}

/// An item's step text: its words, or (an item that is only a shell block) its command.
fn item_text(step: &Step, text: &str) -> String {
    match text.trim() {
        "" => command_text(step),
        text => text.to_owned(),
    }
}

/// A step's text when it has none but its command: `$ ` and the command's first line (empty
/// without a command, so the step is left out).
fn command_text(step: &Step) -> String {
    step.command.as_deref().map_or_else(String::new, |command| {
        format!("$ {}", command.lines().next().unwrap_or("").trim())
    })
}

/// The steps (each with its heading's index) of the section under `anchor`, or all of them;
/// steps without text are left out.
fn in_section(
    all: Vec<Step>,
    step_heading: &[Option<usize>],
    headings: &[(u8, String)],
    anchor: Option<&str>,
) -> Vec<Step> {
    let section = anchor.and_then(|anchor| section_range(headings, anchor));
    all.into_iter()
        .zip(step_heading)
        .filter(|(step, at)| {
            !step.text.is_empty()
                && section
                    .as_ref()
                    .is_none_or(|range| at.is_some_and(|h| range.contains(&h)))
        })
        .map(|(step, _)| step)
        .collect()
}

/// The headings of a section, as indices into `headings` (level, anchor): its own heading up to
/// the next heading of the same or a higher level. `None`: no heading has that anchor.
fn section_range(headings: &[(u8, String)], anchor: &str) -> Option<std::ops::Range<usize>> {
    let start = headings.iter().position(|(_, a)| a == anchor)?;
    let level = headings[start].0;
    let end = headings[start + 1..]
        .iter()
        .position(|(l, _)| *l <= level)
        .map_or(headings.len(), |i| start + 1 + i);
    Some(start..end)
}
