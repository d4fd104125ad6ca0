package demo

import (
	"context"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
)

// planTicket plans one ticket's life from its arrival at.
func (h *history) planTicket(at time.Time) {
	i := len(h.numbers)
	h.numbers = append(h.numbers, 0)
	seq := 0
	add := func(when time.Time, do func(ctx context.Context, n helpdesk.TicketNumber) error) time.Time {
		seq++
		h.actions = append(h.actions, action{at: when, ticket: i, seq: seq, do: do})
		return when
	}
	s := historySubjects[h.rng.IntN(len(historySubjects))]
	cust := h.people[h.rng.IntN(len(h.people))]
	channel := []helpdesk.Channel{helpdesk.ChannelWeb, helpdesk.ChannelEmail, helpdesk.ChannelPhone, helpdesk.ChannelChat}[h.pick(45, 30, 15, 10)]
	levels := []helpdesk.Urgency{helpdesk.UrgencyLow, helpdesk.UrgencyMedium, helpdesk.UrgencyHigh}
	urgency := levels[h.pick(35, 45, 20)]
	impact := helpdesk.Impact(levels[h.pick(50, 35, 15)])
	add(at, func(ctx context.Context, _ helpdesk.TicketNumber) error {
		t, err := h.svc.OpenTicket(ctx, cust.Actor(), helpdesk.NewTicket{Subject: s.subject, Description: s.body,
			Channel: channel, Urgency: urgency, Impact: impact, Category: categoryOf(s.subject, h.cats)})
		h.numbers[i] = t.Number
		return err
	})
	agent := h.agents[h.pick(65, 35)]
	v := func(n helpdesk.TicketNumber) helpdesk.TicketVersion { return helpdesk.TicketVersion{Number: n} }
	reply := func(by helpdesk.User, text string, to helpdesk.Status) func(context.Context, helpdesk.TicketNumber) error {
		return func(ctx context.Context, n helpdesk.TicketNumber) error {
			_, err := h.svc.Reply(ctx, by.Actor(), v(n), helpdesk.ReplyInput{
				CommentInput: helpdesk.CommentInput{Body: text, Channel: helpdesk.ChannelWeb}, Public: true, Status: to})
			return err
		}
	}
	answer := func(text string) func(context.Context, helpdesk.TicketNumber) error {
		return func(ctx context.Context, n helpdesk.TicketNumber) error {
			_, err := h.svc.Reply(ctx, cust.Actor(), v(n), helpdesk.ReplyInput{
				CommentInput: helpdesk.CommentInput{Body: text, Channel: channel}, Public: true})
			return err
		}
	}
	// First reply: usually within the hour of opening time, sometimes late.
	first := []time.Duration{h.minutes(5, 60), h.minutes(60, 240), h.minutes(300, 900)}[h.pick(70, 20, 10)]
	t := h.biz(at, first)
	g1 := h.level1
	add(t.Add(-2*time.Minute), func(ctx context.Context, n helpdesk.TicketNumber) error {
		id := agent.ID
		_, err := h.svc.Assign(ctx, agent.Actor(), v(n), helpdesk.Assignment{Group: &g1, Agent: &id})
		return err
	})
	switch h.pick(40, 22, 20, 10, 8) {
	case 0: // solved in one reply
		t = add(t, reply(agent, "Hola, ya está resuelto. Cualquier cosa, nos dices.", helpdesk.StatusSolved))
	case 1: // a conversation
		t = add(t, reply(agent, "Hola, lo estamos revisando. ¿Desde cuándo ocurre?", ""))
		t = add(t.Add(h.minutes(30, 20*60)), answer("Desde ayer por la tarde."))
		t = add(h.biz(t, h.minutes(20, 240)), reply(agent, "Gracias. Corregido; ya debería funcionar.", helpdesk.StatusSolved))
	case 2: // the desk waits on the requester
		t = add(t, reply(agent, "Hola, ¿nos envías una captura del error?", helpdesk.StatusPending))
		t = add(t.Add(h.minutes(120, 48*60)), answer("Adjunto la captura."))
		t = add(h.biz(t, h.minutes(30, 360)), reply(agent, "Gracias, con eso lo hemos solucionado.", helpdesk.StatusSolved))
	case 3: // escalated to the specialists
		t = add(t, reply(agent, "Hola, lo pasamos al equipo especialista.", ""))
		g2 := h.level2
		t = add(h.biz(t, h.minutes(10, 90)), func(ctx context.Context, n helpdesk.TicketNumber) error {
			_, err := h.svc.Escalate(ctx, agent.Actor(), v(n), g2)
			return err
		})
		t = add(h.biz(t, h.minutes(60, 900)), reply(h.agents[1], "Hola, el equipo especialista lo ha resuelto.", helpdesk.StatusSolved))
	default: // answered, then left open for a long while
		t = add(t, reply(agent, "Hola, lo apuntamos y te decimos algo.", ""))
		t = add(h.biz(t, h.minutes(20*60, 60*60)), reply(agent, "Por fin resuelto, perdona la espera.", helpdesk.StatusSolved))
	}
	if h.rng.IntN(100) < 9 { // reopened by the requester
		t = add(t.Add(h.minutes(240, 48*60)), answer("Vuelve a pasar lo mismo."))
		t = add(h.biz(t, h.minutes(30, 180)), reply(agent, "Revisado de nuevo y corregido del todo.", helpdesk.StatusSolved))
	}
	if h.rng.IntN(100) < 48 { // rated
		score := []int{5, 4, 3, 2, 1}[h.pick(55, 25, 10, 5, 5)]
		comments := ratingComments[score]
		comment := comments[h.rng.IntN(len(comments))]
		t = add(t.Add(h.minutes(20, 30*60)), func(ctx context.Context, n helpdesk.TicketNumber) error {
			_, err := h.svc.Rate(ctx, cust.Actor(), n, score, comment)
			return err
		})
	}
	if h.rng.IntN(100) < 40 { // confirmed: Cerrado
		add(t.Add(h.minutes(60, 48*60)), func(ctx context.Context, n helpdesk.TicketNumber) error {
			_, err := h.svc.ConfirmSolution(ctx, cust.Actor(), v(n))
			return err
		})
	}
}
