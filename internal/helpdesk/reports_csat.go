package helpdesk

// TicketCSAT is what staff see of satisfaction on a ticket page: every
// rating of the ticket (one per resolution, with its comment) and how its
// requester rates the desk overall.
type TicketCSAT struct {
	Ratings        []Rating
	RequesterRated int     // ratings the requester has given, all tickets
	RequesterAvg   float64 // their average; 0 when none
}
