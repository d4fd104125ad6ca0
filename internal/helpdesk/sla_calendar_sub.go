package helpdesk

import "time"

// subBusinessHorizon is how far back SubBusiness looks for enough opening
// time: a calendar with less than the wanted time in a year never opens
// enough to matter.
const subBusinessHorizon = 366 * 24 * time.Hour

// SubBusiness returns the latest instant from which d of opening time has
// passed by end: the inverse of AddBusiness, for "30 business minutes
// ago". ok is false when the year before end holds less than d of opening
// time.
func (c *Calendar) SubBusiness(end time.Time, d time.Duration) (time.Time, bool) {
	if d <= 0 {
		return end, true
	}
	if c.IsCalendarHours() {
		return end.Add(-d), true
	}
	// Opening time never exceeds wall time, so the answer is at or before
	// end-d. Step back, doubling, until enough opening time lies between,
	// then halve the gap: BusinessBetween(x, end) only grows as x moves
	// back.
	late := end.Add(-d) // too late (or exactly right)
	if c.BusinessBetween(late, end) >= d {
		return late, true
	}
	step := d
	early := late.Add(-step)
	for c.BusinessBetween(early, end) < d {
		if end.Sub(early) > subBusinessHorizon {
			return time.Time{}, false
		}
		late, step = early, step*2
		early = late.Add(-step)
	}
	for late.Sub(early) > time.Second {
		mid := early.Add(late.Sub(early) / 2)
		if c.BusinessBetween(mid, end) >= d {
			early = mid
		} else {
			late = mid
		}
	}
	// The boundary lies in (early, late]. Inside opening hours opening time
	// runs with the wall clock, so step back from late by what is missing;
	// if that stretch is not all open, early is within a second.
	if exact := late.Add(-(d - c.BusinessBetween(late, end))); c.BusinessBetween(exact, end) == d {
		return exact, true
	}
	return early, true
}
