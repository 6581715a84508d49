// Package export reads and writes trained vectors (embedding.Set) in the
// file formats hiervec's users meet.
//
// # Released JSON layout
//
// Finch et al. 2021 released their vectors as one embeddings.json on Dryad
// (doi:10.5061/dryad.v9s4mw6v0). It is one JSON object whose keys name a
// set, <Algorithm>_<CO|SEP>[_cat]_embeddings_<dim> with Algorithm CBOW or
// SG ("SG_CO_cat_embeddings_100": Skip-Gram, co-trained, the CCSR category
// vectors, 100 dimensions), plus Med2Vec_embeddings_200 for the Med2Vec
// baseline; ReleasedKey and ParseReleasedKey build and parse these keys.
// Each value maps a token to its vector. Codes are written with the dot
// after the third character (E11.9), categories as CCSR spells them
// (CIR007); a multi-level co-trained run's _cat set also holds its other
// ancestor tokens ("E11*", "CH:04", "BS:CIR"), whose kinds the reader takes
// from their spelling. Word2Vec vectors are lists of numbers written as JSON strings
// (["0.0123", "-0.4411"]), Med2Vec vectors lists of plain JSON numbers
// (Python's repr, so -3.858267374185924e-48 occurs). WriteReleased writes
// this layout, streaming, with numbers in strconv's 'g' format at float32
// precision: the shortest decimal text that reads back to the same float32.
// ReadReleased also accepts per-vector objects keyed "1".."k", streams the
// input token by token, and reports any flaw as a *ParseError naming the
// line, column, set, token and element.
//
// # word2vec text and binary
//
// The formats of Mikolov et al.'s word2vec.c (2013), read and written by
// gensim's KeyedVectors.load_word2vec_format and save_word2vec_format. Both
// start with a header line "N DIM". The text format then has one line per
// token, "token v1 v2 ... vDIM", fields separated by spaces. The binary
// format has, per token, "token " followed by DIM IEEE-754 float32 values
// in little-endian byte order; word2vec.c ends each record with "\n",
// gensim 4 does not, and readers skip newlines before a token. hiervec
// writes tokens as they stand in the training corpus (codes without their
// dot, as the C tool would), writes the newline, and reads both variants.
// The format keeps no kinds, so a reader takes them from the spelling
// (corpus.KindOf): three letters and three digits is a CCSR category, a
// trailing star an ICD-10-CM prefix ("E11*"), "CH:" a chapter, "BS:" a
// CCSR body system, anything else a code.
//
// # TensorBoard projector
//
// The Embedding Projector (projector.tensorflow.org, and TensorBoard's
// projector plugin) loads a vectors file of tab-separated values, one row
// per point and no header, and a metadata file whose rows match it; with
// more than one column the metadata starts with a header. WriteProjector
// writes vectors.tsv and metadata.tsv (token, kind, category, description).
//
// Every writer goes through internal/atomicfile, so a failed or interrupted
// write never leaves half a file. Format, ParseFormat and FormatFromPath
// name the formats for command-line flags; Read and Write dispatch on them.
//
// References: T. Mikolov et al., "Efficient estimation of word
// representations in vector space", 2013, and word2vec.c; R. Řehůřek and
// P. Sojka, gensim (gensim.models.KeyedVectors); M. Finch et al.,
// "Exploiting hierarchy in medical concept embedding", JAMIA Open
// 4(1):ooab022, 2021, data on Dryad doi:10.5061/dryad.v9s4mw6v0; D. Smilkov
// et al., "Embedding Projector: interactive visualization and
// interpretation of embeddings", 2016.
package export
