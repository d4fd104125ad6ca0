package mail

import (
	"net/mail"
	"strings"

	"github.com/jhillyerd/enmime/v2"

	"github.com/atiende/atiende/internal/helpdesk"
)

// maxCC bounds the Cc addresses read from a message; the domain refuses
// more than helpdesk.MaxCCs on a ticket, so a longer list is cut here
// rather than costing the message.
const maxCC = helpdesk.MaxCCs

// parseCC reads the Cc header's addresses. When the list as a whole does
// not parse (one broken entry), each comma-separated entry is tried alone,
// so one bad address does not drop the others.
func parseCC(env *enmime.Envelope) []helpdesk.MailAddress {
	v := env.GetHeader("Cc")
	if strings.TrimSpace(v) == "" {
		return nil
	}
	p := mail.AddressParser{WordDecoder: wordDecoder}
	list, err := p.ParseList(v)
	if err != nil {
		list = nil
		for _, part := range strings.Split(v, ",") {
			if a, err := p.Parse(part); err == nil {
				list = append(list, a)
			}
		}
	}
	var out []helpdesk.MailAddress
	for _, a := range list {
		if len(out) == maxCC {
			break
		}
		out = append(out, helpdesk.MailAddress{Name: cleanString(a.Name), Email: cleanString(a.Address)})
	}
	return out
}

// foreignCC leaves out of cc the desk's own addresses: any address of the
// inbound domain and the configured sender.
func (p *Processor) foreignCC(cc []helpdesk.MailAddress) []helpdesk.MailAddress {
	var out []helpdesk.MailAddress
	for _, a := range cc {
		e := helpdesk.NormaliseEmail(a.Email)
		_, domain, _ := strings.Cut(e, "@")
		if (p.Domain != "" && domain == strings.ToLower(p.Domain)) || (p.From != "" && e == helpdesk.NormaliseEmail(p.From)) {
			continue
		}
		out = append(out, a)
	}
	return out
}
