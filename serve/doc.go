// Package serve is the HTTP side of `lenet draw`: a handler that serves a drawing page
// and its API (classify a canvas, save it as a labelled picture) to that page alone.
//
// The server runs on the user's machine beside a browser that also visits other web
// sites, so it answers only requests addressed to it by a loopback name or address (or
// its own --addr host: DNS rebinding sends a foreign name), refuses state-changing
// requests from other origins (net/http's CrossOriginProtection), caps what the save
// folder may hold, and writes each drawing whole or not at all.
package serve
