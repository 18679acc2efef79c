//! Exports against a real practice: CSV files read back and checked against their data dictionary
//! and the practice's own counts; the iCalendar file read back by an independent parser; the
//! printable record with every kind of content, escaped; and nothing named unless asked for.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::Path;

use arcwell::documents::{DocPhase, SaveDocument};
use arcwell::domain::arc::{AdvanceArc, OpenArc, Phase};
use arcwell::domain::participant::ParticipantInput;
use arcwell::export::calendar::CalendarRange;
use arcwell::export::{Privacy, WARNING, csv as export_csv};
use arcwell::integration::checkin::CheckInStatus;
use arcwell::{ErrorCode, Practice};
use serde_json::json;

use crate::support::{Fixture, now};

const TRICKY: &str = "Ona \"Sunny\" O'Hara, <script>alert(1)</script>";

fn demo() -> (Fixture, Practice) {
    let (fx, mut p) = Fixture::new();
    arcwell::demo::seed(&mut p, now()).unwrap();
    (fx, p)
}

fn names(p: &mut Practice) -> Vec<String> {
    p.participants().list().unwrap().into_iter().map(|x| x.name).collect()
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r.records().map(|x| x.unwrap().iter().map(str::to_owned).collect()).collect();
    (header, rows)
}

fn everything_in(dir: &Path) -> String {
    let mut all = String::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        all.push_str(&std::fs::read_to_string(e.path()).unwrap());
    }
    all
}

