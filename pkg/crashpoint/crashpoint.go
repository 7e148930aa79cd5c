// Package crashpoint lets tests kill a service process at a named instant, such as between a
// commit and what must follow it, so that recovery from a crash there is tested without sleeps.
//
// Crash points exist only in binaries built with the crashpoints build tag (the end-to-end tests
// build the services that way); in every other build Hit is an empty function. In a tagged build
// the variable ZEROMALL_CRASH_AT lists the points (comma-separated) at which the process
// SIGKILLs itself: no deferred function runs and nothing is flushed, as in a real crash. A point
// written name@0.05 crashes at 5 % of its hits (the chaos run's random crashes).
package crashpoint

// EnvVar names the points a tagged build crashes at.
const EnvVar = "ZEROMALL_CRASH_AT"
