package helpdesk

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// DisplayIDs are the groups, users and categories of a desk whose names
// are wanted.
type DisplayIDs struct {
	Groups     []GroupID
	Users      []UserID
	Categories []CategoryID
}

func (ids DisplayIDs) empty() bool {
	return len(ids.Groups)+len(ids.Users)+len(ids.Categories) == 0
}

// DisplayNames are the names of some groups, users and categories of a
// desk.
type DisplayNames struct {
	Groups     map[GroupID]string
	Users      map[UserID]string
	Categories map[CategoryID]string
}

// NameStore reads the names the desk's directory lacks.
type NameStore interface {
	// DisplayNames reads the names of ids of tenant, each id at most once;
	// an id the desk does not have is left out.
	DisplayNames(ctx context.Context, tenant TenantID, ids DisplayIDs) (DisplayNames, error)
}

// namer names the groups, agents and categories a page shows from the
// directory the page was read with, and reads from the store, in one
// round trip for all of them, only the names the directory lacks: an
// agent made inactive who still holds tickets, or a group, agent or
// category added since the directory was read (the desk cache drops it
// when the change's notification arrives). Reads that name rows through
// joins cost the database more than the rows themselves: see nameRows
// and nameWorkspace.
type namer struct {
	names DisplayNames
	need  DisplayIDs
}

func newNamer(dir *QueueDirectory) *namer {
	n := &namer{names: DisplayNames{
		Groups:     make(map[GroupID]string, len(dir.Groups)),
		Users:      make(map[UserID]string, len(dir.Agents)),
		Categories: make(map[CategoryID]string, len(dir.Categories)),
	}}
	for _, g := range dir.Groups {
		n.names.Groups[g.ID] = g.Name
	}
	for _, a := range dir.Agents {
		n.names.Users[a.ID] = a.Name
	}
	for _, c := range dir.Categories {
		n.names.Categories[c.ID] = c.Name
	}
	return n
}

// want notes ids whose names the directory lacks (zero ids are none).
func (n *namer) want(g GroupID, u UserID, c CategoryID) {
	if _, ok := n.names.Groups[g]; g != 0 && !ok {
		n.names.Groups[g] = ""
		n.need.Groups = append(n.need.Groups, g)
	}
	if _, ok := n.names.Users[u]; u != 0 && !ok {
		n.names.Users[u] = ""
		n.need.Users = append(n.need.Users, u)
	}
	if _, ok := n.names.Categories[c]; c != 0 && !ok {
		n.names.Categories[c] = ""
		n.need.Categories = append(n.need.Categories, c)
	}
}

// read reads the names wanted that the directory lacks, if any.
func (n *namer) read(ctx context.Context, s *Service, tenant TenantID) error {
	if n.need.empty() {
		return nil
	}
	got, err := s.store.DisplayNames(ctx, tenant, n.need)
	if err != nil {
		return fmt.Errorf("helpdesk: display names: %w", err)
	}
	for id, name := range got.Groups {
		n.names.Groups[id] = name
	}
	for id, name := range got.Users {
		n.names.Users[id] = name
	}
	for id, name := range got.Categories {
		n.names.Categories[id] = name
	}
	n.need = DisplayIDs{}
	return nil
}

// nameRows fills the group and assignee names of a queue page from dir,
// the directory the page was read with: the list reads ids only, since
// its statement is a generic plan after five runs, in which a join for
// each name reads the name's index again for every row (51 rows: about
// 200 of the list's 380 buffers).
func (s *Service) nameRows(ctx context.Context, tenant TenantID, dir *QueueDirectory, rows []TicketSummary) error {
	if len(rows) == 0 {
		return nil
	}
	n := newNamer(dir)
	for i := range rows {
		n.want(rows[i].Group, rows[i].Assignee, 0)
	}
	if err := n.read(ctx, s, tenant); err != nil {
		return err
	}
	for i := range rows {
		rows[i].GroupName, rows[i].AssigneeName = n.names.Groups[rows[i].Group], n.names.Users[rows[i].Assignee]
	}
	return nil
}

// nameWorkspace fills t's group, assignee and category names and names
// the reports of present other than by's, which it returns ordered as the
// named read orders them (sortPresent), all from dir: the ticket page reads
// its ticket and its presence without names (Visit.Unnamed), since three
// joins for the ticket's names took its statement from about 0.12 to 0.18
// ms, and a look-up per report doubled the presence read (medium bench
// desk, medians of 300 reads).
func (s *Service) nameWorkspace(ctx context.Context, by Actor, dir *QueueDirectory, t *Ticket, present []Presence) ([]Presence, error) {
	n := newNamer(dir)
	n.want(t.Group, t.Assignee, t.Category)
	others := othersThan(by.User, present)
	for _, p := range others {
		n.want(0, p.User, 0)
	}
	if err := n.read(ctx, s, by.Tenant); err != nil {
		return nil, err
	}
	t.GroupName, t.AssigneeName, t.CategoryName = n.names.Groups[t.Group], n.names.Users[t.Assignee], n.names.Categories[t.Category]
	for i := range others {
		others[i].Name = n.names.Users[others[i].User]
	}
	sortPresent(others, dir.Agents)
	return others, nil
}

// sortPresent orders reports as the named presence read does (by name,
// then user) in the database's collation, which need not be Go's byte
// order: by the place of each agent in agents, the directory's active
// agents as the database sorted them by name and id; the few the
// directory lacks go last, by name.
func sortPresent(ps []Presence, agents []User) {
	if len(ps) < 2 {
		return
	}
	at := make(map[UserID]int, len(ps))
	for _, p := range ps {
		at[p.User] = len(agents)
	}
	for i, a := range agents {
		if _, ok := at[a.ID]; ok {
			at[a.ID] = i
		}
	}
	slices.SortStableFunc(ps, func(a, b Presence) int {
		return cmp.Or(cmp.Compare(at[a.User], at[b.User]), cmp.Compare(a.Name, b.Name), cmp.Compare(a.User, b.User))
	})
}