#[test]
fn csv_files_match_their_dictionary_and_the_practice_and_name_no_one_unless_asked() {
    let (fx, mut p) = demo();
    // A name with a comma, quotes and markup must survive CSV quoting intact.
    p.participants().add(&ParticipantInput { name: TRICKY.into(), ..Default::default() }, now()).unwrap();
    let tricky = p.participants().list().unwrap().into_iter().find(|x| x.name == TRICKY).unwrap().id;
    p.open_arc(
        &OpenArc { participant_id: tricky, intention: Some("Grief,\nand \"home\"".into()), plan_id: None },
        now(),
    )
    .unwrap();
    let counts = p.backups().content_digest().unwrap();
    let out = fx.path().join("exports");
    std::fs::create_dir(&out).unwrap();

    let plain = p.exports().csv(&out, Privacy::default(), now()).unwrap();
    assert_eq!(plain.warning, WARNING);
    assert_eq!(plain.files.len(), 5, "four tables and the dictionary: {:?}", plain.files);
    let folder = Path::new(&plain.files[0]).parent().unwrap().to_owned();
    assert!(folder.file_name().unwrap().to_string_lossy().starts_with("arcwell-csv-2026-11-25T"), "{folder:?}");

    let (dict_header, dict) = read_csv(&folder.join(export_csv::DICTIONARY));
    assert_eq!(dict_header, ["file", "column", "type", "identifying", "included", "meaning"]);
    for (table, db_table) in export_csv::TABLES.iter().zip(["arc", "session", "checkin", "measure_response"]) {
        let (header, rows) = read_csv(&folder.join(table.file));
        let described: Vec<&str> = dict
            .iter()
            .filter(|d| d[0] == table.file && !d[1].is_empty() && d[4] == "yes")
            .map(|d| d[1].as_str())
            .collect();
        assert_eq!(header, described, "{}: the header is exactly the dictionary's included columns", table.file);
        assert!(!header.iter().any(|h| h == "participant_name"), "no names by default");
        assert_eq!(rows.len() as u64, counts[db_table].0, "{}: one row per {db_table}", table.file);
        assert!(rows.iter().all(|r| r.len() == header.len()));
        assert!(rows.len() > 10, "the demo practice has {} {db_table} rows", rows.len());
    }
    let text = everything_in(&folder);
    for name in names(&mut p) {
        assert!(!text.contains(&name), "{name} must not appear in an export without names");
    }
    assert!(!text.contains("Grief"), "free text stays out without names");

    // Completed check-ins carry when and how late; the totals agree with the practice.
    let (h, rows) = read_csv(&folder.join("checkins.csv"));
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let completed = rows.iter().filter(|r| r[col("status")] == "completed").count();
    let all = p.checkins().list(&arcwell::integration::checkin::CheckInFilter::default()).unwrap();
    assert_eq!(completed, all.iter().filter(|c| c.status == CheckInStatus::Completed).count());
    assert!(
        rows.iter()
            .filter(|r| r[col("status")] == "completed")
            .all(|r| r[col("days_after_due")].parse::<f64>().is_ok())
    );
    assert!(rows.iter().any(|r| r[col("offset")] == "1 week"), "offsets read as words");

    // arcs.csv carries the covariates the Outcomes screen ranks, the same as the core reads them.
    let (h, rows) = read_csv(&folder.join("arcs.csv"));
    let col = |n: &str| h.iter().position(|x| x == n).unwrap_or_else(|| panic!("arcs.csv has {n}"));
    let core = p.integration().predictors("phq9", &Default::default()).unwrap();
    assert!(core.arcs.len() > 10 && core.arcs.iter().any(|a| a.meq30.is_some()), "the demo has covariates to compare");
    let num = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    for a in &core.arcs {
        let r = rows.iter().find(|r| r[col("arc_id")] == a.arc_id.to_string()).expect("every arc is in arcs.csv");
        assert_eq!(r[col("dose_mg")], num(a.dose_mg));
        assert_eq!(r[col("substance")], a.substance.clone().unwrap_or_default());
        assert_eq!(r[col("meq30_total")], num(a.meq30));
        assert_eq!(r[col("complete_mystical")], a.complete_mystical.map_or("", |c| if c { "yes" } else { "no" }));
        assert_eq!(r[col("ebi_total")], num(a.ebi));
        assert_eq!(r[col("days_to_first_contact")], num(a.days_to_first_contact));
        assert_eq!(r[col("milestones_achieved")], a.milestones_achieved.to_string());
        assert_eq!(r[col("approaches")], a.approaches.join(";"));
        assert_eq!(r[col("checkins_completed")], a.checkins_completed.to_string());
    }
    let dictionary = std::fs::read_to_string(folder.join("data-dictionary.csv")).unwrap();
    for c in ["dose_mg", "meq30_total", "complete_mystical", "days_to_first_contact", "approaches"] {
        assert!(dictionary.contains(&format!("arcs.csv,{c},")), "the dictionary describes {c}");
    }

    let named = p.exports().csv(&out, Privacy { names: true }, now() + chrono::Duration::seconds(1)).unwrap();
    let folder = Path::new(&named.files[0]).parent().unwrap().to_owned();
    let (h, rows) = read_csv(&folder.join("arcs.csv"));
    let name_col = h.iter().position(|x| x == "participant_name").unwrap();
    let intention_col = h.iter().position(|x| x == "intention").unwrap();
    let row = rows.iter().find(|r| r[name_col] == TRICKY).expect("the tricky name reads back intact");
    assert_eq!(row[intention_col], "Grief,\nand \"home\"", "newlines and quotes survive");

    let again = p.exports().csv(&out, Privacy::default(), now());
    assert_eq!(again.unwrap_err().code(), ErrorCode::InvalidInput, "an existing export is never overwritten");
    let missing = p.exports().csv(&fx.path().join("no-such-folder"), Privacy::default(), now());
    assert!(missing.unwrap_err().to_string().contains("does not exist"));
}

/// The events of an iCalendar text, by UID, read with the `ical` crate: property name → value.
fn parse_ics(text: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut parser = ical::IcalParser::new(BufReader::new(text.as_bytes()));
    let cal = parser.next().expect("one calendar").expect("it parses");
    assert!(parser.next().is_none(), "exactly one calendar");
    let version = cal.properties.iter().find(|p| p.name == "VERSION").and_then(|p| p.value.clone());
    assert_eq!(version.as_deref(), Some("2.0"));
    let prodid = cal.properties.iter().find(|p| p.name == "PRODID").and_then(|p| p.value.clone());
    assert!(prodid.unwrap_or_default().starts_with("-//Arcwell//"), "Arcwell names itself as the producer");
    cal.events
        .into_iter()
        .map(|e| {
            let props: BTreeMap<String, String> =
                e.properties.into_iter().map(|p| (p.name, p.value.unwrap_or_default())).collect();
            (props["UID"].clone(), props)
        })
        .collect()
}

