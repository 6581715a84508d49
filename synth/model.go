package synth

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Length model: the number of codes of a patient-year is log-normal,
// exp(lengthMu + lengthSigma*N(0,1) + frailty*lengthFrailty + utilWeight times
// the sum of the active conditions' util), rounded, at least 1 and at most
// Config.MaxCodes. The constants are calibrated (shape_test.go) so
// patient-years have a median of about 8 codes, a mean of about 14 and a
// tail to a few hundred, the shape of the paper's extract.
const (
	lengthMu      = 1.68
	lengthSigma   = 0.9
	lengthFrailty = 0.25
	// utilWeight scales the conditions' util in the length model.
	utilWeight = 0.5
	// codesPerVisitMin..codesPerVisitMax bound the mean number of codes of
	// one visit (one date) of a patient-year, drawn uniformly.
	codesPerVisitMin = 1.5
	codesPerVisitMax = 4.0
	// frailtyWeight scales the frailty's effect on the outcomes.
	frailtyWeight = 0.3
)

// Outcome model: logit P(outcome) = intercept + age effect per decade over
// 50 + frailtyWeight*frailty + the sum of the risks of the patient-year's
// conditions. The intercepts are calibrated for a prevalence of about 4%
// (mortality) and 9% (unplanned admission).
const (
	mortIntercept = -5.3
	mortAge       = 0.45
	admIntercept  = -3.8
	admAge        = 0.15
)

// model is the generator's fixed state: the hierarchy table, the latent
// conditions and the sampling tables derived from them.
type model struct {
	t     *table
	conds []condition
	// pool[c] lists the codes drawn when category c is active, and
	// poolCum[c] their cumulative weights (see buildPools).
	pool    [][]int32
	poolCum [][]float64
	// noiseCum is the cumulative weight of categories for noise codes.
	noiseCum []float64
	// fallback lists the conditions open to both sexes and all adults with
	// their cumulative base prevalence, for patient-years that drew none.
	fallback    []int32
	fallbackCum []float64
}

func newModel(t *table, cfg *Config) *model {
	m := &model{t: t, conds: buildConditions(t)}
	m.buildPools(cfg)
	noise := 0.0
	for _, ms := range t.catCodes {
		noise += math.Sqrt(float64(len(ms)))
		m.noiseCum = append(m.noiseCum, noise)
	}
	s := 0.0
	for i, c := range m.conds {
		if c.sex != 0 || c.ageMin > 18 || c.ageMax != 0 {
			continue
		}
		s += sigmoid(c.logit)
		m.fallback = append(m.fallback, int32(i))
		m.fallbackCum = append(m.fallbackCum, s)
	}
	return m
}

// patient is one generated patient's state, reused from patient to patient
// so the generator does not allocate per patient.
type patient struct {
	age     int
	female  bool
	frailty float64

	chronic  []int32   // chronic conditions
	conds    []int32   // conditions of the current patient-year
	cats     []int32   // active categories of the current patient-year
	catCum   []float64 // cumulative weights of cats
	chCats   []int32   // active categories of the chronic conditions (fixed per patient)
	chW      []float64 // their weights
	history  []int32   // codes emitted so far (repeats draw from it)
	days     []int     // visit days of the current patient-year
	perVisit []int     // codes per visit
}

// has reports whether the patient can have condition c at the current age.
func (p *patient) eligible(c *condition) bool {
	if c.sex == 'F' && !p.female || c.sex == 'M' && p.female {
		return false
	}
	return p.age >= c.ageMin && (c.ageMax == 0 || p.age <= c.ageMax)
}

func (m *model) hasCondition(rng *rand.Rand, p *patient, c *condition) bool {
	if !p.eligible(c) {
		return false
	}
	x := c.logit + c.age*float64(p.age-50)/10 + c.frail*p.frailty
	return rng.Float64() < sigmoid(x)
}

// newPatient draws a patient's age, sex, frailty and chronic conditions.
func (m *model) newPatient(rng *rand.Rand, p *patient) {
	p.age = 18 + int(72*math.Pow(rng.Float64(), 0.95))
	p.female = rng.Float64() < 0.52
	p.frailty = rng.NormFloat64()
	p.chronic = p.chronic[:0]
	p.chCats, p.chW = p.chCats[:0], p.chW[:0]
	p.history = p.history[:0]
	for i := range m.conds {
		c := &m.conds[i]
		if c.chronic && m.hasCondition(rng, p, c) {
			p.chronic = append(p.chronic, int32(i))
			p.chCats, p.chW = m.activate(rng, c, p.chCats, p.chW)
		}
	}
}

// activate draws the active categories of condition c (at least one) and
// appends them with their weights.
func (m *model) activate(rng *rand.Rand, c *condition, cats []int32, w []float64) ([]int32, []float64) {
	n := 0
	for k, cat := range c.cats {
		if rng.Float64() < c.act[k] {
			cats = append(cats, cat)
			w = append(w, 0.5+rng.Float64())
			n++
		}
	}
	if n == 0 {
		best := 0
		for k := range c.act {
			if c.act[k] > c.act[best] {
				best = k
			}
		}
		cats = append(cats, c.cats[best])
		w = append(w, 0.5+rng.Float64())
	}
	return cats, w
}

