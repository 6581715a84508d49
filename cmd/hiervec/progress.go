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
	Label string // what is running, e.g. "[3/18] SG_CO_100"
	Done  int64  // work units done
	Total int64  // work units in all
	// Fields are short figures (epoch, rate, loss), most important first:
	// a narrow terminal drops them from the end.
	Fields []string
	ETA    time.Duration // the one estimate of the time left
	Final  bool
}

// reporter draws statuses on stderr: a progress bar that fits the
// terminal's width when stderr is a terminal, a plain line every few
// seconds otherwise, nothing when quiet.
type reporter struct {
	w        io.Writer
	quiet    bool
	tty      bool
	width    func() int // the terminal's columns
	bar      *progressbar.ProgressBar
	barLabel string
	barWidth int
	last     time.Time
	every    time.Duration
}

func newReporter(w io.Writer, quiet bool) *reporter {
	r := &reporter{w: w, quiet: quiet, every: 5 * time.Second, width: func() int { return 80 }}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		r.tty = true
		r.width = func() int {
			if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
				return cols
			}
			return 80
		}
	}
	return r
}

// minBar and maxBar bound the bar's width in characters; barExtra is what
// the bar adds around it (" 100% |", "| ").
const (
	minBar   = 10
	maxBar   = 30
	barExtra = 9
)

// fitLine joins label, the ETA and as many fields as fit in width
// characters, dropping fields from the end; when even the label and the
// ETA do not fit, the label loses its first characters.
func fitLine(s status, width int) string {
	eta := ""
	if !s.Final {
		eta = "  ETA " + fmtDuration(s.ETA)
	}
	label := s.Label
	if over := len(label) + len(eta) - width; over > 0 {
		label = label[min(over, len(label)):]
	}
	line := label + eta
	for _, f := range s.Fields {
		if len(line)+2+len(f) > width {
			break
		}
		line += "  " + f
	}
	if len(line) > width {
		line = line[:max(width, 0)]
	}
	return line
}

// report shows s. It is called from one goroutine at a time (the
// libraries' monitor goroutines), never concurrently.
func (r *reporter) report(s status) {
	if r.quiet {
		return
	}
	if r.tty {
		cols := r.width() - 1 // the last column would wrap on some terminals
		barWidth := min(maxBar, max(minBar, cols/4))
		desc := fitLine(s, cols-barWidth-barExtra)
		if r.bar == nil || r.barLabel != s.Label || r.barWidth != barWidth {
			if r.bar != nil && r.barLabel != s.Label {
				r.bar.Finish()
			}
			r.bar = progressbar.NewOptions64(s.Total,
				progressbar.OptionSetWriter(r.w),
				progressbar.OptionSetDescription(desc),
				progressbar.OptionSetWidth(barWidth),
				progressbar.OptionSetPredictTime(false),
				progressbar.OptionSetElapsedTime(false),
				progressbar.OptionClearOnFinish(),
			)
			r.barLabel, r.barWidth = s.Label, barWidth
		}
		r.bar.Describe(desc)
		r.bar.Set64(s.Done)
		if s.Final {
			r.bar.Finish()
			fmt.Fprintln(r.w, fitLine(s, cols))
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
	line := fmt.Sprintf("%s  %5.1f%%", s.Label, pct)
	for _, f := range s.Fields {
		line += "  " + f
	}
	if !s.Final {
		line += "  ETA " + fmtDuration(s.ETA)
	}
	fmt.Fprintln(r.w, line)
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
