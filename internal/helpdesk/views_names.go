package helpdesk

import (
	"context"
	"fmt"
)

// DisplayNames are the names of some groups and users of a desk.
type DisplayNames struct {
	Groups map[GroupID]string
	Users  map[UserID]string
}

// NameStore reads the names the desk's directory lacks.
type NameStore interface {
	// DisplayNames reads the names of groups and users of tenant, each id
	// at most once; an id the desk does not have is left out.
	DisplayNames(ctx context.Context, tenant TenantID, groups []GroupID, users []UserID) (DisplayNames, error)
}

// nameRows fills the group and assignee names of a queue page from dir,
// the directory the page was read with: the list reads ids only, since
// its statement is a generic plan after five runs, in which a join for
// each name reads the name's index again for every row (51 rows: about
// 200 of the list's 380 buffers). A name dir lacks (an agent made
// inactive who still holds tickets, a group or agent added since dir was
// read) is read from the store, in one more round trip that a page
// showing only the desk's active agents and its groups never makes.
func (s *Service) nameRows(ctx context.Context, tenant TenantID, dir *QueueDirectory, rows []TicketSummary) error {
	if len(rows) == 0 {
		return nil
	}
	groups := make(map[GroupID]string, len(dir.Groups))
	for _, g := range dir.Groups {
		groups[g.ID] = g.Name
	}
	users := make(map[UserID]string, len(dir.Agents))
	for _, a := range dir.Agents {
		users[a.ID] = a.Name
	}
	var needGroups []GroupID
	var needUsers []UserID
	for i := range rows {
		if g := rows[i].Group; g != 0 {
			if _, ok := groups[g]; !ok {
				groups[g] = ""
				needGroups = append(needGroups, g)
			}
		}
		if u := rows[i].Assignee; u != 0 {
			if _, ok := users[u]; !ok {
				users[u] = ""
				needUsers = append(needUsers, u)
			}
		}
	}
	if len(needGroups)+len(needUsers) > 0 {
		got, err := s.store.DisplayNames(ctx, tenant, needGroups, needUsers)
		if err != nil {
			return fmt.Errorf("helpdesk: names of the queue: %w", err)
		}
		for id, n := range got.Groups {
			groups[id] = n
		}
		for id, n := range got.Users {
			users[id] = n
		}
	}
	for i := range rows {
		rows[i].GroupName, rows[i].AssigneeName = groups[rows[i].Group], users[rows[i].Assignee]
	}
	return nil
}
