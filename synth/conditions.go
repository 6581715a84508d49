package synth

import (
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
)

// condition is a latent clinical condition: a cluster of CCSR categories
// that tend to be coded together in one patient (diabetes, hypertension,
// lipid disorders and chronic kidney disease; COPD with tobacco use). A
// patient has a condition with a probability that depends on age, sex and a
// per-patient frailty; a patient with the condition has some of its
// categories active, and draws most codes from them.
type condition struct {
	name    string
	cats    []int32   // categories of the table
	act     []float64 // probability each category is active in a patient with the condition
	logit   float64   // log-odds of the condition at age 50, frailty 0
	age     float64   // log-odds change per decade of age over 50
	sex     byte      // 0 any, 'F' or 'M'
	ageMin  int       // youngest age at which the condition occurs
	ageMax  int       // oldest age at which the condition occurs (0: no limit)
	chronic bool      // kept across a patient's years; otherwise drawn anew each year
	frail   float64   // log-odds change per unit of frailty
	mort    float64   // log-odds contribution to mortality
	adm     float64   // log-odds contribution to unplanned admission
	util    float64   // change of log sequence length (sicker patients have more codes)
}

// template is a hand-written condition naming real CCSR categories with
// their activation probabilities ("CIR007:0.85 END010:0.7 ...").
type template struct {
	name    string
	cats    string
	prev    float64 // prevalence at age 50
	age     float64
	sex     byte
	ageMin  int
	ageMax  int
	chronic bool
	mort    float64
	adm     float64
	util    float64
}

