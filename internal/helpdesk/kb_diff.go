package helpdesk

import "strings"

// DiffOp says what happened to a line between two texts.
type DiffOp int

const (
	DiffSame DiffOp = iota
	DiffAdded
	DiffRemoved
)

// DiffLine is one line of a line diff.
type DiffLine struct {
	Op   DiffOp
	Text string
}

// maxDiffCells bounds the LCS table (lines of a × lines of b); beyond it
// the diff is "all removed, all added", still correct, only coarser.
const maxDiffCells = 4 << 20

// DiffLines is a line diff of a and b by longest common subsequence:
// unchanged lines, lines only in a (removed) and only in b (added), in
// reading order.
func DiffLines(a, b string) []DiffLine {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	// Common head and tail are cheap and keep the table small.
	var head, tail []DiffLine
	for len(x) > 0 && len(y) > 0 && x[0] == y[0] {
		head = append(head, DiffLine{DiffSame, x[0]})
		x, y = x[1:], y[1:]
	}
	for len(x) > 0 && len(y) > 0 && x[len(x)-1] == y[len(y)-1] {
		tail = append([]DiffLine{{DiffSame, x[len(x)-1]}}, tail...)
		x, y = x[:len(x)-1], y[:len(y)-1]
	}
	out := head
	if len(x)*len(y) > maxDiffCells {
		for _, l := range x {
			out = append(out, DiffLine{DiffRemoved, l})
		}
		for _, l := range y {
			out = append(out, DiffLine{DiffAdded, l})
		}
		return append(out, tail...)
	}
	// lcs[i][j] is the LCS length of x[i:] and y[j:].
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		switch {
		case x[i] == y[j]:
			out = append(out, DiffLine{DiffSame, x[i]})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, DiffLine{DiffRemoved, x[i]})
			i++
		default:
			out = append(out, DiffLine{DiffAdded, y[j]})
			j++
		}
	}
	for ; i < len(x); i++ {
		out = append(out, DiffLine{DiffRemoved, x[i]})
	}
	for ; j < len(y); j++ {
		out = append(out, DiffLine{DiffAdded, y[j]})
	}
	return append(out, tail...)
}
