// Drafts on screen, so nothing typed is lost when the practice closes: each open draft registers
// how to save itself now, and locking saves them all before it closes the practice.
const savers = new Set<() => Promise<void>>();

/** Registers a draft's save-now; returns what unregisters it (call it when the draft leaves the screen). */
export function keepDraft(saveNow: () => Promise<void>): () => void {
  savers.add(saveNow);
  return () => savers.delete(saveNow);
}

/** Saves every draft on screen. Resolves with the messages of those that could not be saved. */
export async function saveAllDrafts(): Promise<string[]> {
  const results = await Promise.allSettled([...savers].map((save) => save()));
  return results.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []));
}
