//! The audit trail: list its entries, verify its chain.

use arcwell::domain::parse_id;
use arcwell::store::audit::{AuditEntry, AuditQuery};
use arcwell::{Error, Practice, Result};
use clap::Subcommand;

use crate::output;

#[derive(Subcommand)]
pub enum AuditCmd {
    /// The newest entries first: when, what, to what, for whom (ids, and the name as it is now)
    List {
        /// Only entries about this participant
        #[arg(long, value_name = "PARTICIPANT_ID")]
        participant: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Entries before this sequence number (to page back)
        #[arg(long, value_name = "SEQ")]
        before: Option<i64>,
    },
    /// Recompute every entry's hash and check the anchor: exit 0 when intact, 5 (and where) when not
    Verify,
    /// Acknowledge what `verify` reported about practice.audit-head (missing, unreadable, or
    /// disagreeing with the trail): recorded in the trail, then the anchor is made again at its head
    Reanchor,
}

pub fn run(practice: &mut Practice, cmd: AuditCmd, json: bool) -> Result<()> {
    match cmd {
        AuditCmd::List { participant, limit, before } => {
            let query = AuditQuery {
                participant: participant.map(|p| parse_id("participant", &p)).transpose()?,
                before,
                limit,
            };
            let entries = practice.audit().entries(&query)?;
            output::print(json, &entries, |list| list.iter().map(entry_text).collect())
        }
        AuditCmd::Verify => {
            let report = practice.audit().verify()?;
            output::print(json, &report, |r| {
                let mut out = if r.is_intact() {
                    format!("the audit trail is intact: {} entries, every hash checks", r.entries)
                } else {
                    format!("the audit trail is NOT intact: {} problems in {} entries", r.problems.len(), r.entries)
                };
                out.push_str(if r.anchored { "\n" } else { " (no practice.audit-head to check its end against)\n" });
                for p in &r.problems {
                    out.push_str(&format!(
                        "  at entry {}{}: {}\n",
                        p.seq,
                        p.at.as_deref().map(|a| format!(" ({a})")).unwrap_or_default(),
                        p.what
                    ));
                }
                out
            })?;
            if report.is_intact() {
                Ok(())
            } else {
                Err(Error::Conflict(format!(
                    "the audit trail failed verification at entry {}; keep this practice and its backups as they are",
                    report.problems[0].seq
                )))
            }
        }
        AuditCmd::Reanchor => {
            practice.audit().reanchor()?;
            let done = "acknowledged in the audit trail; practice.audit-head anchors it at its head again";
            output::print(json, &serde_json::json!({ "done": done }), |_| format!("{done}\n"))
        }
    }
}

fn entry_text(e: &AuditEntry) -> String {
    let who = match (&e.participant_name, &e.participant_id) {
        (Some(name), _) => format!("  {name}"),
        (None, Some(id)) => format!("  participant {id}"),
        (None, None) => String::new(),
    };
    let what = e.entity_id.as_deref().map(|id| format!(" {id}")).unwrap_or_default();
    let detail = e.detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
    format!("{:>6}  {}  {} {}{what}{detail}{who}\n", e.seq, e.at.format("%Y-%m-%d %H:%M:%S"), e.action, e.entity)
}
