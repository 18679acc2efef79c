//! The export commands: a participant's printable record, CSV files with their data dictionary,
//! an iCalendar file of the check-ins coming up, and a FHIR R4 Bundle of the outcome measures. Each
//! prints the not-encrypted warning.

use std::path::PathBuf;

use arcwell::domain::parse_id;
use arcwell::export::calendar::CalendarRange;
use arcwell::export::fhir::FhirExport;
use arcwell::export::{Exported, Privacy, WARNING};
use arcwell::{Practice, Result};
use chrono::{DateTime, Utc};
use clap::Subcommand;

use crate::output;

#[derive(Subcommand)]
pub enum ExportCmd {
    /// A participant's whole record as a printable HTML file (print it, or save it as PDF, from any browser)
    Record {
        participant: String,
        /// The new file to write (it must not exist yet)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// arcs.csv, sessions.csv and checkins.csv with data-dictionary.csv, in a new folder inside DIR
    Csv {
        #[arg(long, value_name = "DIR")]
        folder: PathBuf,
        /// Include participant names and free text (locations, reasons, contact summaries)
        #[arg(long)]
        names: bool,
    },
    /// An iCalendar (.ics) file of the check-ins due from today through --days ahead
    Calendar {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long, default_value_t = 90)]
        days: u32,
        /// Put participant names and the check-ins' prompts in the calendar entries
        #[arg(long)]
        names: bool,
    },
    /// A FHIR R4 Bundle (JSON) of the outcome measures: QuestionnaireResponses and LOINC-coded
    /// Observations of the totals
    Fhir {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Only this participant's responses
        #[arg(long, value_name = "PARTICIPANT_ID")]
        participant: Option<String>,
        /// Put participant names in the Patient resources
        #[arg(long)]
        names: bool,
    },
}

pub fn run(practice: &mut Practice, cmd: ExportCmd, json: bool, now: DateTime<Utc>) -> Result<()> {
    eprintln!("arcwell: {WARNING}");
    let (done, what) = match cmd {
        ExportCmd::Record { participant, out } => {
            (practice.exports().participant_record(parse_id("participant", &participant)?, &out, now)?, None)
        }
        ExportCmd::Csv { folder, names } => (practice.exports().csv(&folder, Privacy { names }, now)?, Some("rows")),
        ExportCmd::Calendar { out, days, names } => (
            practice.exports().calendar(&out, CalendarRange { days, privacy: Privacy { names } }, now)?,
            Some("check-ins"),
        ),
        ExportCmd::Fhir { out, participant, names } => {
            let what = FhirExport {
                participant_id: participant.map(|p| parse_id("participant", &p)).transpose()?,
                privacy: Privacy { names },
            };
            (practice.exports().fhir(&out, what, now)?, Some("measure responses"))
        }
    };
    output::print(json, &done, |d: &Exported| {
        let mut s: String = d.files.iter().map(|f| format!("wrote {f}\n")).collect();
        if let Some(what) = what {
            s.push_str(&format!("{} {what}\n", d.rows));
        }
        s
    })
}
