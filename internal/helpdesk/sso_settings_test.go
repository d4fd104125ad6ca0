package helpdesk

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSSOInputClean(t *testing.T) {
	t.Parallel()
	st, v := SSOInput{Issuer: " https://idp.example.com/realms/acme/ ", ClientID: " atiende ", NewUserRole: "agent",
		AllowedDomains: "@Acme.example, otra.example\nacme.example", ButtonLabel: "  Acme  "}.clean()
	assert.NoError(t, v.Err())
	assert.Equal(t, "https://idp.example.com/realms/acme", st.Issuer)
	assert.Equal(t, "atiende", st.ClientID)
	assert.Equal(t, []string{"acme.example", "otra.example"}, st.AllowedDomains)
	assert.Equal(t, "Acme", st.ButtonLabel)

	for name, tc := range map[string]struct {
		in    SSOInput
		field string
		key   string
	}{
		"no issuer":            {SSOInput{ClientID: "x", NewUserRole: "customer"}, "issuer", "error.required"},
		"issuer not http":      {SSOInput{Issuer: "ftp://idp.example", ClientID: "x", NewUserRole: "customer"}, "issuer", "error.sso_issuer_format"},
		"issuer with query":    {SSOInput{Issuer: "https://idp.example?x=1", ClientID: "x", NewUserRole: "customer"}, "issuer", "error.sso_issuer_format"},
		"issuer with userinfo": {SSOInput{Issuer: "https://a:b@idp.example", ClientID: "x", NewUserRole: "customer"}, "issuer", "error.sso_issuer_format"},
		"no client":            {SSOInput{Issuer: "https://idp.example", NewUserRole: "customer"}, "client_id", "error.required"},
		"admin role":           {SSOInput{Issuer: "https://idp.example", ClientID: "x", NewUserRole: "admin"}, "new_user_role", "error.invalid"},
		"bad domain":           {SSOInput{Issuer: "https://idp.example", ClientID: "x", NewUserRole: "customer", AllowedDomains: "acme"}, "allowed_domains", "error.sso_domains"},
		"agents need domains":  {SSOInput{Issuer: "https://idp.example", ClientID: "x", NewUserRole: "agent"}, "allowed_domains", "error.sso_domains_for_agents"},
	} {
		_, v := tc.in.clean()
		assert.Equal(t, tc.key, v.Fields[tc.field], name)
	}
	_, v = SSOInput{Issuer: "https://accounts.google.com", ClientID: "x", NewUserRole: "customer"}.clean()
	assert.NoError(t, v.Err(), "customers may come from any verified address")
}
