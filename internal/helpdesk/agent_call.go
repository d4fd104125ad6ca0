package helpdesk

import "time"

// agentCall checks the call an agent logs with a new ticket: only a phone
// ticket has one; the caller number defaults to the phone typed for the
// requester; the agent logging it took the call. Problems are reported on
// the form's fields (call_number, call_duration, channel).
func agentCall(in *AgentTicket, by Actor, now time.Time) error {
	c := in.Call
	if c == nil {
		return nil
	}
	if in.Channel != ChannelPhone {
		return invalid("channel", "error.call_channel")
	}
	if CleanLine(c.CallerNumber) == "" {
		c.CallerNumber = in.Phone
	}
	c.Agent = by.User
	if c.Duration < 0 {
		c.Duration = -1
	}
	err := checkCall(c, now)
	if v, ok := err.(*ValidationError); ok {
		out := &ValidationError{}
		for f, k := range v.Fields {
			switch f {
			case "phone.caller_number":
				out.Add("call_number", k)
			case "phone.duration_seconds":
				out.Add("call_duration", k)
			default:
				out.Add(f, k)
			}
		}
		return out
	}
	return err
}