#[test]
fn the_calendar_holds_each_upcoming_check_in_once_without_names_and_parses_as_icalendar() {
    let (fx, mut p) = demo();
    let upcoming = p.exports().upcoming_checkins(90, now()).unwrap();
    assert!(upcoming.len() > 5, "the demo has check-ins coming up: {}", upcoming.len());
    assert!(upcoming.iter().all(|c| c.status == CheckInStatus::Due));

    let dest = fx.path().join("checkins.ics");
    let done = p.exports().calendar(&dest, CalendarRange::default(), now()).unwrap();
    assert_eq!(done.rows, upcoming.len() as u64);
    let text = std::fs::read_to_string(&dest).unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "CRLF line endings");
    assert!(text.split("\r\n").all(|l| l.len() <= 75), "lines are folded at 75 octets (RFC 5545 3.1)");
    for name in names(&mut p) {
        assert!(!text.contains(&name), "{name} must not be in a calendar exported without names");
    }
    let events = parse_ics(&text);
    assert_eq!(events.len(), upcoming.len(), "one event per check-in, UIDs unique");
    for c in &upcoming {
        let e = &events[&format!("{}@arcwell", c.id)];
        assert_eq!(e["DTSTART"], c.due.utc.format("%Y%m%dT%H%M%SZ").to_string(), "starts at the due time, in UTC");
        assert_eq!(e["DTSTAMP"], now().format("%Y%m%dT%H%M%SZ").to_string());
        assert!(e["SUMMARY"].starts_with("Arcwell check-in ("), "{}", e["SUMMARY"]);
    }

    let named = fx.path().join("named.ics");
    let range = CalendarRange { days: 7, privacy: Privacy { names: true } };
    p.exports().calendar(&named, range, now()).unwrap();
    let week = parse_ics(&std::fs::read_to_string(&named).unwrap());
    let in_week = p.exports().upcoming_checkins(7, now()).unwrap();
    assert_eq!(week.len(), in_week.len());
    assert!(week.len() < events.len(), "a shorter range holds fewer check-ins");
    for c in &in_week {
        let e = &week[&format!("{}@arcwell", c.id)];
        assert!(e["SUMMARY"].contains(&c.participant_name), "names when asked: {}", e["SUMMARY"]);
        assert!(events.contains_key(&format!("{}@arcwell", c.id)), "the same UID in both exports");
    }

    let zero = p.exports().calendar(&fx.path().join("x.ics"), CalendarRange { days: 0, ..Default::default() }, now());
    assert_eq!(zero.unwrap_err().code(), ErrorCode::InvalidInput);
    assert!(!fx.path().join("x.ics").exists());
}

