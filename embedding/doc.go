// Package embedding holds trained vectors: the type every other part of
// hiervec passes around once training is done.
//
// A Set is one named matrix of vectors, the rows of a model's input
// matrix (Mikolov et al. 2013 export the input vectors, and so do gensim
// and hiervec). Row i belongs to Tokens[i], whose Kind says whether it is an
// ICD-10-CM diagnosis code or a hierarchy category such as a CCSR category;
// a co-trained (CO) run of Finch et al. 2021 yields one space holding both,
// which Subset splits into the released code and category sets. Vectors are
// one flat row-major []float32 of Len()*Dim values, so a row is a
// sub-slice and a whole set is one allocation. Codes are held in the
// normalised form of corpus.NormalizeCode (upper case, no dot); Lookup
// accepts a code with or without its dot.
//
// Similarity between two tokens is the cosine of their vectors,
//
//	cos(u, v) = u·v / (‖u‖ ‖v‖),
//
// which ignores vector length: word2vec vector norms grow with token
// frequency, while the direction carries the meaning (Mikolov et al. 2013;
// gensim's KeyedVectors.most_similar ranks the same way). Nearest ranks all
// rows against a query vector by cosine, computing the row norms once per
// set and keeping the n best in a small heap; NearestToken asks for a
// token's neighbours without the token itself. These neighbour lists are
// what the paper inspects qualitatively, and what nearest-neighbour
// precision against the CCSR hierarchy measures. Normalized returns a copy
// with unit rows, for callers that take many dot products (k-means with
// cosine geometry, say).
//
// References: T. Mikolov, K. Chen, G. Corrado, J. Dean, "Efficient
// estimation of word representations in vector space", 2013; R. Řehůřek,
// gensim KeyedVectors; M. Finch et al., "Exploiting hierarchy in medical
// concept embedding", JAMIA Open 4(1):ooab022, 2021.
package embedding
