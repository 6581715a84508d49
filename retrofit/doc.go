// Package retrofit pulls trained code vectors toward their neighbours in
// the code hierarchy, and gives codes that have no trained vector one from
// their neighbours: the retrofitting of Faruqui et al. (2015), applied after
// training to any set of vectors hiervec reads.
//
// # The objective and its update
//
// Given trained vectors q̂_i and a graph with edges E, retrofitting finds
// vectors q that minimise
//
//	Σ_i [ α_i ‖q_i − q̂_i‖² + Σ_{(i,j)∈E} β_ij ‖q_i − q_j‖² ],
//
// staying close to the trained vector while moving toward the neighbours.
// Setting each node's gradient to zero gives the update
//
//	q_i ← (Σ_j β_ij q_j + α_i q̂_i) / (Σ_j β_ij + α_i),
//
// which Faruqui et al. iterate about ten times, with α_i = 1 and
// β_ij = 1/degree(i). Retrofit does the same with α_i = Config.Alpha for a
// node that has a trained vector and α_i = 0 for one that has none, and
// β_ij = Config.Beta/degree(i), so that a node moves to
//
//	q_i ← (Beta · mean_j q_j + α_i q̂_i) / (Beta + α_i):
//
// halfway between its trained vector and its neighbours' mean with the
// defaults, and onto its neighbours' mean when it has no trained vector.
// Each iteration computes every node from the previous iteration's vectors
// (Jacobi), so the result does not depend on the order of nodes or rows.
// The update is a contraction on every connected part of the graph that
// holds a trained node, and converges to the unique fixed point of the
// equations above; Report.Change gives the largest move of the last
// iteration.
//
// # The graph
//
// The graph is the hierarchy's (hierarchy.Ancestry.Edges): each code links
// to its nearest chosen ancestor in the ICD-10-CM tree (code - E11.6 header
// - E11 category - chapter, for the levels chosen) and to its CCSR
// categories, each category to its body system. Ancestors are nodes of
// their own, as in Faruqui et al.'s ontology graphs, not edges between
// siblings: two codes of one category are two steps apart, through the
// category node, which keeps the graph as small as the tree (a category of
// a thousand codes gives a thousand edges, not half a million). An ancestor
// node has a trained vector when its token is in the input (the category
// vectors of a co-trained run, or the ancestor tokens of a multi-level
// one); otherwise it is free (α = 0) and settles at the mean of its
// neighbours.
//
// Before iterating, free nodes start at the mean of their neighbours that
// already have a value, spreading outward from the trained nodes until
// every node connected to one has a value: a category starts at the mean of
// its trained codes, an untrained code at the mean of its ancestors. Codes
// of the graph that have no trained vector (from a code list: the CCSR
// map's codes, or an ICD-10-CM code list) and end with a value are written
// as new rows, marked SourceInferred; codes connected to no trained node
// stay without a vector and are counted in Report.Unreached. Tokens of the
// input that are not in the graph are kept as they are.
//
// Infer solves the same equations with every trained node held at its
// trained vector (α infinite): it only gives the codes without one a
// vector, the harmonic mean of their neighbourhood, and leaves the trained
// space as it is (what train's -coverage writes for codes without a
// vector of their own).
//
// Reference: M. Faruqui, J. Dodge, S. K. Jauhar, C. Dyer, E. Hovy, N. A.
// Smith, "Retrofitting Word Vectors to Semantic Lexicons", NAACL 2015.
package retrofit