// year draws one patient-year: acute conditions, active categories, its
// length, visit days and codes. It calls emit for each visit's codes in date
// order and returns the outcomes.
func (m *model) year(rng *rand.Rand, cfg *Config, p *patient, daysInYear int, emit func(day int, codes []int32)) (mort, adm bool) {
	p.conds = append(p.conds[:0], p.chronic...)
	p.cats = append(p.cats[:0], p.chCats...)
	w := append(p.catCum[:0], p.chW...)
	for i := range m.conds {
		c := &m.conds[i]
		if !c.chronic && m.hasCondition(rng, p, c) {
			p.conds = append(p.conds, int32(i))
			p.cats, w = m.activate(rng, c, p.cats, w)
		}
	}
	if len(p.conds) == 0 {
		i := m.fallback[searchCum(m.fallbackCum, rng.Float64()*m.fallbackCum[len(m.fallbackCum)-1])]
		p.conds = append(p.conds, i)
		p.cats, w = m.activate(rng, &m.conds[i], p.cats, w)
	}
	s := 0.0
	for k := range w {
		s += w[k]
		w[k] = s
	}
	p.catCum = w

	// Length, outcomes.
	util, mx, ax := 0.0, 0.0, 0.0
	for _, i := range p.conds {
		c := &m.conds[i]
		util += c.util
		mx += c.mort
		ax += c.adm
	}
	dec := float64(p.age-50) / 10
	mort = rng.Float64() < sigmoid(mortIntercept+mortAge*dec+frailtyWeight*p.frailty+mx)
	adm = rng.Float64() < sigmoid(admIntercept+admAge*dec+frailtyWeight*p.frailty+ax)
	n := int(math.Round(math.Exp(lengthMu + lengthSigma*rng.NormFloat64() + lengthFrailty*p.frailty + utilWeight*util)))
	n = min(max(n, 1), cfg.MaxCodes)

	// Visits: distinct days in date order, each with at least one code.
	perVisit := codesPerVisitMin + rng.Float64()*(codesPerVisitMax-codesPerVisitMin)
	v := min(max(1, int(math.Round(float64(n)/perVisit))), n, daysInYear)
	p.days = p.days[:0]
	for len(p.days) < v {
		d := rng.IntN(daysInYear)
		dup := false
		for _, e := range p.days {
			if e == d {
				dup = true
				break
			}
		}
		if !dup {
			p.days = append(p.days, d)
		}
	}
	sort.Ints(p.days)
	p.perVisit = p.perVisit[:0]
	for range v {
		p.perVisit = append(p.perVisit, 1)
	}
	for range n - v {
		p.perVisit[rng.IntN(v)]++
	}

	var buf [64]int32
	for k, d := range p.days {
		codes := buf[:0]
		for range p.perVisit[k] {
			codes = append(codes, m.drawCode(rng, cfg, p))
			if len(codes) == len(buf) {
				emit(d, codes)
				codes = buf[:0]
			}
		}
		if len(codes) > 0 {
			emit(d, codes)
		}
	}
	return mort, adm
}

// drawCode draws one code for patient p: noise, a repeat of an earlier
// code, or a draw from the pool of one of the active categories.
func (m *model) drawCode(rng *rand.Rand, cfg *Config, p *patient) int32 {
	u := rng.Float64()
	var code int32
	switch {
	case u < cfg.NoiseShare:
		c := searchCum(m.noiseCum, rng.Float64()*m.noiseCum[len(m.noiseCum)-1])
		code = m.poolCode(rng, int32(c))
	case u < cfg.NoiseShare+cfg.RepeatShare && len(p.history) > 0:
		return p.history[rng.IntN(len(p.history))]
	default:
		k := searchCum(p.catCum, rng.Float64()*p.catCum[len(p.catCum)-1])
		code = m.poolCode(rng, p.cats[k])
	}
	p.history = append(p.history, code)
	return code
}

// poolCode draws a code from category c's pool by its weights.
func (m *model) poolCode(rng *rand.Rand, c int32) int32 {
	cum := m.poolCum[c]
	return m.pool[c][searchCum(cum, rng.Float64()*cum[len(cum)-1])]
}

// buildPools sets the codes drawn for each category from the code tree: a
// code enters the pool of every category in its profile, with weight its
// popularity times its profile's weight on that category, so a code is
// drawn when one of the categories whose company it keeps is active, in
// proportion to how common it is and how much of its company that category
// is. A category no profile names (possible with a real CCSR map, where
// some categories hold only codes whose default is another) draws from its
// members by their popularity.
func (m *model) buildPools(cfg *Config) {
	t := m.t
	tr := newCodeTree(t)
	tr.sharePopularity(cfg.ZipfExponent)
	tr.assignContexts(t, cfg.OffCategoryShare)
	m.pool = make([][]int32, len(t.cats))
	w := make([][]float64, len(t.cats))
	var prof []ctxWeight
	for x := range t.codes {
		prof = tr.profile(prof, int32(x), cfg.Spread, cfg.SpreadDecay)
		for _, p := range prof {
			m.pool[p.cat] = append(m.pool[p.cat], int32(x))
			w[p.cat] = append(w[p.cat], tr.codePop[x]*p.w)
		}
	}
	m.poolCum = make([][]float64, len(t.cats))
	for c := range m.pool {
		if len(m.pool[c]) == 0 {
			for _, code := range t.catCodes[c] {
				m.pool[c] = append(m.pool[c], code)
				w[c] = append(w[c], tr.codePop[code])
			}
		}
		cum := make([]float64, len(w[c]))
		s := 0.0
		for i, v := range w[c] {
			s += v
			cum[i] = s
		}
		m.poolCum[c] = cum
	}
}

// searchCum returns the first index i with cum[i] > x (x < cum[len-1]).
func searchCum(cum []float64, x float64) int {
	lo, hi := 0, len(cum)-1
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
