package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// status is one progress report of a long-running job, whatever the
// trainer: the cmd layer converts each library's Progress into it.
type status struct {
	Label string // what is running, e.g. "SG_CO dim 100 (3/18)"
	Done  int64  // work units done
	Total int64  // work units in all
	Info  string // a short line of figures: rate, alpha, loss, ETA
	Final bool
}

// reporter draws statuses on stderr: a progress bar when stderr is a
// terminal, a plain line every few seconds otherwise, nothing when quiet.
type reporter struct {
	w        io.Writer
	quiet    bool
	tty      bool
	bar      *progressbar.ProgressBar
	barLabel string
	last     time.Time
	every    time.Duration
}

func newReporter(w io.Writer, quiet bool) *reporter {
	r := &reporter{w: w, quiet: quiet, every: 5 * time.Second}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		r.tty = true
	}
	return r
}

// report shows s. It is called from one goroutine at a time (the
// libraries' monitor goroutines), never concurrently.
func (r *reporter) report(s status) {
	if r.quiet {
		return
	}
	if r.tty {
		if r.bar == nil || r.barLabel != s.Label {
			if r.bar != nil {
				r.bar.Finish()
				fmt.Fprintln(r.w)
			}
			r.bar = progressbar.NewOptions64(s.Total,
				progressbar.OptionSetWriter(r.w),
				progressbar.OptionSetDescription(s.Label),
				progressbar.OptionShowCount(),
				progressbar.OptionSetWidth(30),
				progressbar.OptionClearOnFinish(),
			)
			r.barLabel = s.Label
		}
		r.bar.Describe(s.Label + "  " + s.Info)
		r.bar.Set64(s.Done)
		if s.Final {
			r.bar.Finish()
			fmt.Fprintf(r.w, "%s  %s\n", s.Label, s.Info)
			r.bar = nil
		}
		return
	}
	now := time.Now()
	if !s.Final && now.Sub(r.last) < r.every {
		return
	}
	r.last = now
	pct := 0.0
	if s.Total > 0 {
		pct = 100 * float64(s.Done) / float64(s.Total)
	}
	fmt.Fprintf(r.w, "%s  %5.1f%%  %s\n", s.Label, pct, s.Info)
}

// say prints a line unless quiet.
func (r *reporter) say(format string, a ...any) {
	if r.quiet {
		return
	}
	if r.bar != nil {
		r.bar.Clear()
	}
	fmt.Fprintf(r.w, format+"\n", a...)
}

// fmtDuration prints a duration rounded for humans.
func fmtDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	default:
		return d.Round(time.Second).String()
	}
}

// fmtRate prints a per-second rate with a k/M suffix.
func fmtRate(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	default:
		return fmt.Sprintf("%.0f", v)
	}
}

// warn prints a warning line, even when quiet: a warning is about what the
// output holds, not progress.
func (r *reporter) warn(format string, a ...any) {
	if r.bar != nil {
		r.bar.Clear()
	}
	fmt.Fprintf(r.w, "warning: "+format+"\n", a...)
}

// fmtBytes prints a size in MiB or GiB.
func fmtBytes(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
