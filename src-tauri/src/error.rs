//! Errors as the UI sees them: `{ code, message }`, with `code` from the core's closed `ErrorCode`.

use arcwell::ErrorCode;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<arcwell::Error> for CommandError {
    fn from(e: arcwell::Error) -> Self {
        Self { code: e.code(), message: e.to_string() }
    }
}

pub type CommandResult<T> = Result<T, CommandError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_shape_the_ui_branches_on_is_pinned() {
        let e = CommandError::from(arcwell::Error::WrongPassphrase);
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], "wrong_passphrase");
        assert_eq!(json.as_object().map(|o| o.len()), Some(2), "exactly code and message: {json}");
        assert!(json["message"].as_str().is_some_and(|m| m.contains("does not unlock")));
        let locked = serde_json::to_string(&CommandError::from(arcwell::Error::Locked)).unwrap();
        assert_eq!(locked, r#"{"code":"locked","message":"the practice is locked; unlock it first"}"#);
    }
}
