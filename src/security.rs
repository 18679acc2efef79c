//! Locking and retention settings: when the app locks by itself, and how long records are kept;
//! and keeping the process that holds the key out of core dumps.

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::store::audit::{self, Action, Subject};
use crate::{Error, Practice, Result};

/// Keeps this process and every process it starts (WebKit's) out of core dumps, which would write
/// the database key and decrypted pages to disk: the core size limit goes to 0 (inherited across
/// `exec`), and this process is made non-dumpable (no core, and no `ptrace` attach by other
/// processes of the same user). Called first thing by the app and the CLI. Says what failed.
pub fn forbid_core_dumps() -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        use nix::sys::resource::{Resource, setrlimit};
        let failed = |what: &str, e: nix::Error| Error::io(what.to_owned(), std::io::Error::from(e));
        setrlimit(Resource::RLIMIT_CORE, 0, 0).map_err(|e| failed("cannot turn core dumps off", e))?;
        nix::sys::prctl::set_dumpable(false).map_err(|e| failed("cannot make the process non-dumpable", e))?;
    }
    Ok(())
}

/// The longest idle time the app waits before locking (8 hours).
pub const MAX_AUTO_LOCK_MINUTES: u32 = 480;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SecuritySettings {
    /// Lock after this many minutes without input; 0 turns idle locking off. Default 10.
    pub auto_lock_minutes: u32,
    /// Lock when the computer sleeps or its screen locks. Default on.
    pub lock_on_sleep: bool,
    /// Keep every record at least this many years after its arc closed (Oregon's rule: 5).
    pub retention_years: u32,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        Self { auto_lock_minutes: 10, lock_on_sleep: true, retention_years: 5 }
    }
}

impl SecuritySettings {
    fn check(&self) -> Result<()> {
        if self.auto_lock_minutes > MAX_AUTO_LOCK_MINUTES {
            return Err(Error::invalid(format!(
                "auto-lock after at most {MAX_AUTO_LOCK_MINUTES} minutes (8 hours); 0 turns it off"
            )));
        }
        if !(1..=100).contains(&self.retention_years) {
            return Err(Error::invalid("keep records between 1 and 100 years (Oregon requires at least 5)"));
        }
        Ok(())
    }
}

pub(crate) fn load(conn: &Connection) -> Result<SecuritySettings> {
    Ok(conn.query_row(
        "SELECT auto_lock_minutes, lock_on_sleep, retention_years FROM security_settings WHERE id = 1",
        [],
        |r| Ok(SecuritySettings { auto_lock_minutes: r.get(0)?, lock_on_sleep: r.get(1)?, retention_years: r.get(2)? }),
    )?)
}

/// Security settings: idle lock.
/// Borrowed from a practice by [`Practice::security`].
pub struct Security<'p> {
    pub(crate) practice: &'p mut Practice,
}

impl Security<'_> {
    pub fn settings(self) -> Result<SecuritySettings> {
        self.practice.read(load)
    }

    pub fn update_settings(self, new: &SecuritySettings) -> Result<SecuritySettings> {
        new.check()?;
        self.practice.write(|tx| {
            tx.execute(
                "UPDATE security_settings SET auto_lock_minutes = ?1, lock_on_sleep = ?2, retention_years = ?3 WHERE id = 1",
                params![new.auto_lock_minutes, new.lock_on_sleep, new.retention_years],
            )?;
            let detail = format!(
                "auto-lock {} min, on sleep {}, keep {} years",
                new.auto_lock_minutes,
                if new.lock_on_sleep { "on" } else { "off" },
                new.retention_years
            );
            audit::record(tx, Action::Update, &Subject::Settings, Some(&detail))?;
            load(tx)
        })
    }
}

#[cfg(all(test, target_os = "linux"))]
mod core_dumps {
    #[test]
    fn a_process_holding_the_key_dumps_no_core_and_neither_do_its_children() {
        super::forbid_core_dumps().unwrap();
        assert!(!nix::sys::prctl::get_dumpable().unwrap(), "this process is not dumpable");
        let limit = nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_CORE).unwrap();
        assert_eq!(limit, (0, 0), "no core file of any size, and it cannot be raised again");
        let child = std::process::Command::new("sh").args(["-c", "ulimit -c; ulimit -H -c"]).output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&child.stdout),
            "0\n0\n",
            "a process it starts (WebKit's) inherits the limit"
        );
    }
}
