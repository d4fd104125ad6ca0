package helpdesk

// Channel is how a ticket or a comment reached the desk.
type Channel string

// The channels of DESIGN.md "Channels".
const (
	ChannelWeb   Channel = "web"   // portal form or public form
	ChannelEmail Channel = "email" // inbound mail
	ChannelAPI   Channel = "api"   // API tokens: chatbots, CRMs
	ChannelPhone Channel = "phone" // CTI or an agent logging a call
	ChannelChat  Channel = "chat"
)

// Channels lists every channel, for menus and tests.
func Channels() []Channel {
	return []Channel{ChannelWeb, ChannelEmail, ChannelAPI, ChannelPhone, ChannelChat}
}

// ParseChannel turns a stored or submitted value into a Channel.
func ParseChannel(s string) (Channel, error) {
	if c := Channel(s); c.Valid() {
		return c, nil
	}
	return "", invalid("channel", "error.invalid")
}

func (c Channel) String() string { return string(c) }

// Valid reports whether c is one of the channels.
func (c Channel) Valid() bool {
	switch c {
	case ChannelWeb, ChannelEmail, ChannelAPI, ChannelPhone, ChannelChat:
		return true
	}
	return false
}
