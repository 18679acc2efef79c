//! Command-line arguments and what each command does with the core.

use std::path::PathBuf;

use arcwell::domain::arc::{AdvanceArc, OpenArc, Phase};
use arcwell::domain::parse_id;
use arcwell::domain::participant::ParticipantInput;
use arcwell::domain::profile::ProfileInput;
use arcwell::domain::session::FollowUp;
use arcwell::domain::session::{CompleteSession, ScheduleSession, SessionKind};
use arcwell::integration::bend::{AddSeries, Resume};
use arcwell::{Error, Keychain, Practice, Result};
use chrono::Utc;
use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use crate::backup::BackupCmd;
use crate::documents::{FlagCmd, NoteCmd, PackCmd, TemplateCmd};
use crate::export::ExportCmd;
use crate::integration::{AlertCmd, CheckinCmd, MilestoneCmd, PlanCmd};
use crate::measures::MeasureCmd;
use crate::reminders::{NotificationCmd, ReminderFlags};
use crate::{documents, integration, output, reminders, secret};

#[derive(Parser)]
#[command(
    name = "arcwell",
    version,
    about = "Arcwell: an encrypted, local-first practice record for psychedelic facilitators"
)]
pub struct Cli {
    /// The practice directory [default: the OS data directory, e.g. ~/.local/share/arcwell]
    #[arg(long, global = true, env = "ARCWELL_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Print machine-readable JSON instead of text
    #[arg(long, global = true)]
    pub json: bool,
    /// Read the recovery passphrase from the first line of stdin (wins over ARCWELL_PASSPHRASE)
    #[arg(long, global = true)]
    passphrase_stdin: bool,
    /// Read the recovery passphrase from the first line of FILE, which only you may read (mode
    /// 0600 or 0400; wins over ARCWELL_PASSPHRASE)
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "passphrase_stdin")]
    passphrase_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new practice: a fresh key, the recovery key file and the encrypted database
    Init {
        /// Your name, as the facilitator
        #[arg(long)]
        name: String,
        /// Your IANA time zone, e.g. Europe/Berlin
        #[arg(long)]
        timezone: String,
        /// Preferred local time of day for check-ins, HH:MM [default: 10:00]
        #[arg(long, value_name = "HH:MM")]
        checkin_time: Option<String>,
        /// Fill the new practice with invented demo participants
        #[arg(long)]
        demo: bool,
    },
    /// Participants: add, list, show, edit
    #[command(subcommand)]
    Participant(ParticipantCmd),
    /// Arcs: open, advance, show
    #[command(subcommand)]
    Arc(ArcCmd),
    /// Sessions: schedule, complete, cancel, no-show
    #[command(subcommand)]
    Session(SessionCmd),
    /// The practice at a glance
    Status,
    /// Your profile and settings: show, or set --name, --timezone, --checkin-time, --stall-days
    Profile {
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        timezone: Option<String>,
        #[arg(long, value_name = "HH:MM")]
        checkin_time: Option<String>,
        /// Days without contact, while a check-in is past due, before an arc counts as stalled
        #[arg(long, value_name = "DAYS")]
        stall_days: Option<u32>,
    },
    /// Follow-up plans: list, show, add, edit
    #[command(subcommand)]
    Plan(PlanCmd),
    /// Check-ins: list, show, complete, skip, reschedule, add, draft; packet and import (the participant answers offline)
    #[command(subcommand)]
    Checkin(CheckinCmd),
    /// Milestones: add, set, list
    #[command(subcommand)]
    Milestone(MilestoneCmd),
    /// Open alerts (--all: acknowledged and snoozed too); `alerts ack KEY`, `alerts snooze KEY --until DATE`
    Alerts {
        #[arg(long)]
        all: bool,
        #[command(subcommand)]
        action: Option<AlertCmd>,
    },
    /// Who needs a check-in today and this week, who is overdue, stalled or ready to complete
    Dashboard,
    /// Run the reminder scheduler without the app: raise a desktop notification when check-ins come due
    Watch,
    /// The notification centre: what reminders were raised (`notifications read` marks them read)
    Notifications {
        #[command(subcommand)]
        action: Option<NotificationCmd>,
    },
    /// Reminder settings: show, or set --quiet-hours, --show-names, --keep-in-tray
    Reminders {
        #[command(flatten)]
        flags: ReminderFlags,
    },
    /// Document templates: list, show, export, import, copy
    #[command(subcommand)]
    Template(TemplateCmd),
    /// Jurisdiction packs of templates (Oregon, Colorado): list, on, off
    #[command(subcommand)]
    Pack(PackCmd),
    /// Phase documents: add, save, sign, amend, withdraw, show, list
    #[command(subcommand)]
    Note(NoteCmd),
    /// Screening flags: list, ack
    #[command(subcommand)]
    Flag(FlagCmd),
    /// Encrypted backups: create, verify, restore, list
    #[command(subcommand)]
    Backup(BackupCmd),
    /// Outcome measures: library, show, give, list, withdraw, trajectory
    #[command(subcommand)]
    Measure(MeasureCmd),
    /// The recovery passphrase and the database key: change the passphrase, rotate the key
    #[command(subcommand)]
    Key(KeyCmd),
    /// Check every page of the practice file; when the damaged pages hold no records (free pages,
    /// the search index), write the file anew without them (asks for the recovery passphrase). Stop `arcwell
    /// watch` and the app first
    Repair,
    /// Records past their retention period: list them; purge one on request (after `export record`)
    #[command(subcommand)]
    Retention(RetentionCmd),
    /// The audit trail: list what was done, verify that nothing in it was changed
    #[command(subcommand)]
    Audit(crate::audit::AuditCmd),
    /// Exports that are NOT encrypted: a participant's printable record, CSV, an iCalendar file
    #[command(subcommand)]
    Export(ExportCmd),
    /// Retreats: group dosing days, who is there, and the retreat's calendar and roster
    #[command(subcommand)]
    Retreat(crate::retreat::RetreatCmd),
    /// Search participants, check-in notes and documents (every word must occur; "quoted phrases")
    Search {
        text: String,
        /// Only documents of this phase: preparation, screening, consent, administration, integration
        #[arg(long)]
        phase: Option<String>,
        #[arg(long, value_name = "PARTICIPANT_ID")]
        participant: Option<String>,
        /// Written on or after this day (YYYY-MM-DD, your time zone)
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: Option<String>,
        /// Written on or before this day
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
}

