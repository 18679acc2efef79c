//! The `arcwell` binary as a script would use it: separate processes, exit codes, `--json`.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::support::{PASSPHRASE, files_containing};

fn arcwell(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_arcwell"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("ARCWELL_KEYCHAIN", "off")
        .env("ARCWELL_PASSPHRASE", PASSPHRASE)
        .env_remove("ARCWELL_DATA_DIR")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = arcwell(dir, &all);
    assert!(out.status.success(), "arcwell {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn init(dir: &Path) {
    json(dir, &["init", "--name", "Rowan Hale", "--timezone", "America/Los_Angeles", "--checkin-time", "09:30"]);
}

#[test]
fn init_then_add_leaves_no_name_in_any_byte_under_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let p =
        json(dir.path(), &["participant", "add", "Marisol Quennell", "--pronouns", "she/her", "--tag", "retreat-2026"]);
    assert!(p["id"].as_str().is_some_and(|id| id.len() == 36), "a create prints the object with its id: {p}");
    assert_eq!(p["name"], "Marisol Quennell");
    for needle in ["Marisol", "Quennell", "Rowan Hale", "retreat-2026", "she/her"] {
        assert_eq!(files_containing(dir.path(), needle), Vec::<String>::new(), "{needle:?} is readable on disk");
    }
}

#[test]
fn a_whole_arc_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let p = json(dir.path(), &["participant", "add", "Fintan Galloway"]);
    let pid = p["id"].as_str().unwrap();
    let arc = json(dir.path(), &["arc", "open", pid, "--intention", "Grief work"]);
    let aid = arc["id"].as_str().unwrap();
    assert_eq!(arc["phase"], "inquiry");
    assert_eq!(json(dir.path(), &["arc", "advance", aid, "preparation"])["phase"], "preparation");
    let s = json(dir.path(), &["session", "schedule", aid, "--kind", "preparation", "--at", "2026-03-08T10:00"]);
    assert_eq!(
        s["scheduled"]["utc"], "2026-03-08T17:00:00Z",
        "local time in the facilitator's zone, PDT began that night"
    );
    assert_eq!(s["scheduled"]["zone"], "America/Los_Angeles");
    let sid = s["id"].as_str().unwrap();
    let done =
        json(dir.path(), &["session", "complete", sid, "--started", "2026-03-08T10:10", "--ended", "2026-03-08T11:40"]);
    assert_eq!(done["status"], "completed");
    let shown = json(dir.path(), &["arc", "show", aid]);
    assert_eq!(shown["events"].as_array().unwrap().len(), 2);
    assert_eq!(shown["participant_name"], "Fintan Galloway");
    let status = json(dir.path(), &["status"]);
    assert_eq!(status["participants"], 1);
    assert_eq!(status["profile"]["checkin_time"], "09:30");
    let listed = json(dir.path(), &["participant", "list"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let text = arcwell(dir.path(), &["participant", "show", pid]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("Fintan Galloway"), "text output is for people");
}

#[test]
fn errors_have_exit_codes_and_json_shapes_fit_for_scripts() {
    let dir = tempfile::tempdir().unwrap();
    // (args, exit code, error code)
    let before_init: [(&[&str], i32, &str); 1] = [(&["--json", "status"], 7, "not_initialized")];
    init(dir.path());
    let p = json(dir.path(), &["participant", "add", "Greer Ivers"]);
    let pid = p["id"].as_str().unwrap().to_owned();
    let arc = json(dir.path(), &["arc", "open", &pid]);
    let aid = arc["id"].as_str().unwrap().to_owned();
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (vec!["--json", "participant", "add", "  "], 3, "invalid_input"),
        (vec!["--json", "participant", "show", "not-an-id"], 3, "invalid_input"),
        (vec!["--json", "participant", "show", "0b9e6c3e-4f0a-4a7e-9d7b-2f1c8a9e5d21"], 4, "not_found"),
        (vec!["--json", "arc", "advance", &aid, "completion"], 3, "reason_required"),
        (vec!["--json", "arc", "advance", &aid, "inquiry"], 5, "conflict"),
        (
            vec!["--json", "session", "schedule", &aid, "--kind", "dosing", "--at", "2026-12-01T10:00"],
            3,
            "invalid_input",
        ),
        (vec!["--json", "init", "--name", "X", "--timezone", "UTC"], 7, "already_initialized"),
    ];
    let fresh = tempfile::tempdir().unwrap();
    for (args, exit, code) in before_init.iter().map(|(a, e, c)| (a.to_vec(), *e, *c)).chain(cases) {
        let target = if code == "not_initialized" { fresh.path() } else { dir.path() };
        let out = arcwell(target, &args);
        assert_eq!(out.status.code(), Some(exit), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let err: Value = serde_json::from_slice(&out.stderr).unwrap();
        assert_eq!(err["error"]["code"], code, "{args:?}");
        assert!(err["error"]["message"].as_str().is_some_and(|m| m.len() > 20), "{args:?} explains itself");
        assert!(err["error"].get("advice").is_some(), "{args:?}: advice is always there, null or text");
    }
    // The core's message names no flag; the CLI adds its own advice, in text and in JSON.
    let out = arcwell(dir.path(), &["arc", "advance", &aid, "completion"]);
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.trim_end().ends_with("needs a reason; add one with --reason"), "{text}");
    let out = arcwell(dir.path(), &["--json", "arc", "advance", &aid, "completion"]);
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["advice"], "add one with --reason");
    assert!(!err["error"]["message"].as_str().unwrap().contains("--"), "{err}");
}

