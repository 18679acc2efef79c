//! What to do next, in the CLI's words. The core's messages name no flag and no button; the CLI
//! adds the command or flag that helps, from the error's code (and, for a pack, its id).

use arcwell::documents::library::TemplateError;
use arcwell::{Error, ErrorCode};

/// The next step for an error, as a CLI user takes it; `None` when the message says enough.
pub fn advice(e: &Error) -> Option<String> {
    if let Some(TemplateError::PackOff { pack_id, .. }) = e.area() {
        return Some(format!("turn the pack on with `arcwell pack on {pack_id}`"));
    }
    let text = match e.code() {
        ErrorCode::ReasonRequired => "add one with --reason",
        ErrorCode::TimelineExists => "complete the session again with --re-anchor or --new-series",
        ErrorCode::NoDefaultPlan => "make one the default with `arcwell plan edit ID --default`",
        ErrorCode::RecordNotExported => "export it first with `arcwell export record PARTICIPANT --out FILE`",
        ErrorCode::ShippedTemplate => "copy it with `arcwell template copy ID \"New name\"`",
        ErrorCode::NotInitialized => "create one with `arcwell init`, or point --data-dir at the practice",
        ErrorCode::AlreadyInitialized => "open it, or choose another --data-dir",
        ErrorCode::PassphraseRequired => {
            "type it at the prompt, or give it with --passphrase-stdin, --passphrase-file FILE or ARCWELL_PASSPHRASE"
        }
        ErrorCode::NotArcwellDatabase => "check --data-dir",
        ErrorCode::FileDamaged => "repair it with `arcwell repair` (stop `arcwell watch` and the app first)",
        ErrorCode::RecordsDamaged => "restore it with `arcwell backup restore FILE --replace`",
        _ => return None,
    };
    Some(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arcwell::domain::arc::ArcError;

    #[test]
    fn advice_comes_from_the_code_and_the_pack_from_the_error() {
        let reason: Error =
            ArcError::ReasonRequired { why: "skipping a phase", from: "inquiry", to: "integration" }.into();
        assert_eq!(reason.code(), ErrorCode::ReasonRequired);
        assert!(!reason.to_string().contains("--"), "the core's message names no flag: {reason}");
        assert_eq!(advice(&reason).as_deref(), Some("add one with --reason"));
        let pack: Error = TemplateError::PackOff {
            template: "Oregon record".into(),
            pack: "Oregon".into(),
            pack_id: "oregon".into(),
        }
        .into();
        assert_eq!(advice(&pack).as_deref(), Some("turn the pack on with `arcwell pack on oregon`"));
        assert_eq!(advice(&Error::Invalid("the name is empty".into())), None, "a broken rule of input says enough");
    }
}
