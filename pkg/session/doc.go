// Package session is a logged-in user as every process sees it: token.go mints and verifies
// the access tokens (user-rpc mints, the gateways verify), and published.go is the session
// state user-rpc publishes in Redis so a gateway checks a session with one GET.
package session