#[test]
fn a_wrong_passphrase_exits_6_and_the_passphrase_can_come_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let run = |pass: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_arcwell"))
            .args(["--data-dir"])
            .arg(dir.path())
            .args(["--passphrase-stdin", "status"])
            .env("ARCWELL_KEYCHAIN", "off")
            .env_remove("ARCWELL_PASSPHRASE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(format!("{pass}\n").as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let wrong = run("not the passphrase");
    assert_eq!(wrong.status.code(), Some(6));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("does not unlock"));
    let right = run(PASSPHRASE);
    assert!(right.status.success(), "{}", String::from_utf8_lossy(&right.stderr));
    assert!(String::from_utf8_lossy(&right.stdout).contains("Rowan Hale"));

    let no_source = Command::new(env!("CARGO_BIN_EXE_arcwell"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("status")
        .env("ARCWELL_KEYCHAIN", "off")
        .env_remove("ARCWELL_PASSPHRASE")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(no_source.status.code(), Some(6));
    assert!(String::from_utf8_lossy(&no_source.stderr).contains("--passphrase-stdin"), "says how to give it");
}

#[test]
fn the_integration_commands_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let pid = json(dir.path(), &["participant", "add", "Yara Pembury", "--contact", "yara@example.org"])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let aid = json(dir.path(), &["arc", "open", &pid])["id"].as_str().unwrap().to_owned();
    json(dir.path(), &["arc", "advance", &aid, "administration", "--reason", "Prepared with a colleague"]);
    let s = json(dir.path(), &["session", "schedule", &aid, "--kind", "administration", "--at", "2026-03-02T09:00"]);
    let sid = s["id"].as_str().unwrap();
    json(dir.path(), &["session", "complete", sid, "--started", "2026-03-02T09:00", "--ended", "2026-03-02T15:00"]);

    let due = json(dir.path(), &["checkin", "list"]);
    assert_eq!(due.as_array().unwrap().len(), 6, "six check-ins queued by the completed dosing session");
    let week = json(dir.path(), &["checkin", "list", "--due-before", "2026-03-09"]);
    assert_eq!(week.as_array().unwrap().len(), 2, "24 h and 72 h fall before 9 March");
    let first = due[0]["id"].as_str().unwrap();
    let draft = json(dir.path(), &["checkin", "draft", first]);
    assert!(draft["mailto"].as_str().unwrap().starts_with("mailto:yara@example.org?subject="));
    let done = json(
        dir.path(),
        &["checkin", "complete", first, "--note", "Slept well, feels open.", "--at", "2026-03-03T16:00"],
    );
    assert_eq!(done["status"], "completed");
    let m = json(dir.path(), &["milestone", "add", &aid, "Daily walk", "--category", "body"]);
    let m = json(dir.path(), &["milestone", "set", m["id"].as_str().unwrap(), "in_progress", "--note", "Started"]);
    assert_eq!(m["history"].as_array().unwrap().len(), 2);

    let plans = json(dir.path(), &["plan", "list"]);
    assert_eq!(plans[0]["name"], "Standard integration");
    let added = json(
        dir.path(),
        &["plan", "add", "Short", "--step", "2d|Early check|How are you sleeping?", "--step", "1w|One week"],
    );
    assert_eq!(added["steps"][0]["prompts"][0], "How are you sleeping?");

    let profile = json(dir.path(), &["profile", "--stall-days", "30"]);
    assert_eq!((profile["stall_days"].as_u64(), profile["timezone"].as_str()), (Some(30), Some("America/Los_Angeles")));
    let bad = arcwell(dir.path(), &["--json", "profile", "--stall-days", "0"]);
    assert_eq!(bad.status.code(), Some(3), "a stall threshold of 0 days is refused");
    json(dir.path(), &["profile", "--stall-days", "14"]);

    let dash = json(dir.path(), &["dashboard"]);
    for key in ["due_today", "due_this_week", "overdue", "stalled", "ready_to_complete", "alerts", "arcs_by_phase"] {
        assert!(dash.get(key).is_some(), "the dashboard has {key}");
    }
    assert!(!dash["stalled"].as_array().unwrap().is_empty(), "months later with check-ins past due: stalled");
    let key = dash["alerts"][0]["key"].as_str().unwrap().to_owned();
    json(dir.path(), &["alerts", "ack", &key]);
    let open = json(dir.path(), &["alerts"]);
    assert!(
        open.as_array().unwrap().iter().all(|a| a["key"] != key.as_str()),
        "acknowledged alerts leave the open list"
    );
}

