//! Check-in packets: write one for a participant to fill in offline, import the reply they send
//! back (a file chosen, typed or dropped on the window), list an arc's packets.

use std::io::Read;
use std::path::Path;

use arcwell::packet::{MAX_REPLY_BYTES, MakePacket, PacketMade, PacketSummary, ReplyImported};
use tauri::AppHandle;
use uuid::Uuid;

use super::{blocking, now};
use crate::error::CommandResult;

#[tauri::command]
pub async fn packet_make(app: AppHandle, input: MakePacket, path: String) -> CommandResult<PacketMade> {
    blocking(app, move |s| s.write(|p| p.packets().make(&input, Path::new(&path), now()))).await
}

#[tauri::command]
pub async fn packet_import(app: AppHandle, path: String) -> CommandResult<ReplyImported> {
    blocking(app, move |s| {
        // Read no further than a reply can be long: a larger file is refused by its size.
        let open = |e: std::io::Error| arcwell::Error::Invalid(format!("cannot read {path}: {e}"));
        let mut bytes = Vec::new();
        std::fs::File::open(&path)
            .map_err(open)?
            .take(MAX_REPLY_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(open)?;
        s.write(|p| p.packets().import(&bytes, now()))
    })
    .await
}

#[tauri::command]
pub async fn arc_packets(app: AppHandle, arc_id: Uuid) -> CommandResult<Vec<PacketSummary>> {
    blocking(app, move |s| s.with(|p| p.packets().of_arc(arc_id))).await
}
