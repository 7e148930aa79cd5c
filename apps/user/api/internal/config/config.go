package config

import "zeromall/pkg/gateway"

// Config is user-api's: the shared gateway configuration (its Check runs at load) is all it needs.
type Config struct {
	gateway.Config
}
