//! The core's shape, kept by a test (ARCHITECTURE.md *Layers*): every file under `src/` imports
//! only from its own top-level module or from a layer below it, and no two files import each other
//! through a loop. It reads the `crate::` and `super::` paths of the source itself, so a new import
//! that breaks the shape fails here with the file and the line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first. A module may import from its own top-level module and from any
/// module in a lower layer; never from a sibling in its own layer or from above.
const LAYERS: &[(&str, &[&str])] = &[
    ("errors, and figures with their uncertainty (numbers only)", &["error", "stats"]),
    ("key material: the database key, passphrases, the key file", &["key"]),
    ("the OS keychain", &["keychain"]),
    ("store: the encrypted file, migrations, the write path and its audit trail, locks", &["store"]),
    ("domain: profile, participants, arcs, sessions, time", &["domain"]),
    ("areas that stand alone", &["measures", "documents", "backup", "security", "search"]),
    ("the integration engine (plans, check-ins, milestones, alerts; reads measures, notes)", &["integration"]),
    ("areas over the engine", &["reminders", "export", "retention"]),
    ("the participant's side: check-in packets and their replies", &["packet"]),
    ("retreats: group dosing days, the retreat view and its exports", &["retreat"]),
    ("practice: steps that span areas, opening a practice", &["practice"]),
    ("whole practices made up for demos and benchmarks", &["demo", "synthetic"]),
];

/// One source file of the core: its module path (`store::rekey`; `store` for `store/mod.rs`).
struct Source {
    module: Vec<String>,
    path: PathBuf,
    text: String,
}

fn sources(dir: &Path, module: &[String], out: &mut Vec<Source>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if module.is_empty() && name == "bin" {
                continue; // the CLI is an edge, like the app: it may use every layer
            }
            let mut m = module.to_vec();
            m.push(name);
            sources(&path, &m, out);
        } else if let Some(stem) = name.strip_suffix(".rs") {
            let mut m = module.to_vec();
            if stem != "mod" && stem != "lib" {
                m.push(stem.to_owned());
            }
            out.push(Source { module: m, text: std::fs::read_to_string(&path).unwrap(), path });
        }
    }
}

/// The code a build outside tests sees: comment lines and a trailing `mod tests` are dropped
/// (tests may reach anywhere to set a case up).
fn code_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((i, line)) = lines.next() {
        let t = line.trim_start();
        if t == "#[cfg(test)]" && lines.peek().is_some_and(|(_, l)| l.trim_start().starts_with("mod tests")) {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push((i + 1, line.to_owned()));
    }
    out
}

/// Every path a use tree names: `a::{b, c::{d, e}}` gives `a::b`, `a::c::d`, `a::c::e`.
fn use_tree(s: &str) -> (Vec<Vec<String>>, usize) {
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut prefix = Vec::new();
    let mut paths = Vec::new();
    loop {
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        if i > start {
            prefix.push(s[start..i].to_owned());
        }
        if s[i..].starts_with("::{") {
            i += 3;
            loop {
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i >= bytes.len() || bytes[i] == b'}' {
                    i += 1;
                    break;
                }
                let (inner, used) = use_tree(&s[i..]);
                for p in inner {
                    paths.push(prefix.iter().cloned().chain(p).collect());
                }
                i += used;
                while i < bytes.len() && bytes[i] != b',' && bytes[i] != b'}' {
                    i += 1; // ` as alias`
                }
                if i < bytes.len() && bytes[i] == b',' {
                    i += 1;
                }
            }
            return (paths, i);
        }
        if s[i..].starts_with("::") && s[i + 2..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            i += 2;
            continue;
        }
        if prefix.last().is_some_and(|p| p == "self") {
            prefix.pop(); // `a::{self, b}`: `a` itself
        }
        paths.push(prefix);
        return (paths, i);
    }
}

/// Every `crate::` and `super::` path in a file, made absolute, with its line.
fn references(src: &Source, text: &str) -> Vec<(usize, Vec<String>)> {
    // `super` is the module above this one (for `a/mod.rs` and `a/b.rs` alike: `a` is the module).
    let parent: Vec<String> = src.module[..src.module.len().saturating_sub(1)].to_vec();
    let mut out = Vec::new();
    let lines = code_lines(text);
    // Join the lines so a use tree spread over several is read whole; keep where each line starts.
    let mut joined = String::new();
    let mut starts = Vec::new();
    for (n, l) in &lines {
        starts.push((joined.len(), *n));
        joined.push_str(l);
        joined.push('\n');
    }
    let line_of = |at: usize| starts.iter().rev().find(|(s, _)| *s <= at).map_or(0, |(_, n)| *n);
    for (needle, base) in [("crate::", Vec::new()), ("super::", parent)] {
        let mut from = 0;
        while let Some(found) = joined[from..].find(needle) {
            let at = from + found;
            from = at + needle.len();
            let before = joined[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                continue; // `$crate::`, `super::super::` (read from its first `super`)
            }
            // Read `crate::{a, b}` as the tree `_::{a, b}`, then drop the `_`.
            let (paths, _) = use_tree(&format!("_::{}", &joined[at + needle.len()..]));
            for p in paths {
                let abs: Vec<String> = base.iter().cloned().chain(p.into_iter().skip(1)).collect();
                out.push((line_of(at), abs));
            }
        }
    }
    out
}

