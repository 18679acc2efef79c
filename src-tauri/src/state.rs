//! What the app holds between commands: where the practice lives and, once unlocked, the open practice.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;

use arcwell::key::Passphrase;
use arcwell::reminders::SchedulerHandle;
use arcwell::store::audit::LockReason;
use arcwell::store::pin::PinLock;

use arcwell::integration::dashboard::Dashboard;
use arcwell::{Error, Keychain, Practice, store};
use serde::Serialize;
use ts_rs::TS;

/// The passphrase of the demo practice. Its data is invented, so the key file is only a formality.
pub const DEMO_PASSPHRASE: &str = "arcwell demo practice";

/// How the app was started.
#[derive(Debug, Clone)]
pub struct Launch {
    pub data_dir: PathBuf,
    pub demo: bool,
    /// `ARCWELL_STARTUP_PROBE=1`: print when the UI's first script ran and the dashboard was first
    /// painted with data (scripts/measure/startup.sh reads it).
    pub startup_probe: bool,
}

impl Launch {
    /// Prints `arcwell-app: startup <stage> <µs since the epoch>` when started with
    /// `ARCWELL_STARTUP_PROBE=1` (scripts/measure/startup.sh); nothing otherwise.
    pub fn startup_mark(&self, stage: &str) {
        if self.startup_probe {
            let at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            eprintln!("arcwell-app: startup {stage} {}", at.as_micros());
        }
    }

    /// Opens the practice as the app starts: from the keychain, or a fresh demo practice. Then reads
    /// Today once, so that SQLite's page cache holds what the dashboard reads and the UI's first
    /// call finds it there instead of decrypting those pages while the facilitator waits.
    pub fn open(&self, keychain: &Keychain, now: chrono::DateTime<chrono::Utc>) -> arcwell::Result<Opened> {
        let dir = &self.data_dir;
        let mut practice = if self.demo {
            arcwell::demo::fresh_practice(dir, &Passphrase::new(DEMO_PASSPHRASE), now)?
        } else if !store::exists(dir) {
            return Ok(Opened::NeedsSetup);
        } else {
            self.startup_mark("opening");
            let opened = Practice::open_with_keychain(dir, keychain)?;
            self.startup_mark("opened");
            match opened {
                Some(practice) => practice,
                None => return Ok(Opened::Locked),
            }
        };
        // Kept for the UI's first status, so that Today needs no second call; when it cannot be
        // read, the UI asks for it itself and gets the error then.
        let today = practice.integration().dashboard(now).ok().map(|d| Box::new((d, now)));
        self.startup_mark("warmed");
        crate::memory::release_freed();
        Ok(Opened::Practice { practice: Box::new(practice), today })
    }

    pub fn from_env(mut args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut demo = std::env::var("ARCWELL_DEMO").is_ok_and(|v| v == "1");
        let mut data_dir = std::env::var_os("ARCWELL_DATA_DIR").map(PathBuf::from);
        let startup_probe = std::env::var("ARCWELL_STARTUP_PROBE").is_ok_and(|v| v == "1");
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--demo" => demo = true,
                "--data-dir" => data_dir = Some(args.next().ok_or("--data-dir needs a directory")?.into()),
                other => return Err(format!("unknown argument {other:?}; use --demo or --data-dir DIR")),
            }
        }
        let data_dir = match data_dir {
            Some(d) => d,
            None => arcwell::store::default_dir().map_err(|e| e.to_string())?,
        };
        // The demo lives beside the real practice and never touches it.
        let data_dir = if demo { data_dir.join("demo") } else { data_dir };
        Ok(Self { data_dir, demo, startup_probe })
    }
}

/// What opening the practice at launch found.
pub enum Opened {
    Practice {
        practice: Box<Practice>,
        /// Today's dashboard as read just after it opened, and when.
        today: Option<Box<(Dashboard, chrono::DateTime<chrono::Utc>)>>,
    },
    /// No practice in the data directory yet: first-run setup.
    NeedsSetup,
    /// A practice the keychain cannot open: the recovery passphrase is needed.
    Locked,
}

/// A moment of the app's start that the UI reports, for the startup probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum StartupStage {
    /// The UI's script began to run.
    Script,
    /// The UI received where the app stands (the practice opened from the keychain).
    Status,
    /// The UI received the dashboard's data.
    Data,
    /// The dashboard's rows are in the DOM (not yet laid out or painted).
    Rendered,
    /// The first animation frame after that began (its layout and paint follow).
    Frame,
    /// The dashboard was painted with the practice's data (the frame after it rendered).
    Dashboard,
}

