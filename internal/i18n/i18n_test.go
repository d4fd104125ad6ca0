package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLanguagesHaveTheSameKeys(t *testing.T) {
	t.Parallel()
	for _, l := range Supported {
		for _, k := range Keys(Default) {
			assert.True(t, l.Has(k), "%s lacks %q", l, k)
		}
		for _, k := range Keys(l) {
			assert.True(t, Default.Has(k), "%s has %q, which %s lacks", l, k, Default)
		}
	}
}

var verb = regexp.MustCompile(`%[a-z]`)

func TestFormatVerbsMatchAcrossLanguages(t *testing.T) {
	t.Parallel()
	for _, k := range Keys(Default) {
		want := verb.FindAllString(ES.T(k), -1)
		assert.Equal(t, want, verb.FindAllString(EN.T(k), -1), k)
	}
}

// usedKey finds message keys in Go and templ sources: T("…") calls and the
// "error.…" keys the domain puts in ValidationError.
var usedKey = regexp.MustCompile(`(?:\.T\(|\Wl\.T\()"([a-z0-9_.]+)"|"(error\.[a-z0-9_.]+)"`)

// countedKey finds N("…") calls, whose keys need every plural form.
var countedKey = regexp.MustCompile(`\.N\("([a-z0-9_.]+)"`)

func TestEveryKeyUsedInTheCodeExists(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	found := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == ".data" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(p, "_templ.go") || strings.HasSuffix(p, "_test.go") ||
			!(strings.HasSuffix(p, ".go") || strings.HasSuffix(p, ".templ")) {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range countedKey.FindAllStringSubmatch(string(src), -1) {
			found++
			for _, form := range []string{PluralOne, PluralOther} {
				assert.True(t, ES.Has(m[1]+"."+form), "%s counts with %q, whose %s form is missing", p, m[1], form)
			}
		}
		for _, m := range usedKey.FindAllStringSubmatch(string(src), -1) {
			key := m[1] + m[2]
			found++
			// Status pages use "error.404" as a prefix of .title and .message.
			assert.True(t, ES.Has(key) || ES.Has(key+".title") && ES.Has(key+".message"),
				"%s uses %q, missing from the catalogue", p, key)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, found, 50, "the scan should find the keys the pages use")
}

func TestTranslateAndFallback(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "Iniciar sesión", ES.T("login.title"))
	assert.Equal(t, "Sign in", EN.T("login.title"))
	assert.Equal(t, "[no.such.key]", EN.T("no.such.key"))
	assert.Equal(t, "Bienvenido, Ana. Tu cuenta está lista.", ES.T("signup.done", "Ana"))
}

func TestAcceptLanguage(t *testing.T) {
	t.Parallel()
	assert.Equal(t, EN, FromAcceptLanguage("en-GB,en;q=0.9"))
	assert.Equal(t, ES, FromAcceptLanguage("es-MX,es;q=0.9,en;q=0.5"))
	assert.Equal(t, ES, FromAcceptLanguage("de-DE"))
	assert.Equal(t, ES, FromAcceptLanguage(""))
	_, ok := Parse("fr")
	assert.False(t, ok)
}