/// The module a path lands in: its longest prefix that is a file, after the crate root's
/// re-exports (`crate::Practice` is `store`).
fn resolve(
    path: &[String],
    modules: &BTreeSet<Vec<String>>,
    reexports: &BTreeMap<String, Vec<String>>,
) -> Option<Vec<String>> {
    let path: Vec<String> = match path.first().and_then(|first| reexports.get(first)) {
        Some(target) => target.iter().cloned().chain(path[1..].iter().cloned()).collect(),
        None => path.to_vec(),
    };
    (1..=path.len()).rev().map(|n| path[..n].to_vec()).find(|p| modules.contains(p))
}

fn layer_of(top: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, members)| members.contains(&top))
}

#[test]
fn each_module_imports_only_from_its_own_area_or_a_layer_below() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    sources(&root, &[], &mut all);
    let modules: BTreeSet<Vec<String>> = all.iter().map(|s| s.module.clone()).collect();
    // `pub use store::{KeySource, Practice};` in lib.rs: names the root re-exports, and from where.
    let lib = all.iter().find(|s| s.module.is_empty()).unwrap();
    let mut reexports = BTreeMap::new();
    for (_, line) in code_lines(&lib.text) {
        if let Some(rest) = line.trim().strip_prefix("pub use ") {
            for p in use_tree(rest.trim_end_matches(';')).0 {
                if let Some((name, module)) = p.split_last() {
                    reexports.insert(name.clone(), module.to_vec());
                }
            }
        }
    }

    let mut wrong = Vec::new();
    let mut edges: Graph = BTreeMap::new();
    for src in all.iter().filter(|s| !s.module.is_empty()) {
        let top = &src.module[0];
        let Some(own) = layer_of(top) else {
            wrong.push(format!(
                "src/{top}: a module no layer names; add it to LAYERS in tests/it/layers.rs and ARCHITECTURE.md"
            ));
            continue;
        };
        for (line, path) in references(src, &src.text) {
            let Some(target) = resolve(&path, &modules, &reexports) else { continue };
            if target.is_empty() || target == src.module || src.module.starts_with(&target) {
                continue; // the crate root's re-exports, itself, or a module it sits inside
            }
            let file = src.path.strip_prefix(root.parent().unwrap()).unwrap().display().to_string();
            let at = format!("{file}:{line} uses crate::{}", path.join("::"));
            if &target[0] != top {
                match layer_of(&target[0]) {
                    Some(l) if l < own => {}
                    Some(l) if l == own => wrong.push(format!("{at}: a sibling in the layer \"{}\"", LAYERS[own].0)),
                    Some(l) => wrong.push(format!("{at}: from the layer above, \"{}\"", LAYERS[l].0)),
                    None => {}
                }
            }
            edges.entry(src.module.clone()).or_default().entry(target).or_insert((line, at));
        }
    }

    // No loop between files, whatever their layers: a module and a module it contains may use
    // each other (a parent owns its children), any other pair may not.
    for ring in loops(&edges) {
        let mut hops = Vec::new();
        for a in &ring {
            hops.extend(ring.iter().filter_map(|b| edges.get(a).and_then(|e| e.get(b))).map(|(_, at)| at.clone()));
        }
        wrong.push(format!("an import loop among {} files:\n    {}", ring.len(), hops.join("\n    ")));
    }
    assert!(wrong.is_empty(), "the core's layers are broken ({} problems):\n{}", wrong.len(), wrong.join("\n"));
    // The reader must see the real imports: a file known to use the store is found doing so.
    let rekey = edges.get(&vec!["store".to_owned(), "rekey".to_owned()]).expect("store/rekey.rs imports something");
    assert!(rekey.contains_key(&vec!["key".to_owned()]), "store/rekey.rs uses crate::key: {rekey:?}");
}

type Graph = BTreeMap<Vec<String>, BTreeMap<Vec<String>, (usize, String)>>;

/// The strongly connected groups of more than one module (Tarjan's algorithm).
fn loops(edges: &Graph) -> Vec<Vec<Vec<String>>> {
    struct Walk<'g> {
        edges: &'g Graph,
        index: BTreeMap<&'g Vec<String>, (usize, usize)>,
        stack: Vec<&'g Vec<String>>,
        found: Vec<Vec<Vec<String>>>,
    }
    fn visit<'g>(w: &mut Walk<'g>, v: &'g Vec<String>) {
        let n = w.index.len();
        w.index.insert(v, (n, n));
        w.stack.push(v);
        for next in w.edges.get(v).into_iter().flat_map(|e| e.keys()) {
            if !w.index.contains_key(next) {
                visit(w, next);
                let low = w.index[next].1.min(w.index[v].1);
                w.index.get_mut(v).unwrap().1 = low;
            } else if w.stack.contains(&next) {
                let low = w.index[next].0.min(w.index[v].1);
                w.index.get_mut(v).unwrap().1 = low;
            }
        }
        if w.index[v].0 == w.index[v].1 {
            let at = w.stack.iter().rposition(|m| *m == v).unwrap();
            let group: Vec<Vec<String>> = w.stack.drain(at..).cloned().collect();
            if group.len() > 1 {
                w.found.push(group);
            }
        }
    }
    let mut w = Walk { edges, index: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
    for v in edges.keys() {
        if !w.index.contains_key(v) {
            visit(&mut w, v);
        }
    }
    w.found
}

#[test]
fn use_trees_are_read_whole() {
    let (paths, _) = use_tree("a::{b, c::{d, e as f}, g}");
    let flat: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(flat, ["a::b", "a::c::d", "a::c::e", "a::g"], "every leaf of a nested use tree");
    let (paths, _) = use_tree("domain::time::to_db(now)");
    assert_eq!(paths, [["domain", "time", "to_db"]], "a path in an expression ends at its first non-path character");
}
