package helpdesk

import (
	"context"
	"regexp"
	"strings"
)

// KBDraftFromTicket turns a solved (or closed) ticket's question and answer
// into a draft article in section: the subject becomes the title, the
// requester's first public message the question and the last public agent
// reply the answer. The requester's name and email, any email address and
// anything shaped like a phone number are replaced, so no requester data
// reaches the draft; the agent still reads it before publishing.
func (s *Service) KBDraftFromTicket(ctx context.Context, by Actor, n TicketNumber, section KBSectionID) (KBArticle, error) {
	if err := kbStaff(by, "kb draft from ticket"); err != nil {
		return KBArticle{}, err
	}
	t, err := s.Ticket(ctx, by, n)
	if err != nil {
		return KBArticle{}, err
	}
	if t.Status != StatusSolved && t.Status != StatusClosed {
		return KBArticle{}, invalid("ticket", "kb.error.not_solved")
	}
	tl, err := s.Timeline(ctx, by, n)
	if err != nil {
		return KBArticle{}, err
	}
	var question, answer string
	for _, e := range tl {
		c := e.Comment
		if c == nil || c.Visibility != Public {
			continue
		}
		switch {
		case c.Author.Kind == AuthorCustomer && question == "":
			question = c.Body
		case c.Author.Kind == AuthorAgent:
			answer = c.Body
		}
	}
	if question == "" {
		question = t.Subject
	}
	if section == 0 {
		cfg, err := s.KBConfig(ctx, by)
		if err != nil {
			return KBArticle{}, err
		}
		if section, err = kbSectionOrFirst(cfg.Categories, 0); err != nil {
			return KBArticle{}, err
		}
	}
	scrub := func(s string) string { return scrubRequester(s, t.Requester) }
	body := "## " + kbHeading("question") + "\n\n" + scrub(question) + "\n\n## " + kbHeading("answer") + "\n\n" + scrub(answer)
	return s.SaveKBArticle(ctx, by, 0, KBSave{Input: KBArticleInput{
		Section: section, Locale: "es", Title: scrub(t.Subject), Body: body, Audience: string(KBPublic),
	}})
}

func kbHeading(which string) string {
	if which == "question" {
		return "Pregunta"
	}
	return "Respuesta"
}

var (
	kbEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	kbPhone = regexp.MustCompile(`\+?\d[\d\s().\-]{7,}\d`)
)

// scrubRequester removes the requester's identity from s: their name (and
// each part of it longer than two letters), any email address and phone
// number.
func scrubRequester(s string, r Requester) string {
	s = kbEmail.ReplaceAllString(s, "[email]")
	s = kbPhone.ReplaceAllString(s, "[teléfono]")
	if r.Email != "" {
		s = strings.ReplaceAll(s, r.Email, "[email]")
	}
	names := []string{r.Name}
	names = append(names, strings.Fields(r.Name)...)
	for _, name := range names {
		if len([]rune(name)) < 3 {
			continue
		}
		// Word boundaries by Unicode letters: \b is ASCII-only and would
		// cut "mañana" into "mañ" + "ana".
		re, err := regexp.Compile(`(?i)(^|[^\p{L}\p{N}])` + regexp.QuoteMeta(name) + `($|[^\p{L}\p{N}])`)
		if err != nil {
			return s
		}
		// Twice: adjacent matches share the separator between them.
		s = re.ReplaceAllString(s, "${1}[cliente]${2}")
		s = re.ReplaceAllString(s, "${1}[cliente]${2}")
	}
	return s
}

// kbSectionOrFirst is section, or the desk's first section when zero.
func kbSectionOrFirst(cats []KBCategory, section KBSectionID) (KBSectionID, error) {
	if section != 0 {
		return section, nil
	}
	for _, c := range cats {
		if len(c.Sections) > 0 {
			return c.Sections[0].ID, nil
		}
	}
	return 0, invalid("section", "kb.error.no_section")
}