// templates are the clinical conditions written by hand. Prevalences are
// rough adult-population figures at age 50; the risks are relative, their
// sizes chosen so the outcomes depend clearly, but not trivially, on them.
var templates = []template{
	{"cardiometabolic", "CIR007:0.85 END010:0.7 END002:0.45 END003:0.25 END005:0.3 END009:0.3 GEN003:0.15 CIR008:0.15", 0.28, 0.45, 0, 25, 0, true, 0.15, 0.25, 0.35},
	{"coronary heart disease", "CIR011:0.9 CIR012:0.3 CIR009:0.15 CIR017:0.25 CIR007:0.5 END010:0.5 FAC021:0.2", 0.05, 0.6, 0, 35, 0, true, 0.5, 0.6, 0.5},
	{"heart failure", "CIR019:0.95 CIR017:0.45 CIR008:0.4 GEN003:0.35 CIR003:0.25 CIR005:0.25 END011:0.3 SYM013:0.3", 0.02, 0.75, 0, 40, 0, true, 1.3, 1.1, 0.7},
	{"atrial fibrillation", "CIR017:0.95 CIR007:0.4 FAC025:0.3 CIR016:0.15", 0.025, 0.7, 0, 40, 0, true, 0.5, 0.4, 0.35},
	{"cerebrovascular disease", "CIR020:0.6 CIR023:0.4 CIR025:0.4 NVS012:0.3 NVS008:0.15 CIR007:0.5 SYM010:0.3", 0.015, 0.7, 0, 40, 0, true, 0.9, 0.8, 0.6},
	{"chronic kidney disease", "GEN003:0.95 CIR008:0.6 END011:0.4 GEN002:0.25 BLD001:0.3 END003:0.25", 0.03, 0.6, 0, 30, 0, true, 0.8, 0.7, 0.55},
	{"COPD and smoking", "RSP008:0.8 MBD024:0.8 RSP002:0.2 RSP012:0.15 SYM013:0.45 RSP016:0.2", 0.06, 0.45, 0, 35, 0, true, 0.7, 0.8, 0.5},
	{"asthma", "RSP009:0.95 RSP007:0.35 SYM013:0.3 RSP001:0.2", 0.07, -0.1, 0, 18, 0, true, 0, 0.3, 0.2},
	{"depression and anxiety", "MBD002:0.8 MBD005:0.65 MBD007:0.2 NVS016:0.2 SYM008:0.1", 0.12, -0.05, 0, 18, 0, true, 0.1, 0.3, 0.3},
	{"alcohol use", "MBD017:0.95 DIG019:0.25 DIG018:0.05 MBD024:0.4 END011:0.2", 0.03, 0, 'M', 18, 0, true, 0.7, 0.9, 0.5},
	{"substance use", "MBD018:0.7 MBD021:0.3 MBD019:0.35 MBD024:0.6 INF007:0.15 MBD026:0.2", 0.02, -0.4, 0, 18, 75, true, 0.8, 0.9, 0.5},
	{"pregnancy", "PRG029:0.4 PRG008:0.3 PRG019:0.12 PRG020:0.12 PRG023:0.35 PRG030:0.6 PRG028:0.35 PRG011:0.15 PRG002:0.6 FAC013:0.3", 0.08, 0, 'F', 18, 45, false, -0.5, 0.5, 0.45},
	{"osteoarthritis and back pain", "MUS006:0.7 MUS038:0.6 MUS010:0.5 MUS011:0.3 MUS009:0.2", 0.15, 0.35, 0, 30, 0, true, 0, 0.1, 0.25},
	{"osteoporosis and falls", "MUS013:0.85 INJ006:0.15 INJ005:0.15 EXT003:0.3 INJ017:0.2", 0.03, 0.8, 'F', 45, 0, true, 0.5, 0.6, 0.35},
	{"dementia", "NVS011:0.95 SYM010:0.3 GEN004:0.2 MBD013:0.2 EXT003:0.2", 0.005, 1.1, 0, 55, 0, true, 1.4, 0.9, 0.4},
	{"breast cancer", "NEO030:0.95 FAC006:0.45 NEO070:0.15 FAC008:0.4 NEO074:0.2", 0.01, 0.4, 'F', 30, 0, true, 1.2, 0.9, 0.7},
	{"lung cancer", "NEO022:0.95 NEO070:0.4 FAC006:0.4 MBD024:0.5 RSP008:0.3 NEO074:0.2", 0.003, 0.7, 0, 40, 0, true, 2.3, 1.4, 0.8},
	{"colorectal cancer", "NEO015:0.95 NEO070:0.3 FAC006:0.4 BLD001:0.3 FAC008:0.3", 0.003, 0.6, 0, 40, 0, true, 1.8, 1.2, 0.75},
	{"prostate disease", "GEN012:0.8 NEO039:0.15 GEN008:0.2 SYM011:0.3", 0.05, 0.8, 'M', 40, 0, true, 0.1, 0.1, 0.15},
	{"thyroid disease", "END001:0.95", 0.06, 0.3, 'F', 18, 0, true, 0, 0, 0.05},
	{"gastro-oesophageal disease", "DIG004:0.8 DIG007:0.3 SYM006:0.4 DIG005:0.1", 0.08, 0.2, 0, 18, 0, true, 0, 0.2, 0.15},
	{"sepsis", "INF002:0.95 RSP012:0.3 GEN002:0.35 SYM003:0.2 GEN004:0.3 RSP002:0.3", 0.004, 0.7, 0, 18, 0, false, 2.5, 2.2, 0.9},
	{"upper respiratory infection", "RSP006:0.6 RSP001:0.3 RSP004:0.2 RSP005:0.3 SYM013:0.3 RSP003:0.1", 0.2, -0.2, 0, 18, 0, false, 0, 0, 0},
	{"urinary tract infection", "GEN004:0.95 SYM011:0.3", 0.06, 0.2, 'F', 18, 0, false, 0.1, 0.3, 0.05},
	{"injury", "INJ017:0.4 INJ024:0.4 INJ004:0.15 INJ005:0.15 EXT003:0.4 EXT029:0.3 EXT027:0.3 EXT026:0.2", 0.1, 0, 0, 18, 0, false, 0.1, 0.4, 0.2},
	{"preventive care", "FAC014:0.85 FAC004:0.4 FAC005:0.4 FAC021:0.3 FAC020:0.15", 0.45, 0.1, 0, 18, 0, false, -0.2, -0.3, -0.2},
}

