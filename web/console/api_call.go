package console

// CallLine is one fact of the phone call behind a ticket (caller, start,
// duration, agent), labelled and formatted by the server.
type CallLine struct {
	ID    string // "caller", "start", "duration", "agent"
	Label string
	Value string
}
