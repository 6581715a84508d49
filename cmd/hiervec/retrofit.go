package main

import (
	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/hierarchy"
)

// ancestry builds the ancestry of -levels: the map's categories under
// -policy for ccsr and body, and for icd4..icd6 the headers of -icd-order
// or, without it, the codes of the map and of codes (the corpus's, say).
func ancestry(m *hierarchy.Map, policyName string, levels hierarchy.Levels, icdOrder string, codes []string) (*hierarchy.Ancestry, hierarchy.Policy, error) {
	policy, err := hierarchy.ResolvePolicy(policyName, m)
	if err != nil {
		return nil, 0, usagef("%v", err)
	}
	var sys *hierarchy.CodeSystem
	switch {
	case icdOrder != "":
		if sys, err = hierarchy.ReadCodeSystemFile(icdOrder); err != nil {
			return nil, 0, err
		}
	default:
		var mapped []string
		if m != nil {
			mapped = m.Codes()
		}
		sys = hierarchy.NewCodeSystem("codes of the map and the input", mapped, codes)
	}
	a, err := hierarchy.NewAncestry(levels, hierarchy.NewLabeler(m, policy), sys)
	if err != nil {
		return nil, 0, usagef("%v", err)
	}
	return a, policy, nil
}

// coTrainLevels builds train's multi-level co-trained view.
func coTrainLevels(c *corpus.Corpus, m *hierarchy.Map, policyName string, levels hierarchy.Levels, icdOrder string) (*corpus.Corpus, *hierarchy.ViewReport, hierarchy.Policy, error) {
	var codes []string
	for i, w := range c.Vocab.Words {
		if c.Vocab.Kinds[i] == corpus.KindCode {
			codes = append(codes, w)
		}
	}
	a, policy, err := ancestry(m, policyName, levels, icdOrder, codes)
	if err != nil {
		return nil, nil, 0, err
	}
	co, vr := hierarchy.CoTrainLevels(c, a)
	return co, vr, policy, nil
}