#[derive(Subcommand)]
enum RetentionCmd {
    /// Participants whose every arc closed longer ago than the retention period (5 years by default)
    List,
    /// Delete a participant's whole record: only past retention, after `arcwell export record`
    Purge {
        participant: String,
        /// The participant's name exactly as recorded, to confirm
        #[arg(long)]
        confirm_name: String,
    },
}

#[derive(Subcommand)]
enum KeyCmd {
    /// Change the recovery passphrase (asks for the current one, then the new one twice, or reads
    /// ARCWELL_PASSPHRASE and ARCWELL_NEW_PASSPHRASE)
    Passphrase,
    /// Rotate the database key: the whole practice is written anew under a fresh key (asks for the
    /// recovery passphrase). Stop `arcwell watch` and the app first
    Rotate,
}

#[derive(Args)]
struct ParticipantFields {
    #[arg(long)]
    pronouns: Option<String>,
    #[arg(long)]
    contact: Option<String>,
    #[arg(long)]
    emergency_contact: Option<String>,
    /// Date of birth, YYYY-MM-DD
    #[arg(long, value_name = "YYYY-MM-DD")]
    dob: Option<String>,
    /// A tag; repeat for several (on edit, the given tags replace the old ones)
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    #[arg(long)]
    notes: Option<String>,
}

#[derive(Subcommand)]
enum ParticipantCmd {
    /// Add a participant
    Add {
        name: String,
        #[command(flatten)]
        fields: ParticipantFields,
    },
    /// List participants by name
    List,
    /// Show a participant and their arcs
    Show { id: String },
    /// Change a participant's details; only the options given change, and "" clears a field
    Edit {
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        fields: ParticipantFields,
        /// Remove every tag
        #[arg(long)]
        clear_tags: bool,
    },
}

