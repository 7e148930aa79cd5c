// Package e2e drives the gateways over HTTP the way a client would, against services running as
// processes on real MySQL, a private Redis and an embedded etcd.
package e2e
