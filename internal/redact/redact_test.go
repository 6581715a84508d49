package redact

import (
	"strings"
	"testing"
)

func TestIsDateShaped(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"2019-03-04", true},
		{"03/04/2019", true},
		{"2019-03-04T14:38:00", true},
		{"2019-03-04 14:38:00", true},
		{"2019-13-45", true}, // shaped like a date even if not one: quoting it helps the user
		{"123456789", false},
		{"20190304", false},
		{"P12345", false},
		{"2019--03", false},
		{"-2019", false},
		{"2019-", false},
		{"", false},
		{"2019-03-04T14:38:00.000000Z", false},
		{"12-345678", false},
	} {
		if got := IsDateShaped(c.in); got != c.want {
			t.Errorf("IsDateShaped(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestQuoteAndDescribe(t *testing.T) {
	const sentinel = "MRN0042SENTINEL"
	upper := func(s string) bool { return strings.ToUpper(s) == s }
	for _, c := range []struct {
		in, want string
		ok       func(string) bool
	}{
		{"2019-03-04", `"2019-03-04"`, IsDateShaped},
		{sentinel, "a value of 15 characters: letters and digits", IsDateShaped},
		{"E11.9", `"E11.9"`, upper},
		{"E11.9 ABCDEFGHIJKLMN", `"E11.9 ABCDEF"...`, upper},
		{"", "an empty value", upper},
		{"   ", "a value of 3 bytes of white space only", upper},
		{"a b\nc", "a value of 5 characters: letters, spaces and line breaks or control characters", upper},
		{"\xff\xfe", "a value of 2 bytes that is not valid UTF-8", upper},
		{"12;3", "a value of 4 characters: digits and punctuation", nil},
		{strings.Repeat("x", 3<<20), "a value of 3.1 million characters: letters", nil},
	} {
		if got := Quote(c.in, c.ok); got != c.want {
			t.Errorf("Quote(%.20q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := Date(sentinel); strings.Contains(got, "SENTINEL") || strings.Contains(got, "MRN") {
		t.Errorf("Date quoted an identifier: %q", got)
	}
}
