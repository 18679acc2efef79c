//! Writes `ui/src/bindings/commands.ts`: every command `lib.rs` registers, with its arguments as
//! the UI names them and what it returns, read from the `#[tauri::command]` functions with `syn`.
//! `backend.ts` types each call with it, so a renamed command, argument or result type fails the
//! UI's type check. The file is written by this test, like ts-rs's bindings; CI fails when the
//! committed file differs (scripts/test.sh, "Generated TypeScript bindings").

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

use syn::punctuated::Punctuated;
use syn::{FnArg, GenericArgument, Item, Pat, PathArguments, ReturnType, Token, Type};

/// One command: its Rust path, its arguments (UI name, TypeScript type) and its result type.
struct Command {
    args: Vec<(String, String)>,
    returns: String,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The paths inside `tauri::generate_handler![…]` in lib.rs.
fn registered() -> Vec<syn::Path> {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    let start = lib.find("generate_handler![").expect("lib.rs registers its commands") + "generate_handler![".len();
    let end = start + lib[start..].find(']').unwrap();
    let list: Punctuated<syn::Path, Token![,]> =
        syn::parse::Parser::parse_str(Punctuated::parse_terminated, &lib[start..end]).unwrap();
    list.into_iter().collect()
}

/// camelCase, as Tauri names a command's arguments for JavaScript.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn generic(args: &PathArguments) -> Vec<&Type> {
    match args {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The TypeScript for a Rust type as serde sends it; custom types are ts-rs bindings by name.
fn ts(ty: &Type, used: &mut BTreeSet<String>) -> String {
    match ty {
        Type::Tuple(t) if t.elems.is_empty() => "null".into(),
        Type::Reference(r) => ts(&r.elem, used),
        Type::Path(p) => {
            let last = p.path.segments.last().unwrap();
            let name = last.ident.to_string();
            let inner = generic(&last.arguments);
            match name.as_str() {
                "String" | "str" | "Uuid" => "string".into(),
                "bool" => "boolean".into(),
                "u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64" | "f64" => "number".into(),
                "Option" => format!("{} | null", ts(inner[0], used)),
                "Vec" => format!("Array<{}>", ts(inner[0], used)),
                "Map" | "HashMap" | "BTreeMap" => format!("Record<string, {}>", value(inner[1], used)),
                "Channel" => format!("Channel<{}>", ts(inner[0], used)),
                "CommandResult" => ts(inner[0], used),
                _ => {
                    assert!(inner.is_empty(), "no TypeScript for the generic {name}: add it to command_map.rs");
                    used.insert(name.clone());
                    name
                }
            }
        }
        other => panic!("no TypeScript for {}", quote_type(other)),
    }
}

fn value(ty: &Type, used: &mut BTreeSet<String>) -> String {
    match ty {
        Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Value") => "unknown".into(),
        other => ts(other, used),
    }
}

fn quote_type(ty: &Type) -> String {
    use quote::ToTokens;
    ty.to_token_stream().to_string()
}

/// What the shell passes itself and the UI never sends.
fn injected(ty: &Type) -> bool {
    let Type::Path(p) = ty else { return false };
    p.path
        .segments
        .last()
        .is_some_and(|s| matches!(s.ident.to_string().as_str(), "AppHandle" | "State" | "Window" | "WebviewWindow"))
}

fn is_command(f: &syn::ItemFn) -> bool {
    f.attrs.iter().any(|a| {
        let segs: Vec<String> = a.path().segments.iter().map(|s| s.ident.to_string()).collect();
        segs == ["tauri", "command"]
    })
}

/// Every `#[tauri::command]` function under src/commands, by `module::name`.
fn commands(used: &mut BTreeSet<String>) -> BTreeMap<String, Command> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(root().join("src/commands")).unwrap() {
        let path = entry.unwrap().path();
        let module = path.file_stem().unwrap().to_string_lossy().into_owned();
        let file = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for item in file.items {
            let Item::Fn(f) = item else { continue };
            if !is_command(&f) {
                continue;
            }
            let args = f
                .sig
                .inputs
                .iter()
                .filter_map(|a| match a {
                    FnArg::Typed(t) if !injected(&t.ty) => {
                        let Pat::Ident(name) = &*t.pat else { panic!("{module}::{}: a pattern argument", f.sig.ident) };
                        Some((camel(&name.ident.to_string()), ts(&t.ty, used)))
                    }
                    _ => None,
                })
                .collect();
            let returns = match &f.sig.output {
                ReturnType::Default => "null".into(),
                ReturnType::Type(_, ty) => ts(ty, used),
            };
            out.insert(format!("{module}::{}", f.sig.ident), Command { args, returns });
        }
    }
    out
}

fn render() -> String {
    let mut used = BTreeSet::new();
    let mut found = commands(&mut used);
    let mut body = String::new();
    for path in registered() {
        let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        assert_eq!(segs.len(), 3, "commands are registered as commands::<module>::<name>: {segs:?}");
        let key = format!("{}::{}", segs[1], segs[2]);
        let c = found.remove(&key).unwrap_or_else(|| panic!("{key} is registered but is no #[tauri::command]"));
        let args = if c.args.is_empty() {
            "Record<string, never>".to_owned()
        } else {
            format!("{{ {} }}", c.args.iter().map(|(n, t)| format!("{n}: {t}")).collect::<Vec<_>>().join("; "))
        };
        writeln!(body, "  {}: {{ args: {args}; returns: {} }};", segs[2], c.returns).unwrap();
    }
    assert!(
        found.is_empty(),
        "#[tauri::command]s that lib.rs does not register: {:?}",
        found.keys().collect::<Vec<_>>()
    );
    let bindings = root().join("../ui/src/bindings");
    let mut out = String::from(
        "// Generated from the #[tauri::command] functions in src-tauri/src/commands and the list in\n\
         // src-tauri/src/lib.rs by src-tauri/src/command_map.rs (`cargo test -p arcwell-app`). Do not edit.\n",
    );
    if body.contains("Channel<") {
        out.push_str("import type { Channel } from '@tauri-apps/api/core';\n");
    }
    for name in &used {
        assert!(
            bindings.join(format!("{name}.ts")).exists(),
            "{name} has no ts-rs binding: derive TS with #[ts(export)]"
        );
        writeln!(out, "import type {{ {name} }} from './{name}';").unwrap();
    }
    out.push_str(
        "\n/** Every command the app registers: its arguments, named as the UI sends them, and its result. */\nexport interface Commands {\n",
    );
    out.push_str(&body);
    out.push_str("}\n");
    out
}

#[test]
fn the_command_map_is_written_from_the_registered_commands() {
    let text = render();
    assert!(
        text.contains("  complete_checkin: { args: { id: string; input: CompleteCheckIn }; returns: CheckIn };"),
        "{text}"
    );
    assert!(text.contains("  practice_status: { args: Record<string, never>; returns: PracticeStatus };"), "{text}");
    let path = root().join("../ui/src/bindings/commands.ts");
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&path, text).unwrap();
    }
}

#[test]
fn arguments_are_named_as_tauri_sends_them() {
    assert_eq!(camel("arc_id"), "arcId");
    assert_eq!(camel("recovery_passphrase"), "recoveryPassphrase");
    assert_eq!(camel("id"), "id");
}
