//! What the app holds between commands: where the practice lives and, once unlocked, the open practice.

use std::path::PathBuf;
use std::sync::Mutex;

use arcwell::{Error, Keychain, Practice};
use serde::Serialize;
use ts_rs::TS;

/// The passphrase of the demo practice. Its data is invented, so the key file is only a formality.
pub const DEMO_PASSPHRASE: &str = "arcwell demo practice";

/// How the app was started.
#[derive(Debug, Clone)]
pub struct Launch {
    pub data_dir: PathBuf,
    pub demo: bool,
}

impl Launch {
    pub fn from_env(mut args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut demo = std::env::var("ARCWELL_DEMO").is_ok_and(|v| v == "1");
        let mut data_dir = std::env::var_os("ARCWELL_DATA_DIR").map(PathBuf::from);
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
        Ok(Self { data_dir, demo })
    }
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
}

pub struct AppState {
    pub launch: Launch,
    pub keychain: Keychain,
    practice: Mutex<Option<Practice>>,
}

impl AppState {
    pub fn new(launch: Launch) -> Self {
        Self { launch, keychain: Keychain::from_env(), practice: Mutex::new(None) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Practice>> {
        // A panic inside a command poisons the mutex; the practice itself is still consistent
        // (every write is one transaction), so carry on with it.
        self.practice.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the open practice, or says it is locked.
    pub fn with<T>(&self, f: impl FnOnce(&mut Practice) -> arcwell::Result<T>) -> arcwell::Result<T> {
        let mut guard = self.lock();
        let practice = guard.as_mut().ok_or(Error::Locked)?;
        f(practice)
    }

    pub fn install(&self, practice: Practice) -> AppStatus {
        let mut guard = self.lock();
        let note = practice.keychain_note().map(str::to_owned);
        *guard = Some(practice);
        self.status(Stage::Ready, note)
    }

    pub fn status(&self, stage: Stage, keychain_note: Option<String>) -> AppStatus {
        AppStatus { stage, demo: self.launch.demo, data_dir: self.launch.data_dir.display().to_string(), keychain_note }
    }

    pub fn is_open(&self) -> bool {
        self.lock().is_some()
    }
}
