package server

import (
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// csatPanel shows staff every rating of the ticket with its comment.
func csatPanel(l i18n.Lang, loc *time.Location, cs helpdesk.TicketCSAT) console.CSATPanel {
	p := console.CSATPanel{Title: l.T("reports.csat.panel")}
	for _, r := range cs.Ratings {
		p.Ratings = append(p.Ratings, console.CSATRating{Label: l.T("reports.csat.rating", r.Resolution, r.Score),
			Comment: r.Comment, When: formatTime(l, loc, r.UpdatedAt), ISO: isoTime(r.UpdatedAt)})
	}
	return p
}

// requesterCSAT says how the requester rates the desk: "" when never.
func requesterCSAT(l i18n.Lang, cs helpdesk.TicketCSAT) string {
	if cs.RequesterRated == 0 {
		return ""
	}
	return l.T("reports.csat.requester", decimal(l, cs.RequesterAvg, 1), cs.RequesterRated)
}
