package postgres

// DueClocksSQL is the SLA scan's statement, for the tests that explain it.
const DueClocksSQL = dueClocksSQL