/// Where the app stands, for the first screen to choose itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum Stage {
    /// No practice yet: show first-run setup.
    NeedsSetup,
    /// A practice the keychain could not open: ask for the recovery passphrase.
    Locked,
    Ready,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppStatus {
    pub stage: Stage,
    pub demo: bool,
    pub data_dir: String,
    /// Why the key is not in the keychain, when it is not.
    pub keychain_note: Option<String>,
    /// Locked in this session with a PIN that may still open it (tries left).
    pub pin_unlock: bool,
    /// Today's dashboard as read when the practice opened at launch (each list's first rows, as
    /// many as asked for), with the first status only: the first screen then needs no second call.
    /// `null` otherwise, or when it was read more than 30 s before.
    pub today: Option<Dashboard>,
}

/// Today with each list cut to its `first` rows, as the UI asks for it; whole for `None`.
pub fn today_cut(today: Dashboard, first: Option<u32>) -> Dashboard {
    match first {
        Some(n) => today.first(usize::try_from(n).unwrap_or(usize::MAX)),
        None => today,
    }
}

/// How old the dashboard read at launch may be and still be shown as Today.
const TODAY_FRESH: chrono::TimeDelta = chrono::TimeDelta::seconds(30);

pub struct AppState {
    pub launch: Launch,
    pub keychain: Keychain,
    practice: Mutex<Option<Practice>>,
    /// The practice being opened on its own thread since launch, while WebKit starts its processes;
    /// the UI's first `app_status` takes it (and waits for it, holding this lock, so that two
    /// calls never open the practice twice).
    launch_open: Mutex<Option<JoinHandle<arcwell::Result<Opened>>>>,
    /// The reminder scheduler, started when the practice is first unlocked.
    scheduler: OnceLock<SchedulerHandle>,
    /// The facilitator's setting: closing the window hides it to the tray.
    pub keep_in_tray: AtomicBool,
    /// Whether this desktop gave us a tray icon (without one, closing the window quits).
    pub has_tray: AtomicBool,
    /// Counts unlocks, so a delayed automatic lock can tell it is still the same unlock.
    unlocks: AtomicU64,
    /// Set by a lock in this session: from then on the keychain alone opens nothing (the login
    /// keyring stays open all session); only the PIN or the recovery passphrase does.
    locked_in_session: AtomicBool,
    /// What the lock left for the PIN, when the practice has one.
    relock: Mutex<Option<PinLock>>,
}

