package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/hierarchy"
)

func init() {
	register(command{
		name:    "similar",
		summary: "print the nearest codes and categories of codes by cosine similarity",
		run:     runSimilar,
	})
}

// runSimilar implements
//
//	hiervec similar -embeddings FILE [-set KEY] [-n 10] [-ccsr FILE] CODE...
func runSimilar(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("similar", stderr)
	embPath := fs.String("embeddings", "", "vectors `file`: .json (released layout), .txt/.vec (word2vec), .bin (word2vec binary), or a projector directory")
	setKey := fs.String("set", "", "`key` of the set to search in a released JSON file (default: the first code set)")
	n := fs.Int("n", 10, "number of neighbours to print per code")
	ccsrPath := fs.String("ccsr", "", "CCSR map `file` giving categories and descriptions (optional)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hiervec similar -embeddings FILE [-set KEY] [-n 10] [-ccsr FILE] CODE...")
		fmt.Fprintln(stderr, "\nPrints each CODE's nearest tokens by cosine similarity. Codes may be given with or without the dot.")
		fs.PrintDefaults()
	}
	codes, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *embPath == "":
		return usagef("-embeddings is required")
	case *n < 1:
		return usagef("-n must be at least 1, got %d", *n)
	case len(codes) == 0:
		return usagef("give at least one CODE to look up")
	}

	format, err := export.FormatFromPath(*embPath)
	if err != nil {
		return err
	}
	var sets []*embedding.Set
	if format == export.Released && *setKey != "" {
		sets, err = export.ReadReleasedSets(*embPath, []string{*setKey})
	} else {
		sets, err = export.Read(*embPath, format)
	}
	if err != nil {
		return err
	}
	s, err := pickSet(sets, *setKey, *embPath, stderr)
	if err != nil {
		return err
	}
	var ccsr *hierarchy.Map
	if *ccsrPath != "" {
		if ccsr, err = hierarchy.ReadMapFile(*ccsrPath); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	// Answer every code the set holds; name the others afterwards (and
	// exit 1, as ls does for a missing file among several).
	var rows []int
	var unknown []string
	for _, c := range codes {
		if row, ok := s.Lookup(c); ok {
			rows = append(rows, row)
		} else {
			unknown = append(unknown, fmt.Sprintf("%q", c))
		}
	}
	notFound := func() error {
		if len(unknown) == 0 {
			return nil
		}
		return fmt.Errorf("not in set %s (%d tokens): %s", s.Name, s.Len(), strings.Join(unknown, ", "))
	}

	for qi, row := range rows {
		near := s.Nearest(s.Vector(row), *n, func(i int) bool { return i != row })
		if qi > 0 {
			fmt.Fprintln(stdout)
		}
		head := displayToken(s.Tokens[row], s.Kinds[row])
		if d := describeToken(ccsr, s.Tokens[row], s.Kinds[row]); d != "" {
			head += "  " + d
		}
		fmt.Fprintln(stdout, head)
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		if ccsr != nil {
			fmt.Fprintln(tw, "  rank\ttoken\tkind\tcosine\tccsr\tdescription")
		} else {
			fmt.Fprintln(tw, "  rank\ttoken\tkind\tcosine")
		}
		for k, nb := range near {
			fmt.Fprintf(tw, "  %d\t%s\t%s\t%.4f", k+1, displayToken(nb.Token, nb.Kind), nb.Kind, nb.Cosine)
			if ccsr != nil {
				cat := nb.Token
				if nb.Kind == corpus.KindCode {
					cat, _ = ccsr.Category(nb.Token)
				}
				desc := ccsr.CodeDescription(nb.Token)
				if nb.Kind == corpus.KindCategory {
					desc = ccsr.CategoryDescription(nb.Token)
				}
				fmt.Fprintf(tw, "\t%s\t%s", cat, desc)
			}
			fmt.Fprintln(tw)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return notFound()
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments, which it returns; "--" ends the flags.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usagef("%v", err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// pickSet chooses the set to search: the one named by key, the only one,
// or else the first set of codes in file order (saying so on stderr).
func pickSet(sets []*embedding.Set, key, path string, stderr io.Writer) (*embedding.Set, error) {
	if key != "" {
		for _, s := range sets {
			if s.Name == key {
				return s, nil
			}
		}
		names := make([]string, len(sets))
		for i, s := range sets {
			names[i] = s.Name
		}
		return nil, fmt.Errorf("%s has no set %q; it has %s", path, key, strings.Join(names, ", "))
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("%s holds no embedding sets", path)
	}
	if len(sets) == 1 {
		return sets[0], nil
	}
	for _, s := range sets {
		if s.Len() > 0 && s.Kinds[0] == corpus.KindCode {
			fmt.Fprintf(stderr, "hiervec similar: %s has %d sets; using %s, its first code set (choose with -set)\n", path, len(sets), s.Name)
			return s, nil
		}
	}
	fmt.Fprintf(stderr, "hiervec similar: %s has %d sets and none of codes; using %s (choose with -set)\n", path, len(sets), sets[0].Name)
	return sets[0], nil
}

// displayToken writes a code with its dot, a category as it is.
func displayToken(tok string, kind corpus.Kind) string {
	if kind == corpus.KindCode && !strings.Contains(tok, ".") {
		return hierarchy.Dotted(tok)
	}
	return tok
}

// describeToken returns the CCSR description of a token, "" without a map.
func describeToken(m *hierarchy.Map, tok string, kind corpus.Kind) string {
	if m == nil {
		return ""
	}
	if kind == corpus.KindCategory {
		return m.CategoryDescription(tok)
	}
	d := m.CodeDescription(tok)
	if cat, ok := m.Category(tok); ok {
		d += " [" + cat + "]"
	}
	return strings.TrimSpace(d)
}
