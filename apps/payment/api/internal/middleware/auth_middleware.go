package middleware

// The Auth middleware the .api file names is built by pkg/gateway (Gateway.Auth) in svc.
