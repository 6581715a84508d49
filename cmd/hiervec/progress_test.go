package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestProgressFitsTheTerminal: on an 80- or 120-column terminal no line the
// reporter draws is wider than the terminal, and it shows one ETA.
func TestProgressFitsTheTerminal(t *testing.T) {
	ansi := regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")
	for _, cols := range []int{40, 80, 120} {
		var buf bytes.Buffer
		r := newReporter(&buf, false)
		r.tty, r.width = true, func() int { return cols }
		fields := []string{"overall 37%", "epoch 3/10", "loss 2.2271", "464919 tok/s", "15.2M pairs/s", "alpha 0.01240"}
		for i := int64(0); i <= 10; i++ {
			r.report(status{Label: "[18/18] SG_CO_100", Done: i * 10, Total: 100, Fields: fields,
				ETA: time.Duration(10-i) * time.Minute, Final: i == 10})
		}
		out := ansi.ReplaceAllString(buf.String(), "")
		for _, line := range strings.FieldsFunc(out, func(r rune) bool { return r == '\r' || r == '\n' }) {
			if w := len([]rune(strings.TrimRight(line, " "))); w > cols-1 {
				t.Errorf("%d columns: a line of %d characters: %q", cols, w, line)
			}
			if n := strings.Count(line, "ETA"); n > 1 {
				t.Errorf("%d columns: %d ETAs in %q", cols, n, line)
			}
		}
		if !strings.Contains(out, "ETA") || !strings.Contains(out, "SG_CO_100") {
			t.Errorf("%d columns: no label or ETA drawn: %q", cols, out)
		}
	}
}

func TestFitLine(t *testing.T) {
	s := status{Label: "SG_CO dim 100", ETA: 90 * time.Second, Fields: []string{"epoch 1/5", "loss 2.1000", "465k tok/s"}}
	if got := fitLine(s, 200); got != "SG_CO dim 100  ETA 1m30s  epoch 1/5  loss 2.1000  465k tok/s" {
		t.Errorf("wide: %q", got)
	}
	if got := fitLine(s, 40); got != "SG_CO dim 100  ETA 1m30s  epoch 1/5" {
		t.Errorf("narrow: %q", got)
	}
	if got := fitLine(s, 8); len(got) != 8 {
		t.Errorf("too narrow: %q", got)
	}
}
