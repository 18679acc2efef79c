//! A decrypted backup's bytes (a tar of the manifest and the database image), as anyone could
//! make them with the backup passphrase: read and checked, refused with an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = arcwell::backup::read_plaintext_for_fuzzing(data);
});
