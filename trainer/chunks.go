package trainer

// chunkTokens is the target size of a unit of work: sequences are grouped
// into chunks of about this many tokens (gensim's job size), handed out to
// workers through an atomic index, so many short sequences cost one atomic
// operation per chunk and no worker waits while another holds a long tail.
const chunkTokens = 10000

// chunks cuts a corpus's sequences into consecutive runs: chunk k holds
// sequences start[k] .. start[k+1]-1. A sequence longer than chunkTokens is
// a chunk of its own, trained whole.
type chunks struct {
	start []int
}

func newChunks(seqs []int64) *chunks {
	n := len(seqs) - 1
	c := &chunks{start: []int{0}}
	var size int64
	for s := 0; s < n; s++ {
		size += seqs[s+1] - seqs[s]
		if size >= chunkTokens {
			c.start = append(c.start, s+1)
			size = 0
		}
	}
	if c.start[len(c.start)-1] != n {
		c.start = append(c.start, n)
	}
	return c
}

func (c *chunks) len() int { return len(c.start) - 1 }
