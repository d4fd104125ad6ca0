-- Accounts: a user's phone number, and the session epoch behind "sign out
-- everywhere".
--
-- session_epoch is copied into a session when it is signed in; a session
-- whose copy differs from the user's current epoch is ended on its next
-- request. Changing the password or signing out everywhere increments it,
-- so every session signed in before ends at once, on every server, with no
-- list of sessions per user to keep (scs sessions are keyed by token only).

-- +goose Up
ALTER TABLE users
    ADD COLUMN phone text NOT NULL DEFAULT '' CHECK (length(phone) <= 32),
    ADD COLUMN session_epoch integer NOT NULL DEFAULT 0 CHECK (session_epoch >= 0);

-- +goose Down
ALTER TABLE users
    DROP COLUMN session_epoch,
    DROP COLUMN phone;
