//! `arcwell watch` against a real D-Bus: a private `dbus-daemon` and, where a test wants one, a
//! minimal org.freedesktop.Notifications server written with zbus that records every Notify call.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration as StdDuration, Instant};

use arcwell::domain::arc::{AdvanceArc, OpenArc, Phase};
use arcwell::domain::participant::ParticipantInput;
use arcwell::integration::checkin::AddCheckIn;
use arcwell::key::Passphrase;
use arcwell::{Keychain, Practice};
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use tokio::sync::mpsc;

use crate::support::{PASSPHRASE, profile};

/// A private session bus, with no service files: nothing is activated behind the test's back.
struct Bus {
    daemon: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl Bus {
    fn start() -> Bus {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("bus");
        let config = dir.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>"#,
                socket.display()
            ),
        )
        .unwrap();
        let daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .arg("--nofork")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon runs (Debian package dbus-daemon; scripts/setup.sh installs it)");
        let start = Instant::now();
        while !socket.exists() {
            assert!(start.elapsed() < StdDuration::from_secs(10), "dbus-daemon did not create its socket");
            std::thread::sleep(StdDuration::from_millis(20));
        }
        Bus { daemon, address: format!("unix:path={}", socket.display()), _dir: dir }
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// One Notify call as the server received it.
#[derive(Debug)]
struct Call {
    app_name: String,
    summary: String,
    body: String,
    at: DateTime<Utc>,
}

struct Server {
    calls: mpsc::UnboundedSender<Call>,
    next_id: u32,
    /// Click every notification that offers a default action, as a person would, shortly after it shows.
    click: bool,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Server {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &mut self,
        #[zbus(signal_emitter)] emitter: zbus::object_server::SignalEmitter<'_>,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: std::collections::HashMap<String, zbus::OwnedVariant>,
        _expire_timeout: i32,
    ) -> u32 {
        let _ = self.calls.send(Call { app_name, summary, body, at: Utc::now() });
        self.next_id += 1;
        let id = self.next_id;
        // Actions come in pairs (key, label).
        if self.click && actions.chunks(2).any(|pair| pair[0] == "default") {
            let emitter = emitter.into_owned();
            tokio::spawn(async move {
                tokio::time::sleep(StdDuration::from_millis(500)).await;
                let _ = Server::action_invoked(&emitter, id, "default").await;
            });
        }
        id
    }

    #[zbus(signal)]
    async fn action_invoked(
        emitter: &zbus::object_server::SignalEmitter<'_>,
        id: u32,
        action_key: &str,
    ) -> zbus::Result<()>;

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into(), "actions".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        ("arcwell-test".into(), "arcwell".into(), "1".into(), "1.2".into())
    }

    fn close_notification(&self, _id: u32) {}
}

async fn serve(bus: &Bus) -> (zbus::Connection, mpsc::UnboundedReceiver<Call>) {
    serve_clicking(bus, false).await
}

async fn serve_clicking(bus: &Bus, click: bool) -> (zbus::Connection, mpsc::UnboundedReceiver<Call>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let conn = zbus::connection::Builder::address(bus.address.as_str())
        .name("org.freedesktop.Notifications")
        .serve_at("/org/freedesktop/Notifications", Server { calls: tx, next_id: 0, click })
        .build()
        .await
        .unwrap();
    (conn, rx)
}

/// A practice on disk with quiet hours off, one participant in integration, and check-ins due at `dues`.
/// A practice with check-ins due at `dues` after the moment they are added (the end of the setup,
/// which takes seconds on a loaded machine: offsets from before it would already have passed).
/// Returns the due instants too.
fn practice_with(dues: &[Duration]) -> (tempfile::TempDir, Vec<DateTime<Utc>>) {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc::now();
    let mut p = Practice::init(dir.path(), &profile(), &Passphrase::new(PASSPHRASE), &Keychain::Off, now).unwrap();
    let mut s = p.reminders().settings().unwrap();
    s.quiet_hours = None;
    p.reminders().update_settings(&s).unwrap();
    let pid = p
        .participants()
        .add(&ParticipantInput { name: "Ysolde Harrowgate".into(), ..Default::default() }, now)
        .unwrap()
        .id;
    let arc = p.open_arc(&OpenArc { participant_id: pid, intention: None, plan_id: None }, now).unwrap().id;
    for to in [Phase::Preparation, Phase::Administration, Phase::Integration] {
        p.advance_arc(arc, &AdvanceArc { to, reason: None }, now).unwrap();
    }
    let added = Utc::now();
    let mut at = Vec::new();
    for offset in dues {
        let due = added + *offset;
        let input = AddCheckIn { arc_id: arc, at: due.to_rfc3339(), purpose: "Follow-up".into(), prompts: vec![] };
        p.checkins().add(&input, now).unwrap();
        at.push(due);
    }
    (dir, at)
}

fn arcwell(dir: &Path, bus: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_arcwell"));
    c.arg("--data-dir")
        .arg(dir)
        .env("ARCWELL_KEYCHAIN", "off")
        .env("ARCWELL_PASSPHRASE", PASSPHRASE)
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .env_remove("ARCWELL_DATA_DIR")
        .env_remove("DISPLAY")
        .stdin(Stdio::null());
    c
}

