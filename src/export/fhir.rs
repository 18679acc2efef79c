//! FHIR R4 export of the outcome measures: one `collection` Bundle holding, per participant, a
//! Patient (an id only, unless names are asked for), and per counted measure response a
//! QuestionnaireResponse with every answer and, when it has a total, an Observation of the total
//! score — LOINC-coded where LOINC has a code for it (PHQ-9 44261-6, GAD-7 70274-6), derived from
//! the QuestionnaireResponse. Withdrawn responses are not exported. Checked against the R4 JSON
//! schema in `tests/it/export.rs`.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use ts_rs::TS;
use uuid::Uuid;

use super::Exports;
use super::{Exported, Privacy, WARNING, write_new};
use crate::Result;
use crate::measures::response::{MeasureResponse, query};
use crate::measures::{Measure, measure};
use crate::store::audit::{Action, Subject};

/// What the FHIR export holds.
#[derive(Debug, Clone, Copy, Default, Deserialize, TS)]
#[ts(export)]
pub struct FhirExport {
    /// One participant's responses; everyone's when absent.
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub participant_id: Option<Uuid>,
    #[serde(default)]
    pub privacy: Privacy,
}

/// The namespace Observation ids are derived in: the same response always gives the same id.
const OBSERVATION_IDS: Uuid = Uuid::from_u128(0x6172_6377_656c_6c5f_6f62_7365_7276_6174);

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn reference(id: Uuid) -> Value {
    json!({ "reference": format!("urn:uuid:{id}") })
}

fn entry(id: Uuid, resource: Value) -> Value {
    json!({ "fullUrl": format!("urn:uuid:{id}"), "resource": resource })
}

/// The canonical Arcwell names a measure version by (FHIR wants a Questionnaire's URL).
fn questionnaire(m: &Measure, version: u32) -> String {
    format!("urn:arcwell:measure:{}|{version}", m.id)
}

fn questionnaire_response(m: &Measure, r: &MeasureResponse) -> Value {
    let items: Vec<Value> = m
        .items
        .iter()
        .map(|item| {
            let mut out = json!({ "linkId": item.key, "text": item.text });
            if let Some(v) = r.answers.get(&item.key).and_then(Value::as_i64) {
                out["answer"] = json!([{ "valueInteger": v }]);
            }
            out
        })
        .collect();
    json!({
        "resourceType": "QuestionnaireResponse",
        "id": r.id.to_string(),
        "questionnaire": questionnaire(m, r.measure_version),
        "status": "completed",
        "subject": reference(r.participant_id),
        "authored": time(r.administered.utc),
        "item": items,
    })
}

fn observation(m: &Measure, r: &MeasureResponse, total: f64) -> (Uuid, Value) {
    let id = Uuid::new_v5(&OBSERVATION_IDS, r.id.as_bytes());
    let mut code = json!({ "text": format!("{} total score", m.name) });
    if let Some(loinc) = &m.loinc.total {
        code["coding"] = json!([{ "system": "http://loinc.org", "code": loinc }]);
    }
    let mut obs = json!({
        "resourceType": "Observation",
        "id": id.to_string(),
        "status": "final",
        "category": [{ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey"
        }] }],
        "code": code,
        "subject": reference(r.participant_id),
        "effectiveDateTime": time(r.administered.utc),
        "derivedFrom": [reference(r.id)],
    });
    if total.fract() == 0.0 && total.abs() < i32::MAX as f64 {
        obs["valueInteger"] = json!(total as i64);
    } else {
        obs["valueQuantity"] =
            json!({ "value": total, "unit": "{score}", "system": "http://unitsofmeasure.org", "code": "{score}" });
    }
    if let Some(band) = &r.score.band {
        obs["interpretation"] = json!([{ "text": band }]);
    }
    if let Some(note) = &r.score.note {
        obs["note"] = json!([{ "text": note }]);
    }
    (id, obs)
}

/// The Bundle for `responses` (counted ones, in time order).
pub(crate) fn bundle(responses: &[MeasureResponse], privacy: Privacy, now: DateTime<Utc>) -> Result<Value> {
    let mut entries = Vec::new();
    let mut patients = BTreeSet::new();
    for r in responses {
        if patients.insert(r.participant_id) {
            let mut patient = json!({ "resourceType": "Patient", "id": r.participant_id.to_string() });
            if privacy.names {
                patient["name"] = json!([{ "text": r.participant_name }]);
            }
            entries.push(entry(r.participant_id, patient));
        }
        let m = measure(&r.measure)?;
        entries.push(entry(r.id, questionnaire_response(m, r)));
        if let Some(total) = r.score.total {
            let (id, obs) = observation(m, r, total);
            entries.push(entry(id, obs));
        }
    }
    Ok(json!({
        "resourceType": "Bundle",
        "id": Uuid::new_v4().to_string(),
        "type": "collection",
        "timestamp": time(now),
        "entry": entries,
    }))
}

impl Exports<'_> {
    /// Writes the FHIR R4 Bundle of the outcome measures to `dest` (a new `.json` file).
    pub fn fhir(self, dest: &Path, what: FhirExport, now: DateTime<Utc>) -> Result<Exported> {
        let responses = self.practice.read(|conn| match what.participant_id {
            Some(p) => {
                crate::domain::participant::get(conn, p)?;
                query(conn, "r.withdrawn_at IS NULL AND a.participant_id = ?1", [p.to_string()])
            }
            None => query(conn, "r.withdrawn_at IS NULL", []),
        })?;
        let doc = bundle(&responses, what.privacy, now)?;
        let written = write_new(dest, |w: &mut dyn Write| {
            serde_json::to_writer_pretty(&mut *w, &doc)?;
            w.write_all(b"\n")
        })?;
        let subject = what.participant_id.map_or(Subject::Export, Subject::Participant);
        self.practice.record_event(Action::Export, &subject, Some(what.privacy.audit_detail("fhir")))?;
        Ok(Exported {
            files: vec![written.display().to_string()],
            rows: responses.len() as u64,
            warning: WARNING.to_owned(),
        })
    }
}