#[test]
fn reminder_settings_from_the_command_line_with_clear_refusals() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let s = json(dir.path(), &["reminders"]);
    assert_eq!(s["quiet_hours"], serde_json::json!({ "start": "21:00", "end": "08:00" }), "quiet overnight by default");
    assert_eq!((s["show_names"].as_bool(), s["keep_in_tray"].as_bool()), (Some(false), Some(true)));

    let s = json(dir.path(), &["reminders", "--quiet-hours", "22:15-7:30", "--show-names", "on"]);
    assert_eq!(s["quiet_hours"], serde_json::json!({ "start": "22:15", "end": "07:30" }));
    assert_eq!(s["show_names"], true);

    for (bad, says) in [("9-5", "HH:MM"), ("09:00-09:00", "turn quiet hours off"), ("nightly", "START-END")] {
        let out = arcwell(dir.path(), &["reminders", "--quiet-hours", bad]);
        assert_eq!(out.status.code(), Some(3), "{bad:?} is invalid input");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{bad:?}: {err}");
    }
    assert_eq!(json(dir.path(), &["reminders"])["quiet_hours"]["start"], "22:15", "a refusal changed nothing");

    let s = json(dir.path(), &["reminders", "--quiet-hours", "off"]);
    assert_eq!(s["quiet_hours"], Value::Null);
    assert_eq!(json(dir.path(), &["notifications"]), serde_json::json!([]));
    assert_eq!(json(dir.path(), &["notifications", "read"])["marked_read"], 0);
}

