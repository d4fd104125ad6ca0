package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
)

// apiToken creates the token the API scenarios run with: the measured
// desk's integration identity, through the same service call as the admin
// page, with a rate limit far above what the driver reaches, so the bench
// measures the API and not its limiter.
func (d *direct) apiToken(ctx context.Context, w workload) (string, error) {
	admin, err := d.store.UserByEmail(ctx, helpdesk.TenantID(w.tenantID), AdminEmail(w.slug))
	if err != nil {
		return "", fmt.Errorf("bench: the desk's admin: %w", err)
	}
	_, secret, err := d.svc.CreateAPIToken(ctx, admin.Actor(), helpdesk.APITokenInput{Name: "Bench",
		Scopes: []string{string(helpdesk.ScopeTicketsRead), string(helpdesk.ScopeTicketsWrite)}, ActingAs: "integration",
		Language: "es", RatePerMin: "100000"})
	if err != nil {
		return "", fmt.Errorf("bench: API token: %w", err)
	}
	return secret, nil
}

// mergePartial folds a run limited to some scenarios (BENCH_ONLY) into the
// scale's saved results: its phases replace theirs, everything else stays
// as last measured, and the re-run is listed with its date and load. With
// no saved results the partial run stands alone.
func mergePartial(root string, res Results, only string) (Results, error) {
	b, err := os.ReadFile(filepath.Join(root, "docs", "bench", "results-"+res.Scale+".json"))
	if os.IsNotExist(err) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	var old Results
	if err := json.Unmarshal(b, &old); err != nil {
		return res, fmt.Errorf("bench: saved %s results: %w", res.Scale, err)
	}
	names := strings.Split(only, ",")
	kept := old.Load.Results[:0]
	for _, x := range old.Load.Results {
		if !slices.Contains(names, x.Scenario) {
			kept = append(kept, x)
		}
	}
	old.Load.Results = append(kept, res.Load.Results...)
	// What every run measures before the load, whatever it keeps, is
	// taken from this run: the code it measured is the code the rerun's
	// rows come from.
	old.Floor, old.Search, old.Queries = res.Floor, res.Search, res.Queries
	if slices.Contains(names, "create") {
		old.Created, old.Distinct = res.Created, res.Distinct
		old.Load.CreatedPaths, old.Load.CreatedOK = res.Load.CreatedPaths, res.Load.CreatedOK
	}
	old.Reruns = append(old.Reruns, fmt.Sprintf("%s: %s only (BENCH_ONLY), and the database floor, searches and statement counts, %s, load average %s before, %s after",
		res.Date.Format("2006-01-02 15:04 UTC"), strings.Join(names, ", "), res.Elapsed.Round(time.Second), res.LoadBefore, res.LoadAfter))
	return old, nil
}
