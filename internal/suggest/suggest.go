// Package suggest finds the word a user probably meant: the nearest of a list to a
// mistyped one, for "unknown command "tarin": did you mean train?".
package suggest

import "strings"

// Nearest is the option nearest to name, ignoring case: a prefix of it (at least two
// letters), or one at most a third of its letters away (the first such in options at
// the smallest distance); "" if none is close.
func Nearest(name string, options []string) string {
	name = strings.ToLower(name)
	best, bestDist := "", len(name)/3+1
	for _, o := range options {
		if len(name) > 1 && strings.HasPrefix(o, name) {
			return o
		}
		if d := editDistance(name, o); d < bestDist {
			best, bestDist = o, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, with the swap of two
// neighbouring letters counting one (a typist's most common slip).
func editDistance(a, b string) int {
	prev2, prev, cur := make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
