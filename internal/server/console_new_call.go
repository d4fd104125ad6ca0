package server

import (
	"strconv"
	"strings"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/console"
)

// agentCallInput reads the phone call of the new-ticket form: logged for
// a phone ticket when a caller number, a duration or the requester's phone
// was typed. A duration the form cannot read is passed on out of range,
// so the domain refuses it on its field like any other bad value.
func agentCallInput(f console.NewTicketForm) *helpdesk.PhoneCall {
	if f.Channel != string(helpdesk.ChannelPhone) {
		if strings.TrimSpace(f.CallNumber) == "" && strings.TrimSpace(f.CallDuration) == "" {
			return nil
		}
		return &helpdesk.PhoneCall{CallerNumber: f.CallNumber, Duration: -1} // refused: not a phone ticket
	}
	if strings.TrimSpace(f.CallNumber+f.CallDuration+f.Phone) == "" {
		return nil
	}
	d, ok := callDuration(f.CallDuration)
	if !ok {
		d = 48 * time.Hour
	}
	return &helpdesk.PhoneCall{CallerNumber: f.CallNumber, Duration: d}
}

// callDuration reads "12" (minutes) or "12:30" (minutes and seconds);
// empty is unknown (-1).
func callDuration(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return -1, true
	}
	m, sec, hasSec := strings.Cut(s, ":")
	mins, err := strconv.Atoi(m)
	if err != nil || mins < 0 {
		return 0, false
	}
	secs := 0
	if hasSec {
		if secs, err = strconv.Atoi(sec); err != nil || secs < 0 || secs > 59 {
			return 0, false
		}
	}
	return time.Duration(mins)*time.Minute + time.Duration(secs)*time.Second, true
}
