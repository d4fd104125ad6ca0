package password

import "testing"

func BenchmarkWeakness(b *testing.B) {
	h := New(Params{Memory: 1024, Time: 1, Threads: 1}, 1)
	for b.Loop() {
		h.Weakness("una frase bastante larga de 40 caracteres", "rosa.martinez@acme.example", "Rosa Martínez")
	}
}