#[test]
fn the_printable_record_holds_the_whole_record_escaped_and_self_contained() {
    let (fx, mut p) = Fixture::new();
    let pid = p
        .participants()
        .add(
            &ParticipantInput {
                name: TRICKY.into(),
                pronouns: Some("she/her".into()),
                notes: Some("Prefers mornings".into()),
                ..Default::default()
            },
            now(),
        )
        .unwrap()
        .id;
    let arc = p
        .open_arc(&OpenArc { participant_id: pid, intention: Some("Grief work".into()), plan_id: None }, now())
        .unwrap()
        .id;
    p.advance_arc(arc, &AdvanceArc { to: Phase::Preparation, reason: None }, now()).unwrap();
    let prep =
        p.templates().list().unwrap().into_iter().find(|t| t.phase == DocPhase::Preparation && t.shipped).unwrap().id;
    let answers = json!({
        "intentions": "Make peace with <my> father's death",
        "safety_plan": "Sister on call",
        "transportation_plan": "Partner drives home at 18:00",
    });
    let doc = p
        .documents()
        .add(
            &SaveDocument {
                arc_id: arc,
                template_id: prep,
                answers: answers.as_object().unwrap().clone(),
                ..Default::default()
            },
            now(),
        )
        .unwrap()
        .document
        .id;
    p.documents().sign(doc, now()).unwrap();
    let change = json!({ "transportation_plan": "Friend drives home at 19:00" });
    p.documents().amend(doc, change.as_object().unwrap(), "Partner away that day", now()).unwrap();
    let draft = json!({ "intentions": "Second thoughts, still a draft" });
    p.documents()
        .add(
            &SaveDocument {
                arc_id: arc,
                template_id: prep,
                answers: draft.as_object().unwrap().clone(),
                ..Default::default()
            },
            now(),
        )
        .unwrap();

    let dest = fx.path().join("record.html");
    let done = p.exports().participant_record(pid, &dest, now()).unwrap();
    assert_eq!(done.files, [dest.display().to_string()]);
    let html = std::fs::read_to_string(&dest).unwrap();
    for expected in [
        "Record of Ona &quot;Sunny&quot; O'Hara, &lt;script&gt;alert(1)&lt;/script&gt;",
        "This file is not encrypted",
        "she/her",
        "Prefers mornings",
        "Grief work",
        "Make peace with &lt;my&gt; father's death",
        "Partner drives home at 18:00",
        "Friend drives home at 19:00",
        "Partner away that day",
        "Draft, not signed",
        "Second thoughts, still a draft",
        "Transportation plan",
        "Rowan Hale",
    ] {
        assert!(html.contains(expected), "the record shows {expected:?}");
    }
    assert!(!html.contains("<script"), "participant text is escaped, never markup");
    for remote in ["http:", "https:", "src=", "<link", "@import"] {
        assert!(!html.contains(remote), "the record loads nothing from elsewhere ({remote})");
    }

    let again = p.exports().participant_record(pid, &dest, now());
    assert!(again.unwrap_err().to_string().contains("already exists"));
    let unknown = p.exports().participant_record(uuid::Uuid::new_v4(), &fx.path().join("nobody.html"), now());
    assert_eq!(unknown.unwrap_err().code(), ErrorCode::NotFound);
    assert!(!fx.path().join("nobody.html").exists());
}

/// HL7's FHIR R4 (4.0.1) JSON schema, kept gzipped in `tests/fixtures` (see its README).
fn fhir_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fhir-r4.schema.json.gz");
    let file = std::fs::File::open(&path).unwrap();
    let schema: serde_json::Value = serde_json::from_reader(flate2::read::GzDecoder::new(file)).unwrap();
    assert_eq!(schema["id"], "http://hl7.org/fhir/json-schema/4.0", "the R4 schema");
    jsonschema::draft6::new(&schema).unwrap()
}

