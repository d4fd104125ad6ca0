package main

import (
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/jobs"
	"github.com/atiende/atiende/internal/mail"
	"github.com/atiende/atiende/internal/postgres"
)

// registerJobs lists every background job `atiende serve` works. Each area
// adds its workers and schedules here.
func registerJobs(store *postgres.Store, svc *helpdesk.Service, channel *mail.Channel) *jobs.Registry {
	reg := jobs.NewRegistry()
	jobs.RegisterMaintenance(reg, store, 5*time.Minute)
	jobs.RegisterSLAScan(reg, svc, 30*time.Second, nil)
	jobs.RegisterTicketTimers(reg, store, svc, time.Minute)
	mail.RegisterJobs(reg, channel.Worker)
	mail.RegisterIMAP(reg, channel.IMAP, time.Minute)
	jobs.RegisterWebhooks(reg, svc)
	return reg
}