impl AppState {
    pub fn new(launch: Launch) -> Self {
        Self {
            launch,
            keychain: Keychain::from_env(),
            practice: Mutex::new(None),
            launch_open: Mutex::new(None),
            scheduler: OnceLock::new(),
            keep_in_tray: AtomicBool::new(true),
            has_tray: AtomicBool::new(false),
            unlocks: AtomicU64::new(0),
            locked_in_session: AtomicBool::new(false),
            relock: Mutex::new(None),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Practice>> {
        // A panic inside a command poisons the mutex; the practice itself is still consistent
        // (every write is one transaction), so carry on with it.
        self.practice.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts opening the practice on its own thread. Called once, from the app's setup: after the
    /// single-instance check (a second launch exits before it could touch the practice) and after
    /// the window began loading. Without a thread, `open_at_start` opens it when asked.
    pub fn open_in_background(&self) {
        let launch = self.launch.clone();
        let keychain = self.keychain.clone();
        let thread = std::thread::Builder::new()
            .name("arcwell-open".into())
            .spawn(move || launch.open(&keychain, chrono::Utc::now()));
        if let Ok(thread) = thread {
            *self.launch_open.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(thread);
        }
    }

    /// Where the app stands, for the UI's first screen: the practice opened at launch when it was,
    /// or opened now; with Today's dashboard (each list's `first` rows) when it was read as the
    /// practice opened, and only then.
    pub fn open_at_start(&self, first: Option<u32>) -> arcwell::Result<AppStatus> {
        let mut launch_open = self.launch_open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if self.is_open() {
            return Ok(self.status(Stage::Ready, None));
        }
        // After a lock the keychain does not open it again: the PIN or the passphrase does.
        if self.locked_in_session() {
            return Ok(self.status(Stage::Locked, None));
        }
        let opened = match launch_open.take().map(JoinHandle::join) {
            Some(Ok(opened)) => opened,
            // No thread, or it panicked: open here.
            Some(Err(_)) | None => self.launch.open(&self.keychain, chrono::Utc::now()),
        }?;
        Ok(match opened {
            Opened::Practice { practice, today } => {
                let status = self.install(*practice);
                let fresh = today.filter(|t| chrono::Utc::now() - t.1 <= TODAY_FRESH);
                AppStatus { today: fresh.map(|t| today_cut(t.0, first)), ..status }
            }
            Opened::NeedsSetup => self.status(Stage::NeedsSetup, None),
            Opened::Locked => self.status(Stage::Locked, None),
        })
    }

    /// Reads from the open practice, or says it is locked. Reads borrow the practice mutably as
    /// writes do (one connection, one user at a time), but tell the scheduler nothing.
    pub fn with<T>(&self, f: impl FnOnce(&mut Practice) -> arcwell::Result<T>) -> arcwell::Result<T> {
        let mut guard = self.lock();
        let practice = guard.as_mut().ok_or(Error::Locked)?;
        f(practice)
    }

    /// Changes the open practice, then tells the reminder scheduler the data changed (a check-in may
    /// have been added, moved or completed, or a setting changed).
    pub fn write<T>(&self, f: impl FnOnce(&mut Practice) -> arcwell::Result<T>) -> arcwell::Result<T> {
        let result = {
            let mut guard = self.lock();
            let practice = guard.as_mut().ok_or(Error::Locked)?;
            f(practice)
        };
        if result.is_ok() {
            self.data_changed();
        }
        result
    }

    /// For the scheduler: runs `f` on the practice, or `None` while it is locked.
    pub fn try_with<T>(&self, f: impl FnOnce(&mut Practice) -> arcwell::Result<T>) -> Option<arcwell::Result<T>> {
        self.lock().as_mut().map(f)
    }

    pub fn install(&self, mut practice: Practice) -> AppStatus {
        let note = practice.keychain_note().map(str::to_owned);
        if let Ok(settings) = practice.reminders().settings() {
            self.keep_in_tray.store(settings.keep_in_tray, Ordering::Relaxed);
        }
        {
            let mut open = self.lock();
            *open = Some(practice);
            self.unlocks.fetch_add(1, Ordering::SeqCst);
        }
        self.locked_in_session.store(false, Ordering::SeqCst);
        *self.relock_slot() = None;
        self.data_changed();
        self.status(Stage::Ready, note)
    }

    /// Locks: the lock is recorded in the audit trail and the practice dropped, which closes its
    /// connection (SQLCipher wipes the key it held). The scheduler waits until the next unlock.
    ///
    /// From here only the PIN (from what the lock leaves, `PinLock`) or the recovery passphrase
    /// opens it again in this session, not the keychain.
    pub fn close(&self, reason: LockReason) -> AppStatus {
        if let Some(mut practice) = self.lock().take() {
            self.locked_in_session.store(true, Ordering::SeqCst);
            match practice.unlock_pin().lock() {
                Ok(relock) => *self.relock_slot() = relock,
                Err(e) => eprintln!("arcwell: locked; the PIN cannot open it this time: {:?}", e.code()),
            }
            if let Err(e) = practice.lock(reason) {
                // Locked all the same; only the record of it is missing. Ids and codes only in logs.
                eprintln!("arcwell: locked, but the lock was not recorded in the audit trail: {:?}", e.code());
            }
        }
        self.status(Stage::Locked, None)
    }

    fn relock_slot(&self) -> std::sync::MutexGuard<'_, Option<PinLock>> {
        self.relock.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether a lock in this session closed the practice (so the keychain alone opens nothing).
    pub fn locked_in_session(&self) -> bool {
        self.locked_in_session.load(Ordering::SeqCst)
    }

    /// Opens the practice with the unlock PIN, after a lock in this session. A wrong PIN costs one
    /// of the lock's few tries; when they are used, only the recovery passphrase opens it.
    pub fn unlock_with_pin(&self, pin: &str) -> arcwell::Result<AppStatus> {
        if self.is_open() {
            return Ok(self.status(Stage::Ready, None));
        }
        let mut slot = self.relock_slot();
        let Some(relock) = slot.as_mut() else {
            return Err(Error::PinTriesUsed);
        };
        match relock.unlock(pin) {
            Ok(practice) => {
                drop(slot);
                Ok(self.install(practice))
            }
            Err(e) => {
                if relock.tries_left() == 0 {
                    *slot = None;
                }
                Err(e)
            }
        }
    }

    /// Closes the practice as the app quits: no lock is recorded (quitting is not locking); dropping
    /// it syncs the audit anchor and closes the connection.
    pub fn release(&self) {
        drop(self.lock().take());
    }

    /// Keeps the scheduler's handle (once: the scheduler outlives locking and unlocking).
    pub fn attach_scheduler(&self, handle: SchedulerHandle) {
        let _already = self.scheduler.set(handle);
    }

    pub fn scheduler(&self) -> Option<&SchedulerHandle> {
        self.scheduler.get()
    }

    /// Whether closing the window should hide it instead of quitting: only with a tray to reopen it
    /// from, the setting on, and an unlocked practice (a locked one has no reminders to keep coming).
    pub fn hides_on_close(&self) -> bool {
        self.has_tray.load(Ordering::Relaxed) && self.keep_in_tray.load(Ordering::Relaxed) && self.is_open()
    }

    pub fn data_changed(&self) {
        if let Some(s) = self.scheduler.get() {
            s.data_changed();
        }
    }

    pub fn status(&self, stage: Stage, keychain_note: Option<String>) -> AppStatus {
        let pin_unlock = stage == Stage::Locked && self.relock_slot().as_ref().is_some_and(|r| r.tries_left() > 0);
        AppStatus {
            stage,
            demo: self.launch.demo,
            data_dir: self.launch.data_dir.display().to_string(),
            keychain_note,
            pin_unlock,
            today: None,
        }
    }

    pub fn is_open(&self) -> bool {
        self.lock().is_some()
    }

    /// Which unlock the open practice is (`None` while locked).
    pub fn opened(&self) -> Option<u64> {
        let open = self.lock();
        open.is_some().then(|| self.unlocks.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arcwell::domain::profile::ProfileInput;
    use arcwell::key::Passphrase;

    fn practice(dir: &std::path::Path, keep_in_tray: bool) -> Practice {
        let profile = ProfileInput { name: "Rowan Hale".into(), timezone: "UTC".into(), ..Default::default() };
        let mut p = Practice::init(
            dir,
            &profile,
            &Passphrase::new("lantern meadow copper"),
            &Keychain::Off,
            chrono::Utc::now(),
        )
        .unwrap();
        let mut s = p.reminders().settings().unwrap();
        s.keep_in_tray = keep_in_tray;
        p.reminders().update_settings(&s).unwrap();
        p
    }

    #[test]
    fn after_a_lock_only_the_pin_or_the_passphrase_opens_the_practice_again() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::new(Launch { data_dir: dir.path().join("demo"), demo: true, startup_probe: false });
        assert_eq!(state.open_at_start(None).unwrap().stage, Stage::Ready, "at launch it opens by itself");
        let locked = state.close(LockReason::ByHand);
        assert_eq!((locked.stage, locked.pin_unlock), (Stage::Locked, false), "no PIN set: the passphrase only");
        assert_eq!(state.open_at_start(None).unwrap().stage, Stage::Locked, "asking again does not open it");
        assert!(!state.is_open());
        assert_eq!(state.unlock_with_pin("4821").unwrap_err().code(), arcwell::ErrorCode::PassphraseRequired);

        let practice =
            Practice::open_with_passphrase(&dir.path().join("demo"), &Passphrase::new(DEMO_PASSPHRASE), &Keychain::Off)
                .unwrap();
        state.install(practice);
        state.write(|p| p.unlock_pin().set(&Passphrase::new(DEMO_PASSPHRASE), Some("4821"))).unwrap();
        let locked = state.close(LockReason::Idle);
        assert_eq!((locked.stage, locked.pin_unlock), (Stage::Locked, true));
        assert_eq!(
            state.open_at_start(None).unwrap().stage,
            Stage::Locked,
            "the launch's path does not open it either"
        );
        assert_eq!(state.unlock_with_pin("0000").unwrap_err().code(), arcwell::ErrorCode::WrongPassphrase);
        assert!(state.status(Stage::Locked, None).pin_unlock, "tries are left");
        assert_eq!(state.unlock_with_pin("4821").unwrap().stage, Stage::Ready);
        assert!(state.is_open() && !state.locked_in_session());
    }

    #[test]
    fn closing_hides_to_the_tray_only_with_a_tray_the_setting_and_an_open_practice() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::new(Launch { data_dir: dir.path().into(), demo: false, startup_probe: false });
        state.has_tray.store(true, Ordering::Relaxed);
        assert!(!state.hides_on_close(), "locked: closing quits");
        state.install(practice(&dir.path().join("on"), true));
        assert!(state.hides_on_close());
        state.has_tray.store(false, Ordering::Relaxed);
        assert!(!state.hides_on_close(), "no tray to come back from: closing quits");
        state.has_tray.store(true, Ordering::Relaxed);
        state.install(practice(&dir.path().join("off"), false));
        assert!(!state.hides_on_close(), "the facilitator turned it off");
    }

    #[test]
    fn the_practice_opened_at_launch_is_the_one_the_first_screen_gets_and_it_opens_once() {
        let dir = tempfile::tempdir().unwrap();
        let state = std::sync::Arc::new(AppState::new(Launch {
            data_dir: dir.path().join("demo"),
            demo: true,
            startup_probe: false,
        }));
        state.open_in_background();
        // Two first calls at once (a reload racing the first screen): one waits for the other. A
        // second open would find the practice held by the first and fail.
        let racing: Vec<_> = (0..2)
            .map(|_| {
                let state = std::sync::Arc::clone(&state);
                std::thread::spawn(move || state.open_at_start(Some(1)))
            })
            .collect();
        let mut given = Vec::new();
        for call in racing {
            let status = call.join().unwrap().unwrap();
            assert_eq!(status.stage, Stage::Ready, "both calls see the practice the launch opened");
            given.extend(status.today);
        }
        // Today as read at launch comes with the first status only, each list cut to the rows asked for.
        assert_eq!(given.len(), 1, "one of the two first calls carries Today");
        let today = state.with(|p| p.integration().dashboard(chrono::Utc::now())).unwrap();
        assert!(today.due_today.len() > 1, "the demo practice is the one installed");
        assert_eq!(given[0].due_today.len(), 1);
        assert_eq!(given[0].totals, today.totals, "the lists' lengths before the cut are whole");
        assert!(state.launch_open.lock().unwrap().is_none(), "the launch's thread was taken");
        let later = state.open_at_start(Some(1)).unwrap();
        assert_eq!(later.stage, Stage::Ready, "later calls find it open");
        assert!(later.today.is_none(), "and read Today themselves");
    }

    #[test]
    fn without_a_practice_the_first_screen_is_setup_and_without_a_key_it_asks_for_the_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let launch = Launch { data_dir: dir.path().into(), demo: false, startup_probe: false };
        let mut state = AppState::new(launch.clone());
        state.keychain = Keychain::Off;
        state.open_in_background();
        assert_eq!(state.open_at_start(None).unwrap().stage, Stage::NeedsSetup);
        drop(practice(dir.path(), true));

        // A practice whose key is in no keychain: the passphrase screen, whether opened at launch or when asked.
        for at_launch in [true, false] {
            let mut state = AppState::new(launch.clone());
            state.keychain = Keychain::Off;
            if at_launch {
                state.open_in_background();
            }
            assert_eq!(state.open_at_start(None).unwrap().stage, Stage::Locked, "opened at launch: {at_launch}");
            assert!(!state.is_open());
        }
    }

    #[test]
    fn quitting_closes_the_practice_with_its_audit_anchor_at_the_trail_head() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::new(Launch { data_dir: dir.path().into(), demo: false, startup_probe: false });
        state.install(practice(dir.path(), true));
        let profile = ProfileInput { name: "Rowan Hale".into(), timezone: "UTC".into(), ..Default::default() };
        for _ in 0..2 {
            state.write(|p| p.facilitator().update(&profile, chrono::Utc::now())).unwrap();
        }
        let newest = || {
            let query = arcwell::store::audit::AuditQuery { participant: None, before: None, limit: 1 };
            state.with(|p| p.audit().entries(&query)).unwrap()[0].seq
        };
        let anchored = || -> i64 {
            let text = std::fs::read_to_string(dir.path().join(arcwell::store::audit::HEAD_FILE)).unwrap();
            text.lines().nth(1).and_then(|l| l.split(' ').next()).unwrap().parse().unwrap()
        };
        let head = newest();
        assert!(anchored() < head, "saves in a burst leave the anchor behind until it next moves");
        state.release();
        assert!(!state.is_open());
        assert_eq!(anchored(), head, "closing on quit brings the anchor up to the newest entry");
    }
}
