-- An unlock PIN for after an in-session lock (idle, Ctrl+L, sleep, screen lock): the keychain alone
-- opens the practice only at launch. `pin_identity` is an age X25519 identity encrypted with age's
-- scrypt recipient under the PIN; `pin_recipient` its public key, to which the open practice seals
-- its database key in memory. Both empty: no PIN, and after a lock only the recovery passphrase
-- opens the practice. See ARCHITECTURE.md "Locking".

ALTER TABLE security_settings ADD COLUMN pin_identity BLOB;
ALTER TABLE security_settings ADD COLUMN pin_recipient TEXT;