#[test]
fn documents_from_the_command_line_screening_blocks_dosing_until_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let pid = json(dir.path(), &["participant", "add", "Corwin Ellery"])["id"].as_str().unwrap().to_owned();
    let arc = json(dir.path(), &["arc", "open", &pid])["id"].as_str().unwrap().to_owned();
    for phase in ["preparation", "administration"] {
        json(dir.path(), &["arc", "advance", &arc, phase]);
    }
    let screening = json(
        dir.path(),
        &[
            "note",
            "add",
            &arc,
            "--template",
            "screening",
            "--answers",
            r#"{"seizures": {"yes": true, "detail": "Age 12"}}"#,
        ],
    );
    assert_eq!(screening["flags"].as_array().unwrap().len(), 1, "{screening}");
    let flag = screening["flags"][0]["id"].as_str().unwrap().to_owned();

    let s = json(dir.path(), &["session", "schedule", &arc, "--kind", "administration", "--at", "2026-03-08T09:00"]);
    let sid = s["id"].as_str().unwrap();
    let done = ["session", "complete", sid, "--started", "2026-03-08T09:00", "--ended", "2026-03-08T15:00"];
    let refused = arcwell(dir.path(), &done);
    assert_eq!(refused.status.code(), Some(5), "a conflict while the flag is open");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("History of seizures"));
    let bad = arcwell(dir.path(), &["flag", "ack", &flag, "--reason", " "]);
    assert_eq!(bad.status.code(), Some(3));
    json(dir.path(), &["flag", "ack", &flag, "--reason", "Neurologist letter: seizure-free for 25 years"]);
    json(dir.path(), &done);

    // A shipped template is copied to adapt it; export, edit and import the copy: a new version. A
    // shipped family refuses an import (exit 5) and a malformed file is refused with exit 3.
    let list = json(dir.path(), &["template", "list"]);
    let prep = list.as_array().unwrap().iter().find(|t| t["phase"] == "preparation").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let file = dir.path().join("prep.json");
    let out = arcwell(dir.path(), &["template", "export", &prep, "--out", file.to_str().unwrap()]);
    assert!(out.status.success());
    let refused = arcwell(dir.path(), &["template", "import", file.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(5), "a shipped family takes no version of the facilitator's");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("template copy"));
    let copy = json(dir.path(), &["template", "copy", &prep, "Preparation (retreat)"]);
    let family = copy["family"].as_str().unwrap().to_owned();
    let out =
        arcwell(dir.path(), &["template", "export", copy["id"].as_str().unwrap(), "--out", file.to_str().unwrap()]);
    assert!(out.status.success());
    let mut t: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    t["name"] = "Preparation (long form)".into();
    std::fs::write(&file, t.to_string()).unwrap();
    let v2 = json(dir.path(), &["template", "import", file.to_str().unwrap()]);
    assert_eq!((v2["version"].as_u64(), v2["family"].as_str()), (Some(2), Some(family.as_str())));

    // Packs: off, then on; their templates are listed only while on.
    let packs = json(dir.path(), &["pack", "list"]);
    assert_eq!(packs.as_array().unwrap().iter().filter(|p| p["enabled"] == true).count(), 0);
    json(dir.path(), &["pack", "on", "oregon"]);
    let list = json(dir.path(), &["template", "list"]);
    assert_eq!(list.as_array().unwrap().iter().filter(|t| t["pack"] == "oregon").count(), 3);
    let text = arcwell(dir.path(), &["template", "list"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("oregon pack"));
    assert_eq!(arcwell(dir.path(), &["pack", "on", "atlantis"]).status.code(), Some(3));

    // A check-in's integration note: started, filled, signed as the check-in completes.
    let due = json(dir.path(), &["checkin", "list", "--arc", &arc]);
    let first = due[0]["id"].as_str().unwrap().to_owned();
    let note = json(dir.path(), &["checkin", "note", &first]);
    let doc = note["document"]["id"].as_str().unwrap().to_owned();
    json(dir.path(), &["note", "save", &doc, "--answers", r#"{"insights": "Less fear of the dark"}"#]);
    let done = json(dir.path(), &["checkin", "complete", &first, "--note", "Video call", "--document", &doc]);
    assert_eq!(done["status"], "completed");
    assert_eq!(json(dir.path(), &["note", "show", &doc])["document"]["state"], "signed");
    std::fs::write(&file, "{\"name\": 3}").unwrap();
    let refused = arcwell(dir.path(), &["template", "import", file.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not a valid template file"));
}

/// `arcwell` with extra environment variables (the backup passphrases).
fn arcwell_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_arcwell"));
    c.arg("--data-dir").arg(dir).args(args).env("ARCWELL_KEYCHAIN", "off").env("ARCWELL_PASSPHRASE", PASSPHRASE);
    c.env_remove("ARCWELL_DATA_DIR").env_remove("ARCWELL_BACKUP_PASSPHRASE").stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn backups_from_the_command_line_create_list_verify_restore_and_replace() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    json(dir.path(), &["participant", "add", "Marisol Quennell"]);
    let folder = tempfile::tempdir().unwrap();
    let folder_s = folder.path().to_str().unwrap();
    let bp = [("ARCWELL_BACKUP_PASSPHRASE", "harbour lantern seven gulls")];

    let out = arcwell_env(dir.path(), &["--json", "backup", "create", "--folder", folder_s], &bp);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let made: Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = made["path"].as_str().unwrap().to_owned();
    assert!(file.ends_with(".arcwell-backup"), "{file}");
    assert_eq!(made["manifest"]["tables"]["participant"], 1);
    assert_eq!(files_containing(folder.path(), "Marisol"), Vec::<String>::new(), "the backup is encrypted");

    let list = json(dir.path(), &["backup", "list", folder_s]);
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["path"], file);

    let out = arcwell_env(dir.path(), &["backup", "verify", &file], &bp);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("good: "), "{}", String::from_utf8_lossy(&out.stdout));
    let out = arcwell_env(
        dir.path(),
        &["--json", "backup", "verify", &file],
        &[("ARCWELL_BACKUP_PASSPHRASE", "the wrong one entirely")],
    );
    assert_eq!(out.status.code(), Some(3), "a wrong backup passphrase is bad input");
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert!(err["error"]["message"].as_str().unwrap().contains("does not open this backup"));
    let out = arcwell_env(dir.path(), &["backup", "verify", &file], &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("ARCWELL_BACKUP_PASSPHRASE"),
        "says where the passphrase comes from"
    );

    // Into a new practice, with its own recovery passphrase.
    let target = tempfile::tempdir().unwrap();
    let new_dir = target.path().join("restored");
    let new_s = new_dir.to_str().unwrap();
    let out = arcwell_env(
        dir.path(),
        &["backup", "restore", &file, "--into", new_s],
        &[bp[0], ("ARCWELL_NEW_PASSPHRASE", "a new recovery passphrase")],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let restored = arcwell_env(
        &new_dir,
        &["--json", "participant", "list"],
        &[("ARCWELL_PASSPHRASE", "a new recovery passphrase")],
    );
    assert!(restored.status.success(), "{}", String::from_utf8_lossy(&restored.stderr));
    let names: Value = serde_json::from_slice(&restored.stdout).unwrap();
    assert_eq!(names[0]["name"], "Marisol Quennell");

    // Replacing: a later change goes, a safety backup keeps it.
    json(dir.path(), &["participant", "add", "Ottilie Marchbank"]);
    let out = arcwell_env(dir.path(), &["--json", "backup", "restore", &file, "--replace"], &bp);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let replaced: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(replaced["safety_backup"]["manifest"]["tables"]["participant"], 2);
    assert!(replaced["safety_backup"]["path"].as_str().unwrap().contains("/backups/before-restore-"));
    let now = json(dir.path(), &["participant", "list"]);
    assert_eq!(now.as_array().map(Vec::len), Some(1), "the practice is the backup again: {now}");

    // Automatic backups, for cron.
    let auto_dir = tempfile::tempdir().unwrap();
    let auto_s = auto_dir.path().to_str().unwrap();
    let out = arcwell_env(
        dir.path(),
        &["--json", "backup", "settings", "--on", "--folder", auto_s, "--keep", "2", "--set-passphrase"],
        &bp,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let set: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (set["enabled"].as_bool(), set["has_passphrase"].as_bool(), set["keep"].as_u64()),
        (Some(true), Some(true), Some(2))
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("harbour"), "the passphrase is never printed");
    assert_eq!(json(dir.path(), &["backup", "auto"])["outcome"], "written");
    assert_eq!(json(dir.path(), &["backup", "auto"])["outcome"], "not_due");
    assert_eq!(json(dir.path(), &["backup", "status"])["stale"], false);
    drop(auto_dir);
    let out = arcwell_env(dir.path(), &["backup", "settings", "--every-hours", "1"], &[]);
    assert!(out.status.success());
}

#[test]
fn measures_and_exports_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let pid = json(dir.path(), &["participant", "add", "Ione Castellan"])["id"].as_str().unwrap().to_owned();
    let aid = json(dir.path(), &["arc", "open", &pid])["id"].as_str().unwrap().to_owned();
    let lib = json(dir.path(), &["measure", "library"]);
    assert_eq!(lib.as_array().unwrap().len(), 6);
    let r = json(
        dir.path(),
        &[
            "measure",
            "give",
            &aid,
            "--measure",
            "PHQ-9",
            "--timepoint",
            "baseline",
            "--answers",
            "2,2,2,1,1,1,1,0,1",
            "--at",
            "2026-11-01T10:00",
        ],
    );
    assert_eq!((r["score"]["total"].as_f64(), r["score"]["band"].as_str()), (Some(11.0), Some("Moderate")));
    assert_eq!(r["score"]["critical"][0]["item"], "9", "item 9 above 0 is critical");
    let alerts = json(dir.path(), &["alerts"]);
    assert!(alerts.as_array().unwrap().iter().any(|a| a["kind"] == "critical_answer"), "an alert at once: {alerts}");
    json(
        dir.path(),
        &["measure", "give", &aid, "--measure", "phq9", "--timepoint", "follow-up", "--answers", "1,1,1,0,0,1,0,0,0"],
    );
    let t = json(dir.path(), &["measure", "trajectory", &aid]);
    let points = t[0]["points"].as_array().unwrap();
    assert_eq!(points.iter().map(|p| p["change"].as_f64().unwrap()).collect::<Vec<_>>(), [0.0, -7.0]);
    assert_eq!(points[1]["response"], true, "11 to 4 is a 64 % fall");

    let short = arcwell(
        dir.path(),
        &["measure", "give", &aid, "--measure", "gad7", "--timepoint", "other", "--answers", "1,2"],
    );
    assert_eq!(short.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&short.stderr).contains("GAD-7 has 7 items"));
    let rid = r["id"].as_str().unwrap();
    let w = json(dir.path(), &["measure", "withdraw", rid, "--reason", "Typed into the wrong arc"]);
    assert!(w["withdrawn"].is_object());
    assert_eq!(
        json(dir.path(), &["measure", "list", &aid]).as_array().unwrap().len(),
        2,
        "a withdrawn response is kept"
    );

    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let rec = arcwell(dir.path(), &["export", "record", &pid, "--out", out.join("r.html").to_str().unwrap()]);
    assert!(rec.status.success());
    assert!(String::from_utf8_lossy(&rec.stderr).contains("not encrypted"), "the warning is printed");
    let csv = json(dir.path(), &["export", "csv", "--folder", out.to_str().unwrap()]);
    assert_eq!(csv["files"].as_array().unwrap().len(), 5);
    let ics = json(dir.path(), &["export", "calendar", "--out", out.join("c.ics").to_str().unwrap(), "--days", "30"]);
    assert_eq!(ics["rows"], 0, "no check-ins queued yet");
    let again = arcwell(dir.path(), &["export", "record", &pid, "--out", out.join("r.html").to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(3), "an existing file is never overwritten");
    let fhir = json(dir.path(), &["export", "fhir", "--out", out.join("o.fhir.json").to_str().unwrap()]);
    assert_eq!(fhir["rows"], 1, "the withdrawn response is left out");
    let bundle: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("o.fhir.json")).unwrap()).unwrap();
    assert_eq!(bundle["type"], "collection");

    // Approach tags, and the practice figures by approach.
    let arc = json(dir.path(), &["arc", "approaches", &aid, "Somatic", "ifs"]);
    assert_eq!(arc["approaches"], serde_json::json!(["ifs", "somatic"]));
    let by = json(dir.path(), &["measure", "outcomes", "--measure", "phq9", "--by", "approach"]);
    let labels: Vec<&str> = by.as_array().unwrap().iter().map(|g| g["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["ifs", "somatic"]);
    // One arc is too few to say anything: the text says so instead of a bare figure.
    let text = arcwell(dir.path(), &["measure", "outcomes", "--measure", "phq9"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("mean change too few to say (n = "), "{text}");
    assert!(!text.contains("100 %") && !text.contains(" 0 %"), "no bare percentage: {text}");
    let pred = json(dir.path(), &["measure", "predictors", "--measure", "phq9"]);
    assert!(pred["caution"].as_str().unwrap().contains("not causes"));
    assert!(pred["predictors"].as_array().unwrap().iter().all(|x| x["effect"].is_null()), "one arc says nothing");
    let text = arcwell(dir.path(), &["measure", "predictors", "--measure", "phq9"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("too few arcs to say"));
    let steps = json(dir.path(), &["plan", "timelines"]);
    assert!(steps.as_array().unwrap().is_empty(), "nothing queued yet: no step to judge");
    let plan = json(dir.path(), &["plan", "show"]);
    let id = plan["id"].as_str().unwrap();
    let moved = json(dir.path(), &["plan", "move-step", id, "2", "96h"]);
    assert_eq!(moved["steps"][1]["offset"], serde_json::json!({ "amount": 96, "unit": "hours" }));
    assert_eq!(arcwell(dir.path(), &["plan", "move-step", id, "9", "1d"]).status.code(), Some(4), "no step 9");
    assert_eq!(moved["version"], 2, "a new version of the plan");
    let history = arcwell(dir.path(), &["plan", "history", id]);
    let history = String::from_utf8_lossy(&history.stdout);
    assert!(history.contains("version 2") && history.contains("— step 2 moved from 72 hours to 96 hours"), "{history}");
    assert!(history.contains("version 1") && history.contains("24 hours, 72 hours, 1 week"), "{history}");
    let bad =
        arcwell(dir.path(), &["measure", "outcomes", "--measure", "phq9", "--dose-min", "20", "--dose-max", "10"]);
    assert_eq!(bad.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("the dose range is empty"));
    let e = json(dir.path(), &["measure", "engagement"]);
    assert_eq!(
        (e["checkins"].as_u64(), e["completion_rate"]["value"].is_null()),
        (Some(0), true),
        "nothing queued yet"
    );
    let text = arcwell(dir.path(), &["measure", "engagement"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("check-ins that could have been done: 0"));
}

/// Issue 23.8: `--passphrase-file` (only when its owner alone may read it) and `--passphrase-stdin`
/// win over `ARCWELL_PASSPHRASE`, which is for throwaway scripts.
#[test]
fn a_passphrase_file_or_stdin_wins_over_the_environment_and_a_readable_file_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let secrets = tempfile::tempdir().unwrap();
    let file = secrets.path().join("passphrase");
    std::fs::write(&file, format!("{PASSPHRASE}\nsecond line ignored\n")).unwrap();
    let with_file = |env_pass: &str| {
        Command::new(env!("CARGO_BIN_EXE_arcwell"))
            .arg("--data-dir")
            .arg(dir.path())
            .arg("--passphrase-file")
            .arg(&file)
            .arg("status")
            .env("ARCWELL_KEYCHAIN", "off")
            .env("ARCWELL_PASSPHRASE", env_pass)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    for mode in [0o644, 0o640, 0o604, 0o660] {
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        let refused = with_file(PASSPHRASE);
        assert_eq!(refused.status.code(), Some(3), "mode {mode:o}");
        let says = String::from_utf8_lossy(&refused.stderr);
        assert!(says.contains("may be read by others") && says.contains("chmod 600"), "mode {mode:o}: {says}");
    }
    for mode in [0o600, 0o400] {
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        let opened = with_file("the wrong passphrase in the environment");
        assert!(opened.status.success(), "mode {mode:o}: {}", String::from_utf8_lossy(&opened.stderr));
        assert!(String::from_utf8_lossy(&opened.stdout).contains("Rowan Hale"));
    }

    let mut child = Command::new(env!("CARGO_BIN_EXE_arcwell"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--passphrase-stdin", "status"])
        .env("ARCWELL_KEYCHAIN", "off")
        .env("ARCWELL_PASSPHRASE", "the wrong passphrase in the environment")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(format!("{PASSPHRASE}\n").as_bytes()).unwrap();
    let from_stdin = child.wait_with_output().unwrap();
    assert!(from_stdin.status.success(), "stdin wins: {}", String::from_utf8_lossy(&from_stdin.stderr));

    let both = arcwell(dir.path(), &["--passphrase-stdin", "--passphrase-file", "x", "status"]);
    assert_eq!(both.status.code(), Some(2), "one source at a time");
}

#[test]
fn a_retreat_dosing_day_and_a_schedule_that_bends_from_the_command_line() {
    use chrono::{Duration, Utc};
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let la: chrono_tz::Tz = "America/Los_Angeles".parse().unwrap();
    let dosed = Utc::now() - Duration::hours(3);
    let day = dosed.with_timezone(&la).date_naive().to_string();
    let mut arcs = Vec::new();
    for name in ["Noor Halvorsen", "Piet Ambrose"] {
        let pid = json(dir.path(), &["participant", "add", name])["id"].as_str().unwrap().to_owned();
        let aid = json(dir.path(), &["arc", "open", &pid])["id"].as_str().unwrap().to_owned();
        json(dir.path(), &["arc", "advance", &aid, "preparation"]);
        arcs.push(aid);
    }
    let r =
        json(dir.path(), &["retreat", "new", "Winter circle", "--from", &day, "--to", &day, "--place", "Cedar lodge"]);
    let rid = r["id"].as_str().unwrap().to_owned();
    assert_eq!(json(dir.path(), &["retreat", "add", &rid, &arcs[0], &arcs[1]])["members"], 2);
    let at = dosed.to_rfc3339();
    let s = json(dir.path(), &["retreat", "schedule-dosing", &rid, "--at", &at, "--location", "Hall"]);
    assert_eq!(s["scheduled"].as_array().unwrap().len(), 2);
    let grid = json(dir.path(), &["retreat", "day", &rid, &day]);
    let rows = grid["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let dose_at = (dosed + Duration::minutes(10)).to_rfc3339();
    for row in rows {
        let doc = row["document_id"].as_str().unwrap();
        let amount = "amount=20";
        let at = format!("at={dose_at}");
        json(
            dir.path(),
            &["retreat", "record", doc, "doses", "--set", "substance=Psilocybin", "--set", amount, "--set", &at],
        );
        json(dir.path(), &["retreat", "record", doc, "vitals", "--set", "heart_rate=84", "--set", "spo2=97"]);
    }
    let bad = arcwell(
        dir.path(),
        &["retreat", "record", rows[0]["document_id"].as_str().unwrap(), "vitals", "--set", "pulse"],
    );
    assert_eq!(bad.status.code(), Some(3), "a malformed --set is invalid input");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("KEY=VALUE"));
    let text = arcwell(dir.path(), &["retreat", "day", &rid, &day]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Psilocybin 20 mg") && text.contains("HR 84"), "{text}");
    let ended = json(dir.path(), &["retreat", "end-day", &rid, &day]);
    assert_eq!(ended["completed"].as_array().unwrap().len(), 2, "{ended}");
    let view = json(dir.path(), &["retreat", "show", &rid]);
    assert!(view["members"].as_array().unwrap().iter().all(|m| m["phase"] == "integration"));

    // The schedule bends: a shift earlier is refused into the past, later is fine; pause, resume.
    let refused = arcwell(dir.path(), &["arc", "shift", &arcs[0], "-3"]);
    assert_eq!(refused.status.code(), Some(5), "a conflict: {}", String::from_utf8_lossy(&refused.stderr));
    let shifted = json(dir.path(), &["arc", "shift", &arcs[0], "2", "--reason", "travelling"]);
    assert_eq!(shifted["moved"], 6);
    let paused = json(dir.path(), &["arc", "pause", &arcs[1], "--reason", "family emergency"]);
    assert_eq!(paused["kind"], "pause");
    let dash = json(dir.path(), &["dashboard"]);
    assert_eq!(dash["totals"]["paused"], 1);
    json(dir.path(), &["arc", "resume", &arcs[1], "--keep-dates"]);
    let series = json(
        dir.path(),
        &[
            "arc",
            "add-series",
            &arcs[1],
            "--from",
            "2099-01-05",
            "--every",
            "1w",
            "--count",
            "3",
            "--purpose",
            "Weekly",
        ],
    );
    assert_eq!(series["moved"], 3);
    let shown = arcwell(dir.path(), &["arc", "show", &arcs[1]]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains("Schedule changes:")
            && shown.contains("Paused follow-ups until resumed")
            && shown.contains("(family emergency)"),
        "{shown}"
    );
    let roster = dir.path().join("roster.html");
    let out = arcwell(dir.path(), &["retreat", "roster", &rid, "--out", roster.to_str().unwrap(), "--dose"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not encrypted"), "the warning is printed");
    assert!(std::fs::read_to_string(&roster).unwrap().contains("Psilocybin, 20 mg"));
}
