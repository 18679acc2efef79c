//! The top of the core: steps that span areas, so that no area reaches into another's internals.
//! Opening a practice is the store's unlock plus the reference data the documents area ships;
//! completing a dosing session is the session, its record and the integration engine together.
//! Everything here is short: it calls the areas' own operations in one transaction and in order.

mod arcs;
mod open;
mod sessions;

pub use open::restore_into;
