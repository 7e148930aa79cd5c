// Package session is a logged-in user as every process sees it, split by who calls it: check.go
// is the gateways' side (verify an access token, look up the session's published state, the
// caller in the request's context), issue.go is user-rpc's (mint access tokens, publish and end
// session states in Redis).
package session
