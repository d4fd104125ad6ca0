package helpdesk

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSlugify(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Facturación y pagos":          "facturacion-y-pagos",
		"¿Cómo cambio la contraseña?":  "como-cambio-la-contrasena",
		"  VPN -- en el móvil!! ":      "vpn-en-el-movil",
		"<script>alert(1)</script>":    "script-alert-1-script",
		"日本語":                          "",
		strings.Repeat("palabra ", 40): strings.TrimRight(Slugify(strings.Repeat("palabra ", 40)), "-"),
	} {
		got := Slugify(in)
		assert.Equal(t, want, got, in)
		assert.LessOrEqual(t, len(got), maxKBSlug)
	}
}

func TestDiffLines(t *testing.T) {
	t.Parallel()
	got := DiffLines("a\nb\nc\nd", "a\nc\nd\ne")
	assert.Equal(t, []DiffLine{{DiffSame, "a"}, {DiffRemoved, "b"}, {DiffSame, "c"}, {DiffSame, "d"}, {DiffAdded, "e"}}, got)
	assert.Equal(t, []DiffLine{{DiffSame, "x"}}, DiffLines("x", "x"))
	assert.Equal(t, []DiffLine{{DiffRemoved, "x"}, {DiffAdded, "y"}}, DiffLines("x", "y"))
}

func TestScrubRequester(t *testing.T) {
	t.Parallel()
	r := Requester{Name: "Ana Torres", Email: "ana.torres@demo.example"}
	got := scrubRequester("Hola, soy Ana Torres (ana.torres@demo.example, +34 600 123 456). Escribid a otra@x.es. Gracias, Ana.", r)
	for _, bad := range []string{"Ana", "Torres", "ana.torres@demo.example", "600 123 456", "otra@x.es"} {
		assert.NotContains(t, got, bad)
	}
	assert.Contains(t, got, "Hola, soy")
	assert.Equal(t, "Hasta mañana, [cliente].", scrubRequester("Hasta mañana, Ana.", r))
}

func TestKBArticleInput(t *testing.T) {
	t.Parallel()
	a, err := KBArticleInput{Section: 1, Locale: "es", Title: "  Cómo  pagar ", Audience: "public", Tags: "Pagos, pagos, tarjeta"}.article()
	assert.NoError(t, err)
	assert.Equal(t, "Cómo pagar", a.Title)
	assert.Equal(t, "como-pagar", a.Slug)
	assert.Equal(t, []string{"pagos", "tarjeta"}, a.Tags)
	_, err = KBArticleInput{Locale: "fr", Audience: "everyone"}.article()
	var v *ValidationError
	if assert.ErrorAs(t, err, &v) {
		for _, f := range []string{"title", "section", "locale", "audience"} {
			assert.Contains(t, v.Fields, f)
		}
	}
	// Audiences: a guest public only, a customer also customers-only,
	// staff everything in the console but never internal in the help centre.
	guest := Actor{Kind: ActorGuest, Tenant: 1}
	cust := Actor{Kind: ActorUser, Tenant: 1, Role: RoleCustomer}
	agent := Actor{Kind: ActorUser, Tenant: 1, Role: RoleAgent}
	assert.Equal(t, []KBAudience{KBPublic}, guest.helpAudiences())
	assert.Equal(t, []KBAudience{KBPublic, KBCustomers}, cust.helpAudiences())
	assert.Equal(t, []KBAudience{KBPublic, KBCustomers}, agent.helpAudiences())
	assert.Equal(t, []KBAudience{KBPublic, KBCustomers, KBInternal}, agent.kbAudiences())
}