#[derive(Subcommand)]
enum ArcCmd {
    /// Open a new arc (in inquiry) for a participant
    Open {
        participant_id: String,
        #[arg(long)]
        intention: Option<String>,
        /// The follow-up plan [default: the default plan]
        #[arg(long, value_name = "PLAN_ID")]
        plan: Option<String>,
    },
    /// Choose the follow-up plan an arc uses ("default" for the default plan)
    SetPlan { id: String, plan: String },
    /// Move an arc to a phase: inquiry, preparation, administration, integration, completion, withdrawn, referred_out
    Advance {
        id: String,
        phase: String,
        /// Needed when skipping a phase, going back, or leaving by an exit
        #[arg(long)]
        reason: Option<String>,
    },
    /// Show an arc with its history and sessions
    Show { id: String },
    /// Set an arc's approach tags (somatic, IFS, mindfulness, …), the whole list; none clears them
    Approaches { id: String, tags: Vec<String> },
    /// Move every check-in still due N days (negative: earlier), keeping each one's local time
    Shift {
        id: String,
        #[arg(allow_hyphen_values = true)]
        days: i64,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Pause an arc's follow-ups (not overdue, not stalled, no reminders) through a day, or until resumed
    Pause {
        id: String,
        /// The last day paused (YYYY-MM-DD) [default: until resumed]
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Resume a paused arc: its check-ins still due move by the days paused, or keep their dates
    Resume {
        id: String,
        /// Leave every date as it is
        #[arg(long)]
        keep_dates: bool,
    },
    /// Follow another plan: what is still due is skipped and the new plan's steps still ahead are
    /// queued from the same dosing ("default" for the default plan); what was done stays
    SwitchPlan {
        id: String,
        plan: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Add a series of check-ins, e.g. `--every 1w --count 4 --from 2026-12-10 --purpose "Weekly check-in"`
    AddSeries {
        id: String,
        /// The first one's day (YYYY-MM-DD), at your check-in time
        #[arg(long, value_name = "DATE")]
        from: String,
        /// The spacing: 3d, 1w, 2w, 1m
        #[arg(long, value_name = "OFFSET")]
        every: String,
        #[arg(long)]
        count: u32,
        #[arg(long)]
        purpose: String,
        #[arg(long = "prompt")]
        prompts: Vec<String>,
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Subcommand)]
enum SessionCmd {
    /// Schedule a session on an open arc
    Schedule {
        arc_id: String,
        /// consultation, preparation, administration or integration
        #[arg(long)]
        kind: String,
        /// ISO 8601; without an offset, local to your time zone (e.g. 2026-12-01T10:00)
        #[arg(long, value_name = "TIME")]
        at: String,
        #[arg(long)]
        location: Option<String>,
    },
    /// Record when a scheduled session really started and ended. Completing an administration
    /// session queues the arc's follow-up check-ins and moves it into integration.
    Complete {
        id: String,
        #[arg(long, value_name = "TIME")]
        started: String,
        #[arg(long, value_name = "TIME")]
        ended: String,
        /// A further administration: move the check-ins still due to this session
        #[arg(long, conflicts_with = "new_series")]
        re_anchor: bool,
        /// A further administration: queue the whole plan again as a new series
        #[arg(long)]
        new_series: bool,
        /// The session's record (from `session record`): a draft is signed with the session
        #[arg(long, value_name = "DOCUMENT")]
        document: Option<String>,
    },
    /// Start (or continue) the record of a session (the administration record for a dosing
    /// session); prints the document, whose answers `note save` fills in
    Record {
        id: String,
        /// A template id; by default the shipped template of the session's kind
        #[arg(long)]
        template: Option<String>,
    },
    /// Cancel a scheduled session
    Cancel {
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Record that the participant did not come
    NoShow {
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
}

struct Ctx {
    dir: PathBuf,
    json: bool,
    passphrase: secret::Source,
    keychain: Keychain,
}

impl Ctx {
    fn open(&self) -> Result<Practice> {
        let why = match Practice::open_with_keychain_or_why(&self.dir, &self.keychain)? {
            Ok(p) => return Ok(p),
            Err(why) => why,
        };
        let pass = match secret::read(&self.passphrase, false) {
            // No passphrase to be had: say why the keychain did not do.
            Err(arcwell::Error::PassphraseRequired) => return Err(why),
            other => other?,
        };
        let practice = Practice::open_with_passphrase(&self.dir, &pass, &self.keychain)?;
        Ok(practice)
    }

    fn print<T: Serialize>(&self, value: &T, text: impl FnOnce(&T) -> String) -> Result<()> {
        output::print(self.json, value, text)
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx {
        dir: match cli.data_dir {
            Some(d) => d,
            None => arcwell::store::default_dir()?,
        },
        json: cli.json,
        passphrase: match (cli.passphrase_file, cli.passphrase_stdin) {
            (Some(file), _) => secret::Source::File(file),
            (None, true) => secret::Source::Stdin,
            (None, false) => secret::Source::EnvOrPrompt,
        },
        keychain: Keychain::from_env(),
    };
    let now = Utc::now();
    match cli.command {
        Command::Init { name, timezone, checkin_time, demo } => {
            let profile = ProfileInput { name, timezone, checkin_time, stall_days: None };
            if arcwell::store::exists(&ctx.dir) {
                return Err(Error::AlreadyInitialized(ctx.dir.clone()));
            }
            let pass = secret::read(&ctx.passphrase, true)?;
            let mut practice = Practice::init(&ctx.dir, &profile, &pass, &ctx.keychain, now)?;
            if demo {
                arcwell::demo::seed(&mut practice, now)?;
            }
            let status = output::Opened::of(&practice)?;
            ctx.print(&status, output::opened_text)
        }
        Command::Participant(cmd) => participant(&ctx, cmd, now),
        Command::Arc(cmd) => arc(&ctx, cmd, now),
        Command::Session(cmd) => session(&ctx, cmd, now),
        Command::Status => {
            let practice = ctx.open()?;
            let status = output::StatusReport::of(&practice, now)?;
            ctx.print(&status, output::status_text)
        }
        Command::Profile { name, timezone, checkin_time, stall_days } => {
            let mut practice = ctx.open()?;
            let old = practice.facilitator().profile()?;
            let profile = if name.is_none() && timezone.is_none() && checkin_time.is_none() && stall_days.is_none() {
                old
            } else {
                let input = ProfileInput {
                    name: name.unwrap_or(old.name),
                    timezone: timezone.unwrap_or(old.timezone),
                    checkin_time: Some(checkin_time.unwrap_or(old.checkin_time)),
                    stall_days: Some(stall_days.unwrap_or(old.stall_days)),
                };
                practice.facilitator().update(&input, now)?
            };
            ctx.print(&profile, |p| {
                format!(
                    "{}\n  time zone: {}\n  check-ins at: {}\n  stalled after: {} days without contact\n",
                    p.name, p.timezone, p.checkin_time, p.stall_days
                )
            })
        }
        Command::Plan(cmd) => integration::plan(&mut ctx.open()?, cmd, ctx.json, now),
        Command::Checkin(cmd) => integration::checkin(&mut ctx.open()?, cmd, ctx.json, now),
        Command::Milestone(cmd) => integration::milestone(&mut ctx.open()?, cmd, ctx.json, now),
        Command::Alerts { all, action } => integration::alerts(&mut ctx.open()?, action, all, ctx.json, now),
        Command::Dashboard => integration::dashboard(&mut ctx.open()?, ctx.json, now),
        Command::Watch => reminders::watch(ctx.open()?, ctx.json),
        Command::Notifications { action } => reminders::notifications(&mut ctx.open()?, action, ctx.json, now),
        Command::Reminders { flags } => reminders::settings(&mut ctx.open()?, flags, ctx.json),
        Command::Template(cmd) => documents::template(&mut ctx.open()?, cmd, ctx.json, now),
        Command::Note(cmd) => documents::note(&mut ctx.open()?, cmd, ctx.json, now),
        Command::Pack(cmd) => documents::pack(&mut ctx.open()?, cmd, ctx.json, now),
        Command::Flag(cmd) => documents::flag(&mut ctx.open()?, cmd, ctx.json, now),
        Command::Backup(cmd) => crate::backup::run(
            cmd,
            &ctx.dir,
            &ctx.keychain,
            || ctx.open(),
            || secret::read(&ctx.passphrase, false),
            ctx.json,
            now,
        ),
        Command::Measure(cmd) => crate::measures::run(&mut ctx.open()?, cmd, ctx.json, now),
        Command::Retreat(cmd) => crate::retreat::run(&mut ctx.open()?, cmd, ctx.json, now),
        Command::Audit(cmd) => crate::audit::run(&mut ctx.open()?, cmd, ctx.json),
        Command::Retention(cmd) => {
            let mut practice = ctx.open()?;
            match cmd {
                RetentionCmd::List => ctx.print(&practice.retention().past(now)?, |list| {
                    if list.is_empty() {
                        return "no record is past its retention period\n".to_owned();
                    }
                    list.iter()
                        .map(|r| {
                            format!(
                                "{}  {}  last arc closed {}, kept until {}{}\n",
                                r.participant_id,
                                r.name,
                                r.last_closed.format("%Y-%m-%d"),
                                r.kept_until.format("%Y-%m-%d"),
                                if r.exported { ", record exported" } else { "" }
                            )
                        })
                        .collect()
                }),
                RetentionCmd::Purge { participant, confirm_name } => {
                    let id = parse_id("participant", &participant)?;
                    practice.retention().purge(id, &confirm_name, now)?;
                    let done = format!(
                        "purged participant {id}: the record is gone from this practice (older backups keep it until rotated away)"
                    );
                    ctx.print(&serde_json::json!({ "purged": id }), |_| format!("{done}\n"))
                }
            }
        }
        Command::Key(cmd) => {
            let mut practice = ctx.open()?;
            let current = secret::read(&ctx.passphrase, false)?;
            let done = match cmd {
                KeyCmd::Passphrase => {
                    practice.change_passphrase(&current, &secret::read_new()?)?;
                    "the recovery passphrase is changed; practice.key is wrapped under the new one (keep it where you kept the old)"
                }
                KeyCmd::Rotate => {
                    practice.rotate_key(&current, &ctx.keychain)?;
                    "the practice is re-keyed: a new database key, the key file and the keychain updated; the recovery passphrase is unchanged"
                }
            };
            ctx.print(&serde_json::json!({ "done": done }), |_| format!("{done}\n"))
        }
        Command::Repair => {
            let mut practice = ctx.open()?;
            let repair = practice.repair_file(&secret::read(&ctx.passphrase, false)?)?;
            ctx.print(&repair, |r| {
                if r.damaged.is_empty() {
                    return "the practice file is sound: every page passes its check; nothing was changed\n".to_owned();
                }
                let pages: Vec<String> = r.damaged.iter().map(u64::to_string).collect();
                let index = if r.search_remade { " (the search index among them, made anew from what it indexes)" } else { "" };
                format!(
                    "repaired: the damaged pages ({}) held no records{index}; the practice file was written anew without them and nothing was lost. Make a backup now (`arcwell backup create`)\n",
                    pages.join(", ")
                )
            })
        }
        Command::Export(cmd) => crate::export::run(&mut ctx.open()?, cmd, ctx.json, now),
        Command::Search { text, phase, participant, from, to, limit } => {
            let query = arcwell::search::SearchQuery {
                text,
                phase,
                participant: participant.map(|p| parse_id("participant", &p)).transpose()?,
                from,
                to,
                limit: Some(limit),
            };
            let hits = ctx.open()?.search(&query)?;
            ctx.print(&hits, |hits| {
                if hits.is_empty() {
                    return "nothing found\n".to_owned();
                }
                hits.iter()
                    .map(|h| format!("{}  {} — {}\n    {}\n", h.at.local, h.participant_name, h.title, h.snippet))
                    .collect()
            })
        }
    }
}

fn participant(ctx: &Ctx, cmd: ParticipantCmd, now: chrono::DateTime<Utc>) -> Result<()> {
    let mut practice = ctx.open()?;
    match cmd {
        ParticipantCmd::Add { name, fields } => {
            let input = ParticipantInput {
                name,
                pronouns: fields.pronouns,
                contact: fields.contact,
                emergency_contact: fields.emergency_contact,
                date_of_birth: fields.dob,
                tags: fields.tags,
                notes: fields.notes,
            };
            let p = practice.participants().add(&input, now)?;
            ctx.print(&p, output::participant_text)
        }
        ParticipantCmd::List => ctx.print(&practice.participants().list()?, |list| output::participants_text(list)),
        ParticipantCmd::Show { id } => {
            let id = parse_id("participant", &id)?;
            let shown = output::ParticipantWithArcs {
                participant: practice.participants().get(id)?,
                arcs: practice.arcs().of_participant(id)?,
            };
            ctx.print(&shown, output::participant_with_arcs_text)
        }
        ParticipantCmd::Edit { id, name, fields, clear_tags } => {
            let id = parse_id("participant", &id)?;
            let old = practice.participants().get(id)?;
            let input = ParticipantInput {
                name: name.unwrap_or(old.name),
                pronouns: fields.pronouns.or(old.pronouns),
                contact: fields.contact.or(old.contact),
                emergency_contact: fields.emergency_contact.or(old.emergency_contact),
                date_of_birth: fields.dob.or(old.date_of_birth.map(|d| d.to_string())),
                tags: match (clear_tags, fields.tags.is_empty()) {
                    (true, _) => Vec::new(),
                    (false, true) => old.tags,
                    (false, false) => fields.tags,
                },
                notes: fields.notes.or(old.notes),
            };
            let p = practice.participants().edit(id, &input, now)?;
            ctx.print(&p, output::participant_text)
        }
    }
}

fn arc(ctx: &Ctx, cmd: ArcCmd, now: chrono::DateTime<Utc>) -> Result<()> {
    let mut practice = ctx.open()?;
    match cmd {
        ArcCmd::Open { participant_id, intention, plan } => {
            let input = OpenArc {
                participant_id: parse_id("participant", &participant_id)?,
                intention,
                plan_id: plan.map(|p| parse_id("plan", &p)).transpose()?,
            };
            let arc = practice.open_arc(&input, now)?;
            ctx.print(&arc, output::arc_text)
        }
        ArcCmd::Advance { id, phase, reason } => {
            let change = AdvanceArc { to: Phase::parse(&phase)?, reason };
            let arc = practice.advance_arc(parse_id("arc", &id)?, &change, now)?;
            ctx.print(&arc, output::arc_text)
        }
        ArcCmd::SetPlan { id, plan } => {
            let arc = parse_id("arc", &id)?;
            let plan = if plan == "default" { None } else { Some(parse_id("plan", &plan)?) };
            practice.plans().set_for_arc(arc, plan)?;
            ctx.print(&practice.integration().arc(arc, now)?, output::arc_detail_text)
        }
        ArcCmd::Show { id } => {
            ctx.print(&practice.integration().arc(parse_id("arc", &id)?, now)?, output::arc_detail_text)
        }
        ArcCmd::Approaches { id, tags } => {
            let arc = parse_id("arc", &id)?;
            practice.arcs().set_approaches(arc, &tags)?;
            ctx.print(&practice.integration().arc(arc, now)?, output::arc_detail_text)
        }
        ArcCmd::Shift { id, days, reason } => {
            let change = practice.schedules().shift(parse_id("arc", &id)?, days, reason.as_deref(), now)?;
            ctx.print(&change, output::schedule_change_text)
        }
        ArcCmd::Pause { id, until, reason } => {
            let change = practice.schedules().pause(parse_id("arc", &id)?, until.as_deref(), reason.as_deref(), now)?;
            ctx.print(&change, output::schedule_change_text)
        }
        ArcCmd::Resume { id, keep_dates } => {
            let how = if keep_dates { Resume::KeepDates } else { Resume::ReSpace };
            let change = practice.schedules().resume(parse_id("arc", &id)?, how, now)?;
            ctx.print(&change, output::schedule_change_text)
        }
        ArcCmd::SwitchPlan { id, plan, reason } => {
            let plan = if plan == "default" { None } else { Some(parse_id("plan", &plan)?) };
            let change = practice.schedules().switch_plan(parse_id("arc", &id)?, plan, reason.as_deref(), now)?;
            ctx.print(&change, output::schedule_change_text)
        }
        ArcCmd::AddSeries { id, from, every, count, purpose, prompts, reason } => {
            let input = AddSeries { arc_id: parse_id("arc", &id)?, from, every, count, purpose, prompts, reason };
            let change = practice.schedules().add_series(&input, now)?;
            ctx.print(&change, output::schedule_change_text)
        }
    }
}

fn session(ctx: &Ctx, cmd: SessionCmd, now: chrono::DateTime<Utc>) -> Result<()> {
    let mut practice = ctx.open()?;
    let s = match cmd {
        SessionCmd::Schedule { arc_id, kind, at, location } => {
            let input =
                ScheduleSession { arc_id: parse_id("arc", &arc_id)?, kind: SessionKind::parse(&kind)?, at, location };
            practice.sessions().schedule(&input)?
        }
        SessionCmd::Record { id, template } => {
            let template = template.as_deref().map(|t| parse_id("template", t)).transpose()?;
            let d = practice.documents().for_session(parse_id("session", &id)?, template, now)?;
            return output::print(ctx.json, &d, crate::documents::document_text);
        }
        SessionCmd::Complete { id, started, ended, re_anchor, new_series, document } => {
            let document_id = document.as_deref().map(|d| parse_id("document", d)).transpose()?;
            let follow_up = match (re_anchor, new_series) {
                (true, _) => Some(FollowUp::ReAnchor),
                (_, true) => Some(FollowUp::NewSeries),
                _ => None,
            };
            practice.complete_session(
                parse_id("session", &id)?,
                &CompleteSession { started, ended, follow_up, document_id },
                now,
            )?
        }
        SessionCmd::Cancel { id, reason } => {
            practice.sessions().cancel(parse_id("session", &id)?, reason.as_deref())?
        }
        SessionCmd::NoShow { id, reason } => {
            practice.sessions().mark_no_show(parse_id("session", &id)?, reason.as_deref())?
        }
    };
    ctx.print(&s, output::session_text)
}
