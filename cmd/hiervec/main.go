// Command hiervec trains medical concept embeddings (Word2Vec Skip-Gram and
// CBOW with negative sampling) over patients' ICD-10-CM codes, with the HCUP
// CCSR hierarchy folded into training, and reproduces Finch et al. 2021.
//
// Usage:
//
//	hiervec <command> [flags]
//
// Run "hiervec help" for the list of commands. Exit status: 0 on success,
// 1 on bad input or a failed run, 2 on bad usage, 130 when interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"
)

// command is one subcommand: run parses args with its own FlagSet and does
// the work, writing results to stdout and diagnostics to stderr.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands lists the subcommands in the order "help" shows them. Each
// subcommand lives in its own file.
var commands []command

// register adds a subcommand; each command file calls it from init.
func register(c command) { commands = append(commands, c) }

// usageError marks an error caused by bad usage (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a subcommand and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 2 && args[0] == "help" {
		// "hiervec help train" is "hiervec train -h".
		args = []string{args[1], "-h"}
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		printUsage(stderr)
		if len(args) == 0 || len(args) > 1 {
			return 2
		}
		return 0
	}
	if args[0] == "version" || args[0] == "-version" || args[0] == "--version" {
		fmt.Fprintln(stdout, version())
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		}
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			// Interrupted (Ctrl-C, SIGTERM): the shells' 128 + SIGINT.
			fmt.Fprintf(stderr, "hiervec %s: interrupted; nothing half-written was left\n", c.name)
			return 130
		}
		fmt.Fprintf(stderr, "hiervec %s: %v\n", c.name, err)
		var ue *usageError
		if errors.As(err, &ue) {
			return 2
		}
		return 1
	}
	fmt.Fprintf(stderr, "hiervec: unknown command %q\n", args[0])
	printUsage(stderr)
	return 2
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: hiervec <command> [flags]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-10s %s\n", "version", "print hiervec's version")
	fmt.Fprintln(w, "\nRun \"hiervec help <command>\" (or \"hiervec <command> -h\") for a command's flags.")
}

// newFlagSet returns a FlagSet for a subcommand that reports parse errors
// instead of exiting, and prints its usage to stderr.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("hiervec "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args and turns a parse error into a usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments: %q", fs.Args())
	}
	return nil
}

// version describes this build: the module version (a tag when installed
// with go install ...@vX), the VCS revision and time when built from a
// checkout, and the Go version.
func version() string {
	v, rev, when, dirty := "(devel)", "", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	out := "hiervec " + v
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		out += " " + rev
		if dirty {
			out += "+modified"
		}
		if when != "" {
			out += " " + when
		}
	}
	return out + " " + runtime.Version()
}
