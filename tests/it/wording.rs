//! The core's messages are read by CLI users and by app users alike, so they name no CLI flag, no
//! `arcwell` command and no button or screen (ARCHITECTURE *Errors*). The CLI (`advice.rs`) and
//! the UI (`lib/errors.ts`) add their own advice from the error's code. This reads every string
//! literal the core's library code holds, outside comments and test modules.

use std::path::Path;

/// What only one caller understands.
const SURFACE_WORDS: &[&str] =
    &["`arcwell ", "arcwell init", "button", "click", "first-run screen", "under Templates", "under Settings"];

fn has_flag(s: &str) -> bool {
    s.match_indices("--").any(|(i, _)| s[i + 2..].starts_with(|c: char| c.is_ascii_lowercase()))
}

/// The string literals on one line of Rust (plain `"…"` ones; raw strings hold SQL and HTML here).
fn literals(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find('"') {
        let body = &rest[start + 1..];
        let mut end = None;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let Some(end) = end else { break };
        out.push(&body[..end]);
        rest = &body[end + 1..];
    }
    out
}

fn problems_in(path: &Path, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("#[cfg(test)]") {
            break;
        }
        if code.starts_with("//") {
            continue;
        }
        for lit in literals(line) {
            if has_flag(lit) || SURFACE_WORDS.iter().any(|w| lit.contains(w)) {
                found.push(format!("{}:{}: {lit:?}", path.display(), n + 1));
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            // The CLI's own messages may name its flags.
            if path.ends_with("bin") {
                continue;
            }
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn core_messages_name_no_flag_command_or_button() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 50, "the core's files were found: {}", files.len());
    let problems: Vec<String> = files
        .iter()
        .flat_map(|f| problems_in(f.strip_prefix(root).unwrap(), &std::fs::read_to_string(f).unwrap()))
        .collect();
    assert!(problems.is_empty(), "core messages that only one caller understands:\n{}", problems.join("\n"));
}

#[test]
fn the_check_sees_what_it_looks_for() {
    let bad = "fn f() {\n    Err(Error::invalid(\"needs a reason; add one with --reason\"))\n}\n";
    assert_eq!(problems_in(Path::new("x.rs"), bad).len(), 1);
    let escaped = "let m = \"a \\\"quoted\\\" name; see `arcwell pack on x`\";";
    assert_eq!(problems_in(Path::new("x.rs"), escaped).len(), 1, "past an escaped quote");
    let fine = "// add one with --reason\nlet m = \"a range 1--5 and a → b\";\n#[cfg(test)]\nlet t = \"--json\";";
    assert!(problems_in(Path::new("x.rs"), fine).is_empty(), "comments, digits and test modules are not messages");
}