fn watch(dir: &Path, bus: &str) -> Child {
    arcwell(dir, bus).args(["--json", "watch"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
}

/// Stops `arcwell watch` as a service manager would (SIGTERM) and returns its exit status and output.
fn terminate(child: Child) -> (std::process::ExitStatus, String, String) {
    let term = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(term.success());
    let out = child.wait_with_output().unwrap();
    (out.status, String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn centre(dir: &Path, bus: &str) -> Vec<Value> {
    let out = arcwell(dir, bus).args(["--json", "notifications"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice::<Value>(&out.stdout).unwrap().as_array().unwrap().clone()
}

async fn next_call(calls: &mut mpsc::UnboundedReceiver<Call>) -> Call {
    tokio::time::timeout(StdDuration::from_secs(30), calls.recv())
        .await
        .expect("a Notify call within 30 s")
        .expect("the server is still running")
}

#[tokio::test]
async fn watch_raises_desktop_notifications_on_time_without_names() {
    let bus = Bus::start();
    let (_server, mut calls) = serve(&bus).await;
    let (dir, dues) = practice_with(&[-Duration::minutes(10), Duration::seconds(6)]);
    let soon = dues[1];
    let child = watch(dir.path(), &bus.address);

    let first = next_call(&mut calls).await;
    assert_eq!(first.app_name, "Arcwell");
    assert_eq!(first.summary, "1 check-in due");
    assert_eq!(first.body, "Open Arcwell to see who.\n1 came due while Arcwell was not running.");

    let second = next_call(&mut calls).await;
    assert_eq!((second.summary.as_str(), second.body.as_str()), ("1 check-in due", "Open Arcwell to see who."));
    let late = second.at - soon;
    eprintln!("notification delivered {} ms after its due time", late.num_milliseconds());
    assert!(late >= Duration::zero(), "delivered before it was due: {late}");
    assert!(late < Duration::seconds(2), "delivered {late} late");

    let (status, stdout, stderr) = terminate(child);
    assert!(status.success(), "watch exits cleanly on SIGTERM: {status}; {stderr}");
    for text in [&first.summary, &first.body, &second.body, &stdout, &stderr] {
        assert!(!text.contains("Ysolde") && !text.contains("Harrowgate"), "a name leaked: {text}");
    }
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "one line per notification: {stdout}");
    assert!(lines.iter().all(|l| l["shown_by_os"] == true && l["check_ins"] == 1), "{stdout}");

    let entries = centre(dir.path(), &bus.address);
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e["os_outcome"] == "shown" && e["read"] == false));
    assert_eq!(entries[1]["items"][0]["participant_name"], "Ysolde Harrowgate", "the in-app centre names who");
    assert_eq!(entries[1]["items"][0]["late"], "not_running");
    assert_eq!(entries[0]["items"][0]["late"], Value::Null);
}

fn wait_for_entries(dir: &Path, bus: &str, n: usize) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let entries = centre(dir, bus);
        if entries.len() >= n {
            return entries;
        }
        assert!(start.elapsed() < StdDuration::from_secs(30), "only {} of {n} notifications after 30 s", entries.len());
        std::thread::sleep(StdDuration::from_millis(200));
    }
}

#[tokio::test]
async fn without_a_notification_server_or_a_bus_the_centre_still_fills_and_one_line_is_logged() {
    let bus = Bus::start();
    let no_bus = format!("unix:path={}", PathBuf::from("/nonexistent/arcwell-test-bus").display());
    for (what, address) in [("a bus with no notification server", bus.address.as_str()), ("no bus at all", &no_bus)] {
        let (dir, _) = practice_with(&[-Duration::minutes(3), Duration::seconds(6)]);
        let child = watch(dir.path(), address);
        let entries = wait_for_entries(dir.path(), address, 2);
        let (status, stdout, stderr) = terminate(child);
        assert!(status.success(), "{what}: watch exits cleanly: {status}; {stderr}");
        assert!(!stderr.contains("panicked"), "{what}: {stderr}");
        let logged: Vec<&str> =
            stderr.lines().filter(|l| l.contains("could not show a desktop notification")).collect();
        assert_eq!(logged.len(), 1, "{what}: the failure is logged once for two notifications: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{what}: and nothing else: {stderr}");
        assert!(!stderr.contains("Ysolde"), "{what}: no names in the log");
        assert!(entries.iter().all(|e| e["os_outcome"] == "unavailable"), "{what}: {entries:?}");
        assert!(stdout.lines().count() == 2, "{what}: {stdout}");
    }
}

#[tokio::test]
async fn clicking_a_notification_runs_the_apps_open_action() {
    let bus = Bus::start();
    let (_server, mut calls) = serve_clicking(&bus, true).await;
    // notify-rust finds the bus through the environment, so the notifier runs in a child process
    // (this test binary again, running only `click_child`) with the private bus's address.
    let child = tokio::process::Command::new(std::env::current_exe().unwrap())
        .args(["notifications::click_child", "--exact", "--ignored", "--nocapture"])
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .env("ARCWELL_CLICK_CHILD", "1")
        .output();
    let out = tokio::time::timeout(StdDuration::from_secs(60), child).await.expect("the child ends").unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("the app was opened by the click"), "{stdout}");
    assert_eq!(next_call(&mut calls).await.summary, "2 check-ins due");
}

/// The notifier side of the test above; does nothing unless started by it.
#[tokio::test]
#[ignore = "run as a child process by clicking_a_notification_runs_the_apps_open_action"]
async fn click_child() {
    use arcwell::reminders::{DesktopNotifier, Notice, Notifier};
    if std::env::var_os("ARCWELL_CLICK_CHILD").is_none() {
        return;
    }
    let (tx, mut opened) = mpsc::unbounded_channel();
    let notifier = DesktopNotifier::opening_app(std::sync::Arc::new(move || {
        let _ = tx.send(());
    }));
    let notice = Notice {
        id: uuid::Uuid::new_v4(),
        title: "2 check-ins due".into(),
        body: "Open Arcwell to see who.".into(),
        count: 2,
        alerts: 0,
    };
    notifier.show(&notice).await.unwrap();
    tokio::time::timeout(StdDuration::from_secs(20), opened.recv()).await.expect("the click arrives").unwrap();
    println!("the app was opened by the click");
}
