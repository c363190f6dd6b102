-- Schema of the new CRM database, /work/crm.db. Create it with exactly these statements.
-- Dates are ISO 8601 calendar dates (YYYY-MM-DD); money is stored in whole US cents.
PRAGMA foreign_keys = ON;

CREATE TABLE donors (
    donor_id   INTEGER PRIMARY KEY,
    full_name  TEXT    NOT NULL,
    email      TEXT    NOT NULL UNIQUE,
    country    TEXT    NOT NULL CHECK (length(country) = 2 AND country = upper(country)),
    joined_on  TEXT    NOT NULL CHECK (joined_on IS date(joined_on))
);

CREATE TABLE pledges (
    pledge_id     INTEGER PRIMARY KEY,
    donor_id      INTEGER NOT NULL REFERENCES donors (donor_id),
    amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
    frequency     TEXT    NOT NULL CHECK (frequency IN ('once', 'monthly', 'annual')),
    pledged_on    TEXT    NOT NULL CHECK (pledged_on IS date(pledged_on))
);

CREATE TABLE payments (
    payment_id    INTEGER PRIMARY KEY,
    pledge_id     INTEGER NOT NULL REFERENCES pledges (pledge_id),
    amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
    method        TEXT    NOT NULL CHECK (method IN ('card', 'bank', 'cash', 'cheque')),
    paid_on       TEXT    NOT NULL CHECK (paid_on IS date(paid_on))
);
