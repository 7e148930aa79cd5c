// Package metric declares zeromall's own Prometheus series, each registered once, on the default
// registry the dev servers' /metrics serve, and named zeromall_<subsystem>_<name>.
package metric

import "github.com/prometheus/client_golang/prometheus"

const namespace = "zeromall"

// CounterVec registers and returns a counter with the given labels.
func CounterVec(subsystem, name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Subsystem: subsystem, Name: name, Help: help}, labels)
	prometheus.MustRegister(c)
	return c
}

// GaugeVec registers and returns a gauge with the given labels.
func GaugeVec(subsystem, name, help string, labels ...string) *prometheus.GaugeVec {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: namespace, Subsystem: subsystem, Name: name, Help: help}, labels)
	prometheus.MustRegister(g)
	return g
}

// Gauge registers and returns a gauge without labels.
func Gauge(subsystem, name, help string) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Namespace: namespace, Subsystem: subsystem, Name: name, Help: help})
	prometheus.MustRegister(g)
	return g
}
