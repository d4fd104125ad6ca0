package password

import (
	"strings"
	"unicode"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/match"
)

// MinScore is the zxcvbn score a new password needs: 3 means about 10^8
// guesses, out of reach of an online attack and slow offline against
// argon2id.
const MinScore = 3

// spanish are common Spanish passwords and words people build passwords
// from. zxcvbn's dictionaries are English; these are given to it as extra
// words, so "contraseña2024" or "teamo12345" are seen for what they are.
var spanish = []string{
	"contraseña", "contrasena", "clave", "secreto", "acceso", "entrar", "usuario", "administrador",
	"soporte", "ayuda", "hola", "holahola", "amor", "teamo", "tequiero", "miamor", "corazon", "cariño",
	"princesa", "mariposa", "estrella", "angel", "dios", "jesus", "cristo", "familia", "mama", "papa",
	"bienvenido", "bienvenida", "españa", "espana", "mexico", "argentina", "colombia", "chile", "peru",
	"madrid", "barcelona", "sevilla", "valencia", "realmadrid", "barca", "futbol", "america", "boca",
	"river", "perro", "gato", "casa", "trabajo", "empresa", "oficina", "verano", "invierno", "domingo",
	"lunes", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
	"octubre", "noviembre", "diciembre", "qwerty", "asdfgh", "zxcvbn", "cambiar", "nueva", "nuevo",
	"prueba", "pruebas", "temporal", "inicio", "sistema", "servidor", "atiende",
}

// Weakness implements helpdesk.PasswordStrength with zxcvbn: "" when pw
// scores MinScore or more, otherwise the message key of what makes it
// guessable (its weakest recognisable part, in the order zxcvbn split it).
// inputs are the user's own words (email, name, the desk's name).
func (h *Hasher) Weakness(pw string, inputs ...string) string {
	personal := personalWords(inputs)
	r := zxcvbn.PasswordStrength(pw, append(append([]string(nil), personal...), spanish...))
	if mostlyPersonal(pw, r.Sequence, personal) {
		// zxcvbn may still score it well, but it is the first thing
		// anyone who knows the user would try.
		return "error.password_personal"
	}
	if r.Score >= MinScore {
		return ""
	}
	for _, m := range r.Sequence {
		if key := explain(m, personal); key != "" {
			return key
		}
	}
	return "error.password_weak"
}

// explain names what made a part of a password easy to guess.
func explain(m *match.Match, personal []string) string {
	switch m.Pattern {
	case "dictionary":
		if isPersonal(m.MatchedWord, personal) {
			return "error.password_personal"
		}
		switch m.DictionaryName {
		case "user_inputs", "passwords":
			return "error.password_common"
		}
		return "error.password_words"
	case "sequence", "repeat":
		return "error.password_sequence"
	case "spatial":
		return "error.password_keyboard"
	case "date", "regex":
		return "error.password_date"
	}
	return ""
}

// personalWords splits the user's own data into the words a password
// might reuse: "ana.perez@acme.example" gives ana, perez, acme, example.
func personalWords(inputs []string) []string {
	var out []string
	for _, in := range inputs {
		for _, w := range strings.FieldsFunc(strings.ToLower(in), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			if len([]rune(w)) >= 3 {
				out = append(out, w)
			}
		}
	}
	return out
}

// mostlyPersonal reports whether the user's own words make up half of pw
// or more.
func mostlyPersonal(pw string, seq []*match.Match, personal []string) bool {
	n := 0
	for _, m := range seq {
		// Any dictionary: a surname may match zxcvbn's own list first.
		if m.Pattern == "dictionary" && isPersonal(m.MatchedWord, personal) {
			n += len([]rune(m.Token))
		}
	}
	return n > 0 && 2*n >= len([]rune(pw))
}

func isPersonal(word string, personal []string) bool {
	w := strings.ToLower(word)
	for _, p := range personal {
		if p == w {
			return true
		}
	}
	return false
}