fn schema_errors(v: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    v.iter_errors(doc).take(5).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

#[test]
fn the_fhir_bundle_is_valid_r4_with_loinc_coded_totals_and_names_no_one_unless_asked() {
    use arcwell::export::fhir::FhirExport;
    use arcwell::measures::response::{GiveMeasure, Timepoint};
    let (fx, mut p) = demo();
    let validator = fhir_validator();
    // One more participant: a prorated PHQ-9 (one item unanswered), a WHO-5, and a withdrawn GAD-7.
    let who = p.participants().add(&ParticipantInput { name: TRICKY.into(), ..Default::default() }, now()).unwrap().id;
    let arc = p.open_arc(&OpenArc { participant_id: who, intention: None, plan_id: None }, now()).unwrap().id;
    p.advance_arc(arc, &AdvanceArc { to: Phase::Preparation, reason: None }, now()).unwrap();
    let give = |measure: &str, answers: serde_json::Value| GiveMeasure {
        arc_id: arc,
        measure: measure.into(),
        timepoint: Timepoint::Baseline,
        at: None,
        checkin_id: None,
        session_id: None,
        answers: answers.as_object().unwrap().clone(),
    };
    let phq = json!({ "1": 2, "2": 2, "3": 1, "4": 2, "5": 1, "6": 1, "7": 2, "8": 1, "9": null });
    let phq = p.measures().give(&give("phq9", phq), now()).unwrap();
    assert!(phq.score.prorated);
    p.measures().give(&give("who5", json!({ "1": 3, "2": 2, "3": 3, "4": 2, "5": 3 })), now()).unwrap();
    let gad =
        p.measures().give(&give("gad7", json!({ "1": 1, "2": 1, "3": 1, "4": 1, "5": 1, "6": 1, "7": 1 })), now());
    p.measures().withdraw(gad.unwrap().id, "Given to the wrong arc", now()).unwrap();

    let out = fx.path().join("outcomes.fhir.json");
    let done = p.exports().fhir(&out, FhirExport::default(), now()).unwrap();
    assert_eq!(done.warning, WARNING);
    let text = std::fs::read_to_string(&out).unwrap();
    let bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(schema_errors(&validator, &bundle), Vec::<String>::new(), "valid FHIR R4");
    assert_eq!((bundle["resourceType"].as_str(), bundle["type"].as_str()), (Some("Bundle"), Some("collection")));
    for name in names(&mut p) {
        assert!(!text.contains(&name), "{name} is named without --names");
    }

    let resources: Vec<&serde_json::Value> =
        bundle["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).collect();
    let of = |kind: &str| resources.iter().filter(|r| r["resourceType"] == kind).count();
    let arcs: Vec<_> =
        p.participants().list().unwrap().iter().flat_map(|x| p.arcs().of_participant(x.id).unwrap()).collect();
    let counted: Vec<_> =
        arcs.iter().flat_map(|a| p.measures().responses(a.id).unwrap()).filter(|r| r.withdrawn.is_none()).collect();
    assert_eq!(done.rows, counted.len() as u64);
    assert_eq!(
        of("QuestionnaireResponse"),
        counted.len(),
        "one per counted response; the withdrawn GAD-7 is not there"
    );
    assert_eq!(of("Observation"), counted.iter().filter(|r| r.score.total.is_some()).count());
    let with_responses: std::collections::BTreeSet<_> = counted.iter().map(|r| r.participant_id).collect();
    assert_eq!(of("Patient"), with_responses.len());

    // Every reference resolves inside the bundle.
    let full_urls: std::collections::BTreeSet<&str> =
        bundle["entry"].as_array().unwrap().iter().map(|e| e["fullUrl"].as_str().unwrap()).collect();
    for r in &resources {
        for key in ["subject"] {
            if let Some(reference) = r[key]["reference"].as_str() {
                assert!(full_urls.contains(reference), "{reference} does not resolve");
            }
        }
        for d in r["derivedFrom"].as_array().into_iter().flatten() {
            assert!(full_urls.contains(d["reference"].as_str().unwrap()));
        }
    }

    // The prorated PHQ-9: its QuestionnaireResponse and its LOINC-coded total.
    let qr = resources.iter().find(|r| r["id"] == phq.id.to_string()).unwrap();
    assert_eq!(qr["questionnaire"], "urn:arcwell:measure:phq9|1");
    let items = qr["item"].as_array().unwrap();
    assert_eq!(items.len(), 9);
    assert_eq!(items[0]["answer"], json!([{ "valueInteger": 2 }]));
    assert!(items[8].get("answer").is_none(), "the unanswered item has no answer");
    let obs = resources.iter().find(|r| r["derivedFrom"][0]["reference"] == format!("urn:uuid:{}", phq.id)).unwrap();
    assert_eq!(obs["code"]["coding"], json!([{ "system": "http://loinc.org", "code": "44261-6" }]));
    assert_eq!(obs["valueInteger"], json!(phq.score.total.unwrap() as i64));
    assert_eq!(obs["interpretation"][0]["text"], json!(phq.score.band));
    assert!(obs["note"][0]["text"].as_str().unwrap().contains("prorated"), "{}", obs["note"]);
    let codes: std::collections::BTreeSet<String> =
        resources.iter().filter_map(|r| r["code"]["coding"][0]["code"].as_str().map(str::to_owned)).collect();
    assert!(codes.contains("70274-6"), "the demo's GAD-7 totals carry LOINC 70274-6: {codes:?}");
    assert!(
        resources.iter().any(|r| r["code"]["text"] == "WHO-5 total score" && r["code"].get("coding").is_none()),
        "no LOINC code is invented for WHO-5"
    );

    // With names, and for one participant only.
    let one = fx.path().join("one.fhir.json");
    let what = FhirExport { participant_id: Some(who), privacy: Privacy { names: true } };
    p.exports().fhir(&one, what, now()).unwrap();
    let one: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&one).unwrap()).unwrap();
    assert_eq!(schema_errors(&validator, &one), Vec::<String>::new());
    let patients: Vec<_> =
        one["entry"].as_array().unwrap().iter().filter(|e| e["resource"]["resourceType"] == "Patient").collect();
    assert_eq!(patients.len(), 1);
    assert_eq!(patients[0]["resource"]["name"], json!([{ "text": TRICKY }]));

    // The schema does check: a wrong status and a misspelt element are refused.
    let mut broken = one.clone();
    broken["entry"][1]["resource"]["status"] = json!("done");
    assert!(!schema_errors(&validator, &broken).is_empty(), "an invalid status must fail validation");
    let mut broken = one.clone();
    broken["entry"][1]["resource"]["authoredOn"] = json!("2026-11-25");
    assert!(!schema_errors(&validator, &broken).is_empty(), "an unknown element must fail validation");
    assert_eq!(
        p.exports().fhir(&fx.path().join("one.fhir.json"), FhirExport::default(), now()).unwrap_err().code(),
        ErrorCode::InvalidInput,
        "an existing file is never replaced"
    );
}

