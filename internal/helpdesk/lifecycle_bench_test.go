package helpdesk

import "testing"

// The hot domain functions of every write: a status change, an agent's
// reply and the priority matrix. Run with
// go test -run '^$' -bench . ./internal/helpdesk/ (the figures are in
// docs/benchmarks.md only through make bench, never from timed tests).

func BenchmarkTransitionOpenToPending(b *testing.B) {
	base := ticketIn(StatusOpen)
	b.ReportAllocs()
	for b.Loop() {
		tk := base
		if _, err := tk.Transition(StatusPending, agent, t0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTransitionSolve(b *testing.B) {
	base := ticketIn(StatusOpen)
	b.ReportAllocs()
	for b.Loop() {
		tk := base
		if _, err := tk.Transition(StatusSolved, agent, t0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTransitionRefused is the cost of saying no (Closed is final).
func BenchmarkTransitionRefused(b *testing.B) {
	base := ticketIn(StatusClosed)
	b.ReportAllocs()
	for b.Loop() {
		tk := base
		if _, err := tk.Transition(StatusOpen, agent, t0); err == nil {
			b.Fatal("a closed ticket was reopened")
		}
	}
}

func BenchmarkAgentReplyOnNew(b *testing.B) {
	base := ticketIn(StatusNew)
	b.ReportAllocs()
	for b.Loop() {
		tk := base
		if _, err := tk.ApplyAgentReply(true, agent, t0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCanTransition(b *testing.B) {
	statuses := Statuses()
	for b.Loop() {
		for _, from := range statuses {
			for _, to := range statuses {
				_ = CanTransition(from, to)
			}
		}
	}
}

func BenchmarkPriorityMatrixPropose(b *testing.B) {
	m := DefaultPriorityMatrix()
	for b.Loop() {
		for _, i := range Impacts() {
			for _, u := range Urgencies() {
				if !m.Propose(i, u).Valid() {
					b.Fatal("no proposal")
				}
			}
		}
	}
}

func BenchmarkPriorityMatrixValidate(b *testing.B) {
	m := DefaultPriorityMatrix()
	for b.Loop() {
		if err := m.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}
