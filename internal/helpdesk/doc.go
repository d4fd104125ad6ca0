// Package helpdesk holds Atiende's domain: tenants, users, tickets, their
// lifecycle, priority and history rules, and the Service that applies them.
//
// It imports only the standard library. Persistence is reached through the
// Store interface declared here and implemented by internal/postgres; HTTP,
// email, the API and background jobs all call Service and never re-implement
// a rule.
package helpdesk
