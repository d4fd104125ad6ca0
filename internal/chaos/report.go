package chaos

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

func pgxpoolNew(ctx context.Context, url string) (*pgxpool.Pool, error) { return pgxpool.New(ctx, url) }

// Count is one kind of work's outcome.
type Count struct {
	Tried, Acknowledged, Lost, Duplicated int
}

// Report is what a run found.
type Report struct {
	Portal Count // tickets opened through the portal form
	Mail   Count // messages accepted over SMTP that became tickets
	// Outbound: notifications queued, delivered to the relay, lost (still
	// undelivered after the drain), and duplicated after a recorded
	// hand-off (Duplicated); Resent counts second copies whose first
	// hand-off was never recorded (the relay's answer was lost).
	Outbound          Count
	Resent            int
	Faults            int
	ServerKills       int
	DBStops           int
	DrainTime         time.Duration // from the last fault until no job waits
	Statuses          map[int]int   // HTTP statuses the portal clients saw (0: no answer)
	PendingAfterDrain int
	// Rescued counts jobs River found orphaned; RescueWait is the longest
	// time from a fault to such a job's rescue, RescueDone to its end.
	Rescued                int
	RescueWait, RescueDone time.Duration
}

// rescued reads River's rescue marks: each orphaned job, how long after
// the fault before it the rescuer took it back, and when it finished.
func rescued(ctx context.Context, db *database, faults []time.Time, rep *Report) error {
	rows, err := db.admin.Query(ctx, `SELECT (e->>'at')::timestamptz, finalized_at FROM river_job,
		jsonb_array_elements(to_jsonb(errors)) e WHERE e->>'error' LIKE 'Stuck job rescued%'`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var at time.Time
		var fin *time.Time
		if err := rows.Scan(&at, &fin); err != nil {
			return err
		}
		rep.Rescued++
		var fault time.Time
		for _, f := range faults {
			if f.Before(at) {
				fault = f
			}
		}
		if fault.IsZero() {
			continue
		}
		rep.RescueWait = max(rep.RescueWait, at.Sub(fault))
		if fin != nil {
			rep.RescueDone = max(rep.RescueDone, fin.Sub(fault))
		}
	}
	return rows.Err()
}

// OK reports whether nothing acknowledged was lost or duplicated.
func (r Report) OK() bool {
	return r.Portal.Lost+r.Portal.Duplicated+r.Mail.Lost+r.Mail.Duplicated+r.Outbound.Lost+r.Outbound.Duplicated == 0
}

// Print writes the counts as a table.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "faults: %d (%d kill -9 of the server, %d immediate stops of PostgreSQL)\n", r.Faults, r.ServerKills, r.DBStops)
	fmt.Fprintf(w, "%-22s %8s %12s %6s %10s\n", "", "tried", "acknowledged", "lost", "duplicated")
	for _, row := range []struct {
		name string
		c    Count
	}{{"portal tickets", r.Portal}, {"inbound mail → tickets", r.Mail}, {"outbound notifications", r.Outbound}} {
		fmt.Fprintf(w, "%-22s %8d %12d %6d %10d\n", row.name, row.c.Tried, row.c.Acknowledged, row.c.Lost, row.c.Duplicated)
	}
	fmt.Fprintf(w, "outbound resent after a lost relay answer (same Message-ID): %d\n", r.Resent)
	fmt.Fprintf(w, "orphaned jobs rescued: %d, at most %s after their fault, finished at most %s after it (rescue after %s + River's 30 s rescuer interval)\n",
		r.Rescued, r.RescueWait.Round(time.Second), r.RescueDone.Round(time.Second), chaosRescue)
	fmt.Fprintf(w, "all mail work done %s after the last fault\n", r.DrainTime.Round(time.Second))
	var codes []string
	for _, k := range sortedKeys(r.Statuses) {
		name := fmt.Sprint(k)
		if k == 0 {
			name = "no answer"
		}
		codes = append(codes, fmt.Sprintf("%s: %d", name, r.Statuses[k]))
	}
	fmt.Fprintf(w, "portal responses: %s\n", strings.Join(codes, ", "))
}

func sortedKeys(m map[int]int) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// waitDrained waits until no mail is pending and no job of the mail or
// timers queues waits, and returns when that happened.
func waitDrained(ctx context.Context, db *database, max time.Duration) (time.Time, error) {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		var n int
		err := db.admin.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM mail_inbound WHERE state = 'pending') +
			(SELECT count(*) FROM mail_outbox WHERE state = 'queued') +
			(SELECT count(*) FROM river_job WHERE queue IN ('mail_in', 'mail_out')
				AND state IN ('available', 'running', 'retryable', 'scheduled'))`).Scan(&n)
		if err == nil && n == 0 {
			return time.Now(), nil
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	return time.Now(), nil // counted as it stands: what is left is lost
}

// count compares what clients were told with what the database and the
// relay hold.
func count(ctx context.Context, db *database, l *load, r *relay) (Report, error) {
	var rep Report
	l.mu.Lock()
	defer l.mu.Unlock()
	for subject, acked := range l.portal {
		n, err := ticketsWithSubject(ctx, db, subject)
		if err != nil {
			return rep, err
		}
		rep.Portal.Tried++
		if acked {
			rep.Portal.Acknowledged++
			if n == 0 {
				rep.Portal.Lost++
			}
		}
		if n > 1 {
			rep.Portal.Duplicated++
		}
	}
	for id, accepted := range l.mail {
		n, err := ticketsWithSubject(ctx, db, "chaos mail "+id)
		if err != nil {
			return rep, err
		}
		rep.Mail.Tried++
		if accepted {
			rep.Mail.Acknowledged++
			if n == 0 {
				rep.Mail.Lost++
			}
		}
		if n > 1 {
			rep.Mail.Duplicated++
		}
	}
	return rep, countOutbound(ctx, db, r, &rep)
}

func ticketsWithSubject(ctx context.Context, db *database, subject string) (int, error) {
	var n int
	err := db.admin.QueryRow(ctx, `SELECT count(*) FROM tickets WHERE subject = $1`, subject).Scan(&n)
	return n, err
}

// countOutbound checks every notification: delivered, and never received
// by the relay again after its hand-off was recorded.
func countOutbound(ctx context.Context, db *database, r *relay, rep *Report) error {
	got := r.receipts()
	rows, err := db.admin.Query(ctx, `SELECT message_id, state, sent_at FROM mail_outbox`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, state string
		var sent *time.Time
		if err := rows.Scan(&id, &state, &sent); err != nil {
			return err
		}
		rep.Outbound.Tried++
		times := got[id]
		if state == "sent" && len(times) > 0 {
			rep.Outbound.Acknowledged++
		} else {
			rep.Outbound.Lost++
			rep.PendingAfterDrain++
		}
		for _, at := range times[min(1, len(times)):] {
			if sent != nil && at.After(*sent) {
				rep.Outbound.Duplicated++ // sent again after the hand-off was recorded
			} else {
				rep.Resent++
			}
		}
	}
	return rows.Err()
}