// Generated conditions cover the categories no template names: they are
// grouped within their body system into clusters of genCondMin..genCondMax
// categories; with probability genCrossShare a cluster also takes a
// category of another system (real comorbidity crosses systems).
const (
	genCondMin    = 2
	genCondMax    = 5
	genCrossShare = 0.3
	conditionSeed = 0xc0_4d17_10_45
)

// buildConditions returns the latent conditions for table t: the templates
// whose categories t has, then generated conditions covering every other
// category. Like the widening, the construction is fixed, not drawn from
// Config.Seed.
func buildConditions(t *table) []condition {
	rng := rand.New(rand.NewPCG(conditionSeed, 2))
	covered := make([]bool, len(t.cats))
	var conds []condition
	for _, tp := range templates {
		c := condition{name: tp.name, logit: logit(tp.prev), age: tp.age, sex: tp.sex,
			ageMin: tp.ageMin, ageMax: tp.ageMax, chronic: tp.chronic, frail: 0.5,
			mort: tp.mort, adm: tp.adm, util: tp.util}
		for _, f := range strings.Fields(tp.cats) {
			id, p, _ := strings.Cut(f, ":")
			i, ok := t.catIndex[id]
			if !ok {
				continue
			}
			a, _ := strconv.ParseFloat(p, 64)
			c.cats = append(c.cats, i)
			c.act = append(c.act, a)
			covered[i] = true
		}
		if len(c.cats) > 0 {
			conds = append(conds, c)
		}
	}

	// Remaining categories by body system, in table order.
	bySys := map[string][]int32{}
	var systems []string
	for c := range t.cats {
		if covered[c] {
			continue
		}
		s := t.system(int32(c))
		if _, ok := bySys[s]; !ok {
			systems = append(systems, s)
		}
		bySys[s] = append(bySys[s], int32(c))
	}
	sort.Strings(systems)
	var gen []condition
	for _, s := range systems {
		cs := bySys[s]
		rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
		for len(cs) > 0 {
			n := min(len(cs), genCondMin+rng.IntN(genCondMax-genCondMin+1))
			c := condition{name: s + " cluster " + strconv.Itoa(len(gen)+1), frail: 0.4,
				ageMin: 18, chronic: rng.IntN(3) > 0}
			for k, cat := range cs[:n] {
				c.cats = append(c.cats, cat)
				c.act = append(c.act, 0.9-0.15*float64(k))
			}
			cs = cs[n:]
			if rng.Float64() < genCrossShare {
				c.cats = append(c.cats, int32(rng.IntN(len(t.cats))))
				c.act = append(c.act, 0.25)
			}
			gen = append(gen, c)
		}
	}
	// Prevalence falls off with rank (Zipf-like over conditions, in random
	// order), so some generated conditions are common and most are rare;
	// ages, risks and utilisation vary around zero.
	perm := rng.Perm(len(gen))
	for i := range gen {
		c := &gen[i]
		r := float64(perm[i] + 1)
		c.logit = logit(0.12 / math.Pow(r, 0.9))
		c.age = rng.NormFloat64() * 0.3
		c.mort = math.Max(-0.5, rng.NormFloat64()*0.4)
		c.adm = math.Max(-0.5, rng.NormFloat64()*0.4)
		c.util = 0.1 + rng.Float64()*0.3
		switch {
		case strings.HasPrefix(c.name, "PRG"):
			c.sex, c.ageMax, c.chronic = 'F', 45, false
		case strings.HasPrefix(c.name, "PNL"), strings.HasPrefix(c.name, "MAL"):
			c.logit -= 1 // perinatal and congenital codes are rare in adults
		}
	}
	return append(conds, gen...)
}

func logit(p float64) float64 { return math.Log(p / (1 - p)) }
