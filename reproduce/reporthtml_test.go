package reproduce

import (
	"context"
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// report.html holds no reference outside itself: no src or href attribute,
// no url() in its style, no address but the SVG namespace.
func TestReportHTMLSelfContained(t *testing.T) {
	cfg := tinyConfig(t)
	if _, err := Run(context.Background(), cfg, nil); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(cfg.Out, ReportHTML))
	if err != nil {
		t.Fatal(err)
	}
	page := string(raw)
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`(?i)\b(src|href|srcset|action)\s*=`),
		regexp.MustCompile(`(?i)url\(`),
		regexp.MustCompile(`(?i)@import`),
	} {
		if m := bad.FindString(page); m != "" {
			t.Errorf("report.html refers outside itself: %q", m)
		}
	}
	for _, addr := range regexp.MustCompile(`(?i)(https?:|//)[^"'\s<>]*`).FindAllString(page, -1) {
		if addr != "http://www.w3.org/2000/svg" && !strings.HasPrefix(addr, "//") {
			t.Errorf("report.html names an address: %q", addr)
		}
	}
	for _, want := range []string{`id="headline-raw"`, `id="headline-unit"`, `id="categories"`, `id="findings"`, `id="map"`,
		"random vectors", html.EscapeString(WhyRawAndUnit), `class="chance"`} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}

// chromiumPath finds a Chromium or Chrome binary: HIERVEC_CHROMIUM, else
// the usual names on PATH.
func chromiumPath() string {
	if p := os.Getenv("HIERVEC_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestReportHTMLRendersInChromium opens report.html in headless Chromium
// and checks that it runs without a script error, loads nothing from
// outside, and shows the tables, the charts with their chance lines, and
// the map, whose points show a code, its description and its category on
// hover. HIERVEC_SCREENSHOT=path.png saves a screenshot of the whole page.
func TestReportHTMLRendersInChromium(t *testing.T) {
	bin := chromiumPath()
	if bin == "" {
		t.Skip("no Chromium binary found (chromium, chromium-browser, google-chrome, or HIERVEC_CHROMIUM): " +
			"install Debian's chromium package to run this test")
	}
	if testing.Short() {
		t.Skip("starts a browser; skipped with -short")
	}
	cfg := tinyConfig(t)
	if _, err := Run(context.Background(), cfg, nil); err != nil {
		t.Fatal(err)
	}
	path, err := filepath.Abs(filepath.Join(cfg.Out, ReportHTML))
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	defer cancelAlloc()
	var mu sync.Mutex
	var problems, requests []string
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithListener(func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+ev.ExceptionDetails.Text+" "+exceptionText(ev.ExceptionDetails))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				problems = append(problems, "console "+string(ev.Type))
			}
		case *network.EventRequestWillBeSent:
			requests = append(requests, ev.Request.URL)
		}
	}))
	defer cancelBrowser()

	if err := chromedp.Do(bctx, chromedp.Navigate("file://"+path), chromedp.WaitVisible("#map circle")); err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	type pageFacts struct {
		Title      string
		RawRows    int
		UnitRows   int
		RandomRows int
		CatRows    int
		Findings   int
		Charts     int
		Bars       int
		Chance     int
		Points     int
		Legend     int
		Command    string
		LastCircle struct{ X, Y float64 }
	}
	facts, err := chromedp.Run(bctx, chromedp.Evaluate[pageFacts](`(() => {
		const q = s => document.querySelectorAll(s).length;
		document.getElementById("map").scrollIntoView();
		const all = document.querySelectorAll("#map circle");
		const c = all[all.length - 1].getBoundingClientRect(); // drawn last: on top
		return {
			Title: document.title,
			RawRows: q("#headline-raw tbody tr"),
			UnitRows: q("#headline-unit tbody tr"),
			RandomRows: [...document.querySelectorAll("#headline-raw tbody tr")].filter(r => r.cells[0].textContent === "random vectors").length,
			CatRows: q("#categories tbody tr"),
			Findings: q("#findings .finding"),
			Charts: q(".charts svg"),
			Bars: q(".charts svg rect.bar"),
			Chance: q(".charts svg line.chance"),
			Points: q("#map circle"),
			Legend: q("#legend span"),
			Command: document.getElementById("command").textContent,
			LastCircle: {X: c.x + c.width / 2, Y: c.y + c.height / 2},
		};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	var points []MapPoint
	if err := json.Unmarshal([]byte(embeddedPoints(t, path)), &points); err != nil {
		t.Fatal(err)
	}
	// tinyConfig: CBOW and SG at dimensions 4, 6, 8; k = 5 and 10.
	if !strings.HasPrefix(facts.Title, "hiervec reproduction") || facts.RawRows != 9 || facts.UnitRows != 9 || facts.RandomRows != 3 ||
		facts.CatRows != 6 || facts.Findings != 3 || facts.Charts != 3 || facts.Chance != 6 || facts.Bars != 3*2*3*2*2 ||
		facts.Points != len(points) || facts.Points < 20 || facts.Legend < 10 || !strings.HasPrefix(facts.Command, "hiervec evaluate ") {
		t.Errorf("page shows %+v; want 6 model rows and 3 random rows per headline table, 6 category rows, 3 findings, "+
			"3 charts of 36 bars and 2 chance lines each, one circle per embedded point (%d), a legend and the command", facts, len(points))
	}

	// Hover the last point drawn with the mouse: the tip names its code,
	// description and category.
	if err := chromedp.Do(bctx, chromedp.MouseEvent(chromedp.MouseMoved, facts.LastCircle.X, facts.LastCircle.Y)); err != nil {
		t.Fatal(err)
	}
	tip, err := chromedp.Run(bctx, chromedp.Evaluate[struct {
		Text, Display string
	}](`({Text: document.getElementById("tip").textContent, Display: getComputedStyle(document.getElementById("tip")).display})`))
	if err != nil {
		t.Fatal(err)
	}
	p := points[len(points)-1]
	if tip.Display != "block" || !strings.Contains(tip.Text, p.Code) || !strings.Contains(tip.Text, p.Category) ||
		p.Description == "" || !strings.Contains(tip.Text, p.Description) {
		t.Errorf("hovering %s shows %q (display %s); want its code, description %q and category %s", p.Code, tip.Text, tip.Display, p.Description, p.Category)
	}

	if shot := os.Getenv("HIERVEC_SCREENSHOT"); shot != "" {
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(shot, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("the page reported %q", problems)
	}
	for _, u := range requests {
		if !strings.HasPrefix(u, "file://") {
			t.Errorf("the page requested %s", u)
		}
	}
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

// embeddedPoints returns the JSON array of map points report.html holds.
func embeddedPoints(t *testing.T, path string) string {
	t.Helper()
	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`const points = (\[.*?\]);\n`).FindSubmatch(page)
	if m == nil {
		t.Fatal("report.html holds no map points")
	}
	return string(m[1])
}
