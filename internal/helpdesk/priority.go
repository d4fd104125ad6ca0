package helpdesk

import (
	"fmt"
	"strings"
)

// Priority orders the work: Baja, Media, Alta, Crítica in the UI (the UI
// translates; the domain only knows the stored words). Priorities compare
// through Rank.
type Priority string

// The four priorities, lowest first.
const (
	PriorityLow    Priority = "low"
	PriorityNormal Priority = "normal"
	PriorityHigh   Priority = "high"
	PriorityUrgent Priority = "urgent"
)

// Priorities lists every priority, lowest first.
func Priorities() []Priority {
	return []Priority{PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent}
}

// ParsePriority turns a stored or submitted value into a Priority.
func ParsePriority(s string) (Priority, error) {
	if p := Priority(s); p.Valid() {
		return p, nil
	}
	return "", invalid("priority", "error.invalid")
}

// PriorityFromRank is the inverse of Rank, for stores that keep the rank in
// a small integer column so queues can sort by it.
func PriorityFromRank(r int) (Priority, error) {
	if r < 1 || r > 4 {
		return "", invalid("priority", "error.invalid")
	}
	return Priorities()[r-1], nil
}

func (p Priority) String() string { return string(p) }

// Valid reports whether p is one of the four priorities.
func (p Priority) Valid() bool { return p.Rank() > 0 }

// Rank is 1 (low) to 4 (urgent), 0 for an invalid value.
func (p Priority) Rank() int {
	switch p {
	case PriorityLow:
		return 1
	case PriorityNormal:
		return 2
	case PriorityHigh:
		return 3
	case PriorityUrgent:
		return 4
	}
	return 0
}

// Urgency says how soon the requester needs an answer: low, medium, high.
// It is a distinct type from Impact so the two cannot be swapped by mistake.
type Urgency string

// Impact says how much of the requester's work is affected: low, medium, high.
type Impact string

// The three urgencies and impacts, lowest first.
const (
	UrgencyLow    Urgency = "low"
	UrgencyMedium Urgency = "medium"
	UrgencyHigh   Urgency = "high"

	ImpactLow    Impact = "low"
	ImpactMedium Impact = "medium"
	ImpactHigh   Impact = "high"
)

// Urgencies lists the urgencies, lowest first.
func Urgencies() []Urgency { return []Urgency{UrgencyLow, UrgencyMedium, UrgencyHigh} }

// Impacts lists the impacts, lowest first.
func Impacts() []Impact { return []Impact{ImpactLow, ImpactMedium, ImpactHigh} }

// ParseUrgency turns a stored or submitted value into an Urgency.
func ParseUrgency(s string) (Urgency, error) {
	if u := Urgency(s); u.Valid() {
		return u, nil
	}
	return "", invalid("urgency", "error.invalid")
}

// ParseImpact turns a stored or submitted value into an Impact.
func ParseImpact(s string) (Impact, error) {
	if i := Impact(s); i.Valid() {
		return i, nil
	}
	return "", invalid("impact", "error.invalid")
}

func (u Urgency) String() string { return string(u) }
func (i Impact) String() string  { return string(i) }

// Valid reports whether u is low, medium or high.
func (u Urgency) Valid() bool { return levelIndex(string(u)) >= 0 }

// Valid reports whether i is low, medium or high.
func (i Impact) Valid() bool { return levelIndex(string(i)) >= 0 }

func levelIndex(s string) int {
	switch s {
	case "low":
		return 0
	case "medium":
		return 1
	case "high":
		return 2
	}
	return -1
}

// PriorityMatrix proposes a priority from impact × urgency: the first index
// is the impact, the second the urgency, both low, medium, high. It is
// tenant configuration; the zero value is not valid (use DefaultPriorityMatrix).
type PriorityMatrix [3][3]Priority

// DefaultPriorityMatrix is the ITIL-style matrix a new desk starts with:
//
//	impact \ urgency   low     medium  high
//	low                low     low     normal
//	medium             low     normal  high
//	high               normal  high    urgent
func DefaultPriorityMatrix() PriorityMatrix {
	return PriorityMatrix{
		{PriorityLow, PriorityLow, PriorityNormal},
		{PriorityLow, PriorityNormal, PriorityHigh},
		{PriorityNormal, PriorityHigh, PriorityUrgent},
	}
}

// Propose returns the priority for impact i and urgency u. Invalid levels
// count as medium, so a proposal always exists; callers validate levels on
// input.
func (m PriorityMatrix) Propose(i Impact, u Urgency) Priority {
	ii, ui := levelIndex(string(i)), levelIndex(string(u))
	if ii < 0 {
		ii = 1
	}
	if ui < 0 {
		ui = 1
	}
	return m[ii][ui]
}

// Validate checks that every cell holds a priority and that the matrix is
// monotonic: more impact or more urgency never proposes a lower priority,
// because a matrix that does is almost certainly a data-entry mistake.
func (m PriorityMatrix) Validate() error {
	var v ValidationError
	for i := range 3 {
		for u := range 3 {
			p := m[i][u]
			field := fmt.Sprintf("matrix.%s.%s", Impacts()[i], Urgencies()[u])
			switch {
			case !p.Valid():
				v.Add(field, "error.invalid")
			case i > 0 && m[i-1][u].Valid() && p.Rank() < m[i-1][u].Rank(),
				u > 0 && m[i][u-1].Valid() && p.Rank() < m[i][u-1].Rank():
				v.Add(field, "error.priority_matrix_order")
			}
		}
	}
	return v.Err()
}

// String renders the matrix as "low,low,normal/low,normal,high/…" (rows by
// impact), the form stores may persist it in; ParsePriorityMatrix reads it.
func (m PriorityMatrix) String() string {
	rows := make([]string, 3)
	for i := range 3 {
		rows[i] = fmt.Sprintf("%s,%s,%s", m[i][0], m[i][1], m[i][2])
	}
	return strings.Join(rows, "/")
}

// ParsePriorityMatrix reads what String wrote and validates it.
func ParsePriorityMatrix(s string) (PriorityMatrix, error) {
	var m PriorityMatrix
	rows := strings.Split(s, "/")
	if len(rows) != 3 {
		return m, invalid("matrix", "error.invalid")
	}
	for i, row := range rows {
		cells := strings.Split(row, ",")
		if len(cells) != 3 {
			return PriorityMatrix{}, invalid("matrix", "error.invalid")
		}
		for u, c := range cells {
			m[i][u] = Priority(c)
		}
	}
	if err := m.Validate(); err != nil {
		return PriorityMatrix{}, err
	}
	return m, nil
}