/// Issue 23.9: text a spreadsheet would run as a formula (OWASP: a cell starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) is written after a `'`, read back here with Python's csv
/// module as a spreadsheet import would; negative numbers stay numbers.
#[test]
fn csv_cells_that_would_run_as_formulas_are_written_as_text() {
    let (fx, mut p) = demo();
    let risky = [
        ("=HYPERLINK(\"http://example.invalid\",\"Open\")", "=1+1"),
        ("+Vale Ashcombe", "+cmd|' /C calc'!A0"),
        ("-Wren Tallis", "-2+3"),
        ("@Ivo Sandrell", "@SUM(A1:A9)"),
        ("Plain Orrin", "\tTabbed intention"),
        ("Other Quill", "\rCarriage intention"),
    ];
    for (name, intention) in risky {
        let who =
            p.participants().add(&ParticipantInput { name: name.into(), ..Default::default() }, now()).unwrap().id;
        p.open_arc(&OpenArc { participant_id: who, intention: Some(intention.into()), plan_id: None }, now()).unwrap();
    }
    let out = fx.path().join("exports");
    std::fs::create_dir(&out).unwrap();
    let named = p.exports().csv(&out, Privacy { names: true }, now()).unwrap();
    let script = r#"
import csv, re, sys
number = re.compile(r'^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$')
escaped, bad = [], []
for path in sys.argv[1:]:
    with open(path, newline='', encoding='utf-8') as f:
        for row in csv.reader(f):
            for cell in row:
                if cell[:1] in ('=', '+', '-', '@', '\t', '\r') and not number.match(cell):
                    bad.append(cell)
                if cell[:1] == "'" and cell[1:2] in ('=', '+', '-', '@', '\t', '\r'):
                    escaped.append(cell)
if bad:
    sys.exit('cells a spreadsheet would run: %r' % bad)
print('\n'.join(sorted(escaped)))
"#;
    let run = std::process::Command::new("python3").arg("-c").arg(script).args(&named.files).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let escaped = String::from_utf8_lossy(&run.stdout);
    for (name, _) in risky.iter().filter(|(n, _)| !n.starts_with(['P', 'O'])) {
        assert!(escaped.contains(&format!("'{name}")), "{name:?} is written as text: {escaped}");
    }
    for intention in ["'=1+1", "'@SUM(A1:A9)", "'-2+3", "'+cmd|' /C calc'!A0"] {
        assert!(escaped.contains(intention), "{intention:?} is written as text: {escaped}");
    }
}
