package server

import (
	"strconv"
	"strings"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// SVG charts, drawn on the server in the chart's own units (the viewBox),
// so they scale to any width, phones included, without JavaScript. Each has
// a sentence summarising it and a table with the same numbers.

const (
	chartW, chartH          = 720, 240
	chartLeft, chartBottom  = 40, 24
	chartTop, chartRightPad = 12, 8
)

// volumeChart draws created and solved per day as bars and the backlog at
// each day's end as a line.
func volumeChart(l i18n.Lang, series []helpdesk.DayPoint, data console.ReportTable) console.Chart {
	c := console.Chart{ID: "chart-volume", Width: chartW, Height: chartH, Data: data, DataTitle: l.T("reports.chart.table")}
	c.Legend = []console.ReportTab{{ID: "series-created", Label: l.T("reports.created")},
		{ID: "series-solved", Label: l.T("reports.solved")}, {ID: "series-line", Label: l.T("reports.backlog")}}
	peak, created, solved := 1, 0, 0
	for _, p := range series {
		peak = max(peak, p.Created, p.Solved, p.Backlog)
		created += p.Created
		solved += p.Solved
	}
	last := 0
	if len(series) > 0 {
		last = series[len(series)-1].Backlog
	}
	c.Summary = l.T("reports.chart.volume_summary", len(series), created, solved, last)
	if len(series) == 0 {
		return c
	}
	plotW, plotH := chartW-chartLeft-chartRightPad, chartH-chartTop-chartBottom
	slot := float64(plotW) / float64(len(series))
	barW := max(1, int(slot*0.4))
	y := func(v int) int { return chartTop + plotH - v*plotH/peak }
	var line []string
	for i, p := range series {
		x0 := chartLeft + int(float64(i)*slot)
		day := formatDate(l, p.Day.Location(), p.Day)
		c.Bars = append(c.Bars,
			console.ChartBar{X: x0 + 1, Y: y(p.Created), W: barW, H: chartTop + plotH - y(p.Created), Class: "series-created",
				Title: day + ": " + l.T("reports.chart.n_created", p.Created)},
			console.ChartBar{X: x0 + 1 + barW, Y: y(p.Solved), W: barW, H: chartTop + plotH - y(p.Solved), Class: "series-solved",
				Title: day + ": " + l.T("reports.chart.n_solved", p.Solved)})
		line = append(line, strconv.Itoa(x0+1+barW)+","+strconv.Itoa(y(p.Backlog)))
	}
	c.Line = strings.Join(line, " ")
	c.Bars = append(c.Bars, console.ChartBar{X: chartLeft, Y: chartTop + plotH, W: plotW, H: 1, Class: "axis"})
	c.Labels = []console.ChartLabel{
		{X: chartLeft - 4, Y: chartTop + 10, Text: strconv.Itoa(peak), Anchor: "end"},
		{X: chartLeft - 4, Y: chartTop + plotH, Text: "0", Anchor: "end"},
		{X: chartLeft, Y: chartH - 6, Text: formatDate(l, series[0].Day.Location(), series[0].Day), Anchor: "start"},
		{X: chartW - chartRightPad, Y: chartH - 6, Text: formatDate(l, series[len(series)-1].Day.Location(), series[len(series)-1].Day), Anchor: "end"},
	}
	return c
}

// arrivalsChart draws the weekday × hour grid of created tickets, Monday
// first, each cell shaded by its share of the busiest cell.
func arrivalsChart(l i18n.Lang, a helpdesk.Arrivals, data console.ReportTable) console.Chart {
	const left, top, cell, gap = 44, 16, 27, 2
	c := console.Chart{ID: "chart-arrivals", Width: left + 24*cell, Height: top + 7*cell + 4, Data: data,
		DataTitle: l.T("reports.chart.table")}
	peak, total, bestD, bestH := 0, 0, 1, 0
	for d := range a {
		for h := range a[d] {
			total += a[d][h]
			if a[d][h] > peak {
				peak, bestD, bestH = a[d][h], d, h
			}
		}
	}
	c.Summary = l.T("reports.chart.arrivals_summary", total)
	if peak > 0 {
		c.Summary += " " + l.T("reports.chart.arrivals_peak", l.T(msgKey("reports.weekday.", strconv.Itoa(bestD))), bestH, peak)
	}
	for row, d := range mondayFirst() {
		y := top + row*cell
		c.Labels = append(c.Labels, console.ChartLabel{X: left - 6, Y: y + cell/2 + 4, Text: l.T(msgKey("reports.weekday_short.", strconv.Itoa(d))), Anchor: "end"})
		for h := 0; h < 24; h++ {
			n := a[d][h]
			level := 0
			if n > 0 {
				level = 1 + 3*n/max(peak, 1)
				level = min(level, 4)
			}
			c.Bars = append(c.Bars, console.ChartBar{X: left + h*cell, Y: y, W: cell - gap, H: cell - gap,
				Class: "series-heat heat-" + strconv.Itoa(level),
				Title: l.T("reports.chart.cell", l.T(msgKey("reports.weekday.", strconv.Itoa(d))), h, n)})
		}
	}
	for h := 0; h < 24; h += 3 {
		c.Labels = append(c.Labels, console.ChartLabel{X: left + h*cell + cell/2, Y: top - 4, Text: strconv.Itoa(h), Anchor: "middle"})
	}
	return c
}

// mondayFirst lists time.Weekday values from Monday to Sunday.
func mondayFirst() []int { return []int{1, 2, 3, 4, 5, 6, 0} }
