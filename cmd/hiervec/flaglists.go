package main

import (
	"strconv"
	"strings"
)

// splitList splits a comma-separated flag value (lower-cased), dropping
// blanks.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(strings.ToLower(f)); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// parseInts parses a comma-separated list of integers.
func parseInts(flagName, s string) ([]int, error) {
	var out []int
	for _, f := range splitList(s) {
		v, err := strconv.Atoi(f)
		if err != nil {
			return nil, usagef("%s: %q is not an integer", flagName, f)
		}
		out = append(out, v)
	}
	return out, nil
}

// joinInts writes xs as a comma-separated flag value (parseInts' inverse).
func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}
