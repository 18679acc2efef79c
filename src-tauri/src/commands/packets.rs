//! Check-in packets: write one for a participant to fill in offline, import the reply they send
//! back (a file chosen, typed or dropped on the window), list an arc's packets.

use std::path::Path;

use arcwell::packet::{MakePacket, PacketMade, PacketSummary, ReplyImported};
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
    blocking(app, move |s| s.write(|p| p.packets().import_file(Path::new(&path), now()))).await
}

#[tauri::command]
pub async fn arc_packets(app: AppHandle, arc_id: Uuid) -> CommandResult<Vec<PacketSummary>> {
    blocking(app, move |s| s.with(|p| p.packets().of_arc(arc_id))).await
}
