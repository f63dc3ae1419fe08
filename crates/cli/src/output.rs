//! The one place that prints a command's result. A command returns an [`Output`] (the JSON for
//! `--json` and the text for people, both built from the same data) instead of branching on
//! `--json` itself, so the two forms cannot drift apart and the commands stay free of printing.

use crate::Failure;
use serde::Serialize;

/// What a command prints: on stdout its JSON (with `--json`) or its text, on stderr the notes
/// beside the text; and, for a command that fails after it has said what it did, that failure.
#[derive(Default)]
pub struct Output {
    /// Printed as is with `--json`; `None` prints nothing there.
    json: Option<String>,
    /// Printed as is without `--json`.
    text: String,
    /// Printed to stderr without `--json`: warnings and skipped lines beside the text.
    notes: String,
    /// Returned after printing: the command did part of its work and says so before failing.
    failure: Option<Failure>,
}

/// A command's result: what to print, or a failure with nothing to print.
pub type Outcome = Result<Output, Failure>;

impl Output {
    /// `data` as pretty JSON with `--json`, `text` (ending in a newline where one is wanted)
    /// otherwise.
    pub fn new(data: &impl Serialize, text: impl Into<String>) -> Output {
        Output {
            json: Some(json_text(data)),
            text: text.into(),
            ..Output::default()
        }
    }

    /// `data` as JSON, and one line of text.
    pub fn line(data: &impl Serialize, line: impl std::fmt::Display) -> Output {
        Output::new(data, format!("{line}\n"))
    }

    /// A command that did one thing: `{"<what>": value}` as JSON (`{"deleted": 7}`), and one
    /// line of text.
    pub fn done(what: &str, value: impl Serialize, line: impl std::fmt::Display) -> Output {
        Output::line(&serde_json::json!({ what: value }), line)
    }

    /// `data` as JSON, and the text built from each item, one line each.
    pub fn list<T: Serialize>(items: &[T], line: impl Fn(&T) -> String) -> Output {
        Output::new(&items, lines(items.iter().map(line)))
    }

    /// Only JSON; people see nothing (the command said what it did by succeeding).
    pub fn json_only(data: &impl Serialize) -> Output {
        Output {
            json: Some(json_text(data)),
            ..Output::default()
        }
    }

    /// Only text: the JSON form prints nothing (a command whose output is the file's content
    /// prints that with or without `--json`, see [`Output::raw`]).
    pub fn text_only(text: impl Into<String>) -> Output {
        Output {
            text: text.into(),
            ..Output::default()
        }
    }

    /// The same bytes with and without `--json`: an exported file written to stdout.
    pub fn raw(content: String) -> Output {
        Output {
            json: Some(content.clone()),
            text: content,
            ..Output::default()
        }
    }

    /// Nothing at all: the command wrote a file the user named.
    pub fn nothing() -> Output {
        Output::default()
    }

    /// One more line for stderr beside the text (not printed with `--json`).
    pub fn note(mut self, line: impl std::fmt::Display) -> Output {
        self.notes.push_str(&format!("{line}\n"));
        self
    }

    /// Fails with `failure` once the output is printed.
    pub fn then_fail(mut self, failure: Failure) -> Output {
        self.failure = Some(failure);
        self
    }

    /// What goes to stdout and to stderr in the form asked for.
    fn render(&self, json: bool) -> (&str, &str) {
        if json {
            (self.json.as_deref().unwrap_or(""), "")
        } else {
            (&self.text, &self.notes)
        }
    }

    /// Prints the output in the form asked for and hands back a failure it carries.
    pub fn print(self, json: bool) -> Result<(), Failure> {
        let (stdout, stderr) = self.render(json);
        print!("{stdout}");
        eprint!("{stderr}");
        self.failure.map_or(Ok(()), Err)
    }
}

/// The text of `items`, each on a line of its own.
pub fn lines(items: impl IntoIterator<Item = String>) -> String {
    items.into_iter().map(|l| l + "\n").collect()
}

/// `data` as `--json` prints it: pretty, with a final newline.
fn json_text(data: &impl Serialize) -> String {
    serde_json::to_string_pretty(data).expect("serialisable") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_pretty_with_a_final_newline_and_text_is_as_given() {
        let out = Output::line(&serde_json::json!({ "deleted": 7 }), "deleted #7");
        assert_eq!(out.render(true), ("{\n  \"deleted\": 7\n}\n", ""));
        assert_eq!(out.render(false), ("deleted #7\n", ""));
        let done = Output::done("deleted", 7, "deleted #7");
        assert_eq!(done.render(true), out.render(true));
        assert_eq!(done.render(false), out.render(false));
    }

    #[test]
    fn a_list_is_a_json_array_and_one_line_an_item() {
        let out = Output::list(&[1, 2], |n| format!("#{n}"));
        assert_eq!(out.render(true).0, "[\n  1,\n  2\n]\n");
        assert_eq!(out.render(false).0, "#1\n#2\n");
        let empty = Output::list(&[] as &[i32], |n| format!("#{n}"));
        assert_eq!(empty.render(false).0, "", "an empty list prints nothing");
    }

    #[test]
    fn notes_go_to_stderr_only_beside_the_text() {
        let out = Output::line(&1, "done").note("  line 3: skipped");
        assert_eq!(out.render(false), ("done\n", "  line 3: skipped\n"));
        assert_eq!(out.render(true), ("1\n", ""));
    }

    #[test]
    fn raw_content_is_the_same_in_both_forms_and_nothing_is_nothing() {
        let out = Output::raw("BEGIN:VCARD\r\n".into());
        assert_eq!(out.render(true), out.render(false));
        assert_eq!(Output::nothing().render(true), ("", ""));
        assert_eq!(Output::json_only(&true).render(false), ("", ""));
        assert_eq!(Output::text_only("x\n").render(true), ("", ""));
    }

    #[test]
    fn a_failure_is_returned_after_printing() {
        let out = Output::line(&0, "sent 0").then_fail(Failure::Other("not delivered".into()));
        assert!(matches!(out.print(true), Err(Failure::Other(m)) if m == "not delivered"));
        assert!(Output::nothing().print(false).is_ok());
    }
}
